// The scheduling loop the Node contenders of the DAG section share (raw-floor, spec-floor, execa-runner):
// each task starts once its dependencies are done, at most PARALLEL at a time, ready tasks in plan order.
// `start(task, ended)` starts a task and calls `ended()` once it succeeded (a failure exits the runner).
import { readFileSync } from 'node:fs';

export function runDag(dagFile, parallel, start) {
  const { tasks } = JSON.parse(readFileSync(dagFile, 'utf8'));
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
      start(tasks[i], () => {
        running--;
        done++;
        for (const j of dependents[i]) if (--left[j] === 0) ready.push(j);
        pump();
      });
    }
  };
  pump();
  process.on('exit', () => done !== tasks.length && (process.exitCode = 1));
}
