// The built-in example plans of `aad selfcheck`: small, with short sleeps, each checking one promise of
// SPEC.md. Task commands are POSIX sh; the files they write are what the checks look at.

/** A chain a → b → c: each task appends its name to order.txt. */
export const CHAIN_PLAN = `# aad selfcheck: a chain
tasks:
  - id: one
    cmd: echo one >> order.txt
  - id: two
    cmd: echo two >> order.txt
    depends_on: [one]
  - id: three
    cmd: echo three >> order.txt
    depends_on: [two]
`;

/** The fan-out's workers: they run between \`prepare\` and \`gather\`. */
export const FAN_OUT_WORKERS = ['w1', 'w2', 'w3', 'w4'];

/**
 * A fan-out of four workers run under --max-parallel 2. Each worker marks its start, then waits (5 s at most)
 * until two have started: with a limit of 2 the first two always meet, so the journal shows 2 at once unless
 * aad ran them one by one (or 3 if it broke its limit).
 */
export const FAN_OUT_PLAN = `# aad selfcheck: a parallel fan-out (run with --max-parallel 2)
tasks:
  - id: prepare
    cmd: mkdir -p started
${FAN_OUT_WORKERS.map(
  (w) => `  - id: ${w}
    cmd: |
      touch "started/$AAD_TASK_ID"
      i=0
      while [ "$(ls started | wc -l)" -lt 2 ] && [ "$i" -lt 250 ]; do sleep 0.02; i=$((i + 1)); done
    depends_on: [prepare]
`,
).join('')}  - id: gather
    cmd: ls started
    depends_on: [${FAN_OUT_WORKERS.join(', ')}]
`;

/** How many retries the flaky task has. */
export const FLAKY_RETRIES = 2;

/**
 * A task that fails until the file \`pass\` exists (the selfcheck creates it before resuming), between a
 * task that counts its runs in setup.count (a resume must not run it again) and a dependent.
 */
export const RETRY_PLAN = `# aad selfcheck: a failing task with retries, then its resume
tasks:
  - id: setup
    cmd: echo ran >> setup.count
  - id: flaky
    cmd: test -f pass || { echo "pass is missing"; exit 1; }
    depends_on: [setup]
    retries: ${FLAKY_RETRIES}
    retry_backoff_sec: 0
  - id: report
    cmd: echo flaky passed
    depends_on: [flaky]
`;

/** A long task (a shell and a background sleep, their pids in task.pid and child.pid) to cancel, and a dependent. */
export const CANCEL_PLAN = `# aad selfcheck: a cancel from another process
tasks:
  - id: long
    cmd: |
      sleep 30 &
      echo $! > child.pid
      echo $$ > task.pid
      wait
    kill_grace_sec: 2
  - id: after
    cmd: echo never
    depends_on: [long]
`;

/** What db.txt holds before the migration; the rollback must bring it back. */
export const DB_BEFORE = 'version 1\n';

/** A task that breaks db.txt and fails for good (after one retry); its rollback restores it and counts its runs. */
export const ROLLBACK_PLAN = `# aad selfcheck: a rollback
tasks:
  - id: migrate
    cmd: echo half-migrated > db.txt; exit 1
    retries: 1
    retry_backoff_sec: 0
    rollback: cp db.orig db.txt && echo rolled back >> rollback.count
`;
