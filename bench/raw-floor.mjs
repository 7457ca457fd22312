// The raw floor: spawn a DAG's commands with node:child_process and nothing else, N at a time, each once
// its dependencies are done, ready tasks in plan order. Usage: node raw-floor.mjs DAG.json PARALLEL
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { tasks } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const parallel = Number(process.argv[3] ?? 2);
const index = new Map(tasks.map((t, i) => [t.id, i]));
const left = tasks.map((t) => t.deps.length);
const dependents = tasks.map(() => []);
tasks.forEach((t, i) => t.deps.forEach((d) => dependents[index.get(d)].push(i)));
const ready = tasks.flatMap((t, i) => (t.deps.length ? [] : [i]));
let running = 0;
let done = 0;
const pump = () => {
  while (running < parallel && ready.length) {
    ready.sort((a, b) => a - b);
    const i = ready.shift();
    running++;
    spawn('/bin/sh', ['-c', tasks[i].cmd], { stdio: 'ignore' }).on('exit', (code) => {
      if (code !== 0) process.exit(1);
      running--;
      done++;
      for (const j of dependents[i]) if (--left[j] === 0) ready.push(j);
      pump();
    });
  }
};
pump();
process.on('exit', () => done !== tasks.length && (process.exitCode = 1));
