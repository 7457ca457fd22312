// The raw floor plus only what SPEC asks of every attempt, done the cheapest way, with no runner around it:
// the task's log folder and the attempt's log file (logs/<task>/<n>.log, the output written straight to it),
// a journal line appended before the start and one after the end (events.jsonl), the attempt in its own
// process group with the AAD_ variables in its environment, and a check after the exit that no process of
// its group is left. The command runs without a shell, as aad runs a command without shell syntax.
// It tells how much of aad's time over the raw floor SPEC's per-attempt work takes on this machine.
// Usage: node spec-floor.mjs DAG.json PARALLEL RUN_DIR
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { runDag } from './dag-loop.mjs';

const runDir = process.argv[4];
mkdirSync(join(runDir, 'logs'), { recursive: true });
const journal = openSync(join(runDir, 'events.jsonl'), 'a');
runDag(process.argv[2], Number(process.argv[3] ?? 2), (task, ended) => {
  const id = task.id;
  writeSync(journal, `{"event":"task_started","task":${JSON.stringify(id)},"attempt":1,"ts":"${new Date().toISOString()}"}\n`);
  const dir = join(runDir, 'logs', id);
  mkdirSync(dir);
  const log = openSync(join(dir, '1.log'), 'a');
  const env = { ...process.env, AAD_RUN_ID: 'bench', AAD_TASK_ID: id, AAD_ATTEMPT: '1', AAD_RUN_DIR: runDir };
  const [file, ...args] = task.cmd.split(' ');
  const child = spawn(file, args, { stdio: ['ignore', log, log], detached: true, env, cwd: runDir });
  closeSync(log);
  child.on('exit', (code) => {
    if (code !== 0) process.exit(1);
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // the group is gone, as it should be
    }
    writeSync(journal, `{"event":"task_succeeded","task":${JSON.stringify(id)},"attempt":1,"exit_code":0,"ts":"${new Date().toISOString()}"}\n`);
    ended();
  });
});
