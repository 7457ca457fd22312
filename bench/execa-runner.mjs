// The same scheduling loop as raw-floor.mjs, each command spawned by execa with its default options.
// Usage: node execa-runner.mjs DAG.json PARALLEL
import { execa } from 'execa';
import { runDag } from './dag-loop.mjs';

runDag(process.argv[2], Number(process.argv[3] ?? 2), (task, ended) => {
  execa('/bin/sh', ['-c', task.cmd]).then(ended, (err) => {
    console.error(err.shortMessage ?? err);
    process.exit(1);
  });
});
