// The raw floor: spawn a DAG's commands with node:child_process and nothing else, N at a time, each once
// its dependencies are done, ready tasks in plan order. Usage: node raw-floor.mjs DAG.json PARALLEL
import { spawn } from 'node:child_process';
import { runDag } from './dag-loop.mjs';

runDag(process.argv[2], Number(process.argv[3] ?? 2), (task, ended) => {
  spawn('/bin/sh', ['-c', task.cmd], { stdio: 'ignore' }).on('exit', (code) => {
    if (code !== 0) process.exit(1);
    ended();
  });
});
