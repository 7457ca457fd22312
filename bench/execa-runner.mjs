// The same scheduling loop as raw-floor.mjs, each command spawned by execa with its default options.
// Usage: node execa-runner.mjs DAG.json PARALLEL
import { readFileSync } from 'node:fs';
import { execa } from 'execa';

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
    execa('/bin/sh', ['-c', tasks[i].cmd]).then(
      () => {
        running--;
        done++;
        for (const j of dependents[i]) if (--left[j] === 0) ready.push(j);
        pump();
      },
      (err) => {
        console.error(err.shortMessage ?? err);
        process.exit(1);
      },
    );
  }
};
pump();
process.on('exit', () => done !== tasks.length && (process.exitCode = 1));
