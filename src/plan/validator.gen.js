/* Generated from schema/aad.schema.json by `npm run gen:types`. Do not edit. */
// @ts-nocheck
"use strict";
export const validate = validate10;
export default validate10;
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://aad.dev/schema/aad.schema.json","title":"PlanInput","description":"An aad plan: tasks (shell commands) with dependencies, timeouts, retries, rollbacks and output artifacts. Run it with `aad run`, check it with `aad validate`.","type":"object","additionalProperties":false,"required":["tasks"],"patternProperties":{"^x-":{"description":"Extension keys (`x-…`), ignored by aad: a place for YAML anchors to reuse with `<<: *anchor`.\n\nExample:\n```yaml\nx-node: &node { retries: 2, timeout_sec: 60 }\ntasks:\n  - { id: build, cmd: npm run build, <<: *node }\n```"}},"properties":{"version":{"description":"Version of the plan language. Optional; the only version is 1.\n\nExample: `version: 1`","const":1},"goal":{"description":"What the plan is for, in free text. Shown by `aad graph`.\n\nExample: `goal: \"Ship the release\"`","type":"string"},"artifacts_dir":{"description":"Folder (relative to the workdir) where each task's collected `outputs` are also copied, as `<artifacts_dir>/<task_id>/…`. Default: none (outputs are kept only in the run directory).\n\nExample: `artifacts_dir: dist-artifacts`","type":"string","minLength":1},"max_parallel":{"description":"How many tasks may run at once (1 to 4096). `aad run --max-parallel N` wins over it. Default: the number of CPUs.\n\nExample: `max_parallel: 4`","type":"integer","minimum":1,"maximum":4096},"max_children":{"description":"How many child tasks the run's tasks may add in all (through `children` in their `$AAD_OUTCOME` file), nested children included. Past it the parent that asked for more fails with a reason naming this limit. 1 to 100000. Default: 1000.\n\nExample: `max_children: 10000`","type":"integer","minimum":1,"maximum":100000},"on_escalation":{"description":"Command run (in the workdir, for at most 30 s) with each escalation record as JSON on its stdin: a string is run by `/bin/sh -c`, a list is an argv run without a shell. Its failure is reported, never fatal. Default: none.\n\nExample: `on_escalation: ./notify.sh`","$ref":"#/definitions/command"},"defaults":{"$ref":"#/definitions/defaults"},"tasks":{"description":"The tasks of the plan, in plan order (ties in scheduling are broken by this order). At least one.","type":"array","minItems":1,"items":{"$ref":"#/definitions/task"}}},"definitions":{"command":{"title":"Command","description":"A command: a string is run by `/bin/sh -c` (directly, without a shell, when it has no shell syntax); a list is an argv run without a shell.\n\nExamples: `npm run build`, `[node, build.js, --prod]`","anyOf":[{"type":"string","minLength":1},{"type":"array","minItems":1,"items":{"type":"string"}}]},"task_id":{"title":"TaskId","description":"A task id: 1 to 128 characters, letters, digits, `.`, `_` and `-`, starting with a letter or digit. Unique in the plan, ignoring case.\n\nExample: `build`","type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9][A-Za-z0-9._-]*$"},"cwd":{"description":"Working directory of the task, relative to the workdir (the plan file's folder unless `--workdir` says otherwise). Default: `.`.\n\nExample: `cwd: packages/app`","type":"string","minLength":1},"env":{"title":"Env","description":"Environment variables for the task, added to aad's own environment (task `env` over `defaults.env`). Names are non-empty, contain no `=` and do not start with `AAD_` (aad's own). Values are strings, numbers or booleans. String values are interpolated from aad's own environment when the run starts: `${NAME}` is the variable's value, `${NAME:-default}` the default when it is unset or empty, `$$` a literal `$` (any other `$` stays as written); an unset `${NAME}` without a default refuses the run (`aad validate` only warns), a malformed `${` is a plan error. Values of names that look secret (SECRET, TOKEN, PASSWORD, API_KEY, PRIVATE, CREDENTIAL), and values read from variables with such names, are masked as `***` in everything aad writes.\n\nExamples: `env: { NODE_ENV: production }`, `env: { DEPLOY_TOKEN: \"${CI_DEPLOY_TOKEN}\", REGION: \"${REGION:-eu-west-1}\" }`","type":"object","propertyNames":{"minLength":1,"pattern":"^(?!AAD_)[^=]+$"},"additionalProperties":{"type":["string","number","boolean"]}},"timeout_sec":{"description":"Time limit of each attempt, in seconds (> 0, at most 2147483: about 24 days). When it passes, the task's whole process group gets SIGTERM, then SIGKILL after `kill_grace_sec`. Default: no limit.\n\nExample: `timeout_sec: 300`","type":"number","exclusiveMinimum":0,"maximum":2147483},"kill_grace_sec":{"description":"Seconds between SIGTERM and SIGKILL when a task is stopped by its timeout or a cancel (>= 0, at most 2147483). Default: 5.\n\nExample: `kill_grace_sec: 10`","type":"number","minimum":0,"maximum":2147483},"retries":{"description":"How many times a failed attempt is tried again (an integer from 0 to 10000; the task runs at most `retries + 1` times). Default: 0.\n\nExample: `retries: 2`","type":"integer","minimum":0,"maximum":10000},"retry_backoff_sec":{"description":"Seconds to wait before each retry: a number (the same wait every time), a list whose item k is the wait before retry k (the last item repeats), or an exponential backoff `{initial, factor, max, jitter}`: retry k waits `initial × factor^(k-1)` seconds, at most `max`, drawn within ±20% of that when `jitter` is true. A `retry_after_sec` in the task's `$AAD_OUTCOME` file wins over it. Default: 0.\n\nExamples: `retry_backoff_sec: [1, 3, 10]`, `retry_backoff_sec: { initial: 1, factor: 2, max: 60, jitter: true }`","anyOf":[{"type":"number","minimum":0,"maximum":2147483},{"type":"array","minItems":1,"items":{"type":"number","minimum":0,"maximum":2147483}},{"title":"ExponentialBackoff","type":"object","additionalProperties":false,"required":["initial"],"properties":{"initial":{"description":"Seconds before the first retry.","type":"number","minimum":0,"maximum":2147483},"factor":{"description":"What each wait is multiplied by for the next retry (1 to 100). Default: 2.","type":"number","minimum":1,"maximum":100},"max":{"description":"The longest wait, in seconds. Default: 3600.","type":"number","minimum":0,"maximum":2147483},"jitter":{"description":"Spread each wait at random within ±20%, so that tasks failing together do not retry together. Default: false.","type":"boolean"}}}]},"exit_codes":{"description":"What the task's exit codes mean: a map from an exit code (0 to 255) to an outcome. `success`: the task succeeded; `failure`: it failed (retried while `retries` last); `blocked`: it cannot go on without help (a missing input, a question only a person can answer): never retried, no rollback, an `error` escalation, its dependents skipped, re-run by `aad resume`. Codes not listed keep their meaning: 0 is success, anything else failure. A timeout, a signal and a spawn failure are always failures; an outcome the task writes in its `$AAD_OUTCOME` file wins over this map. Default: none. Not inherited by child tasks.\n\nExample: `exit_codes: { 75: failure, 2: blocked, 3: success }`","type":"object","propertyNames":{"pattern":"^(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$"},"additionalProperties":{"type":"string","enum":["success","failure","blocked"]}},"outputs":{"description":"Files the task produces: picomatch globs relative to the task's cwd, which may not point outside it. After the task's final attempt (success or failure) they are collected into the run directory, and copied to `<artifacts_dir>/<task_id>/` when `artifacts_dir` is set. Default: none.\n\nExample: `outputs: [\"dist/**\", report.json]`","type":"array","items":{"type":"string","minLength":1}},"sources":{"description":"Files the task reads: picomatch globs relative to the task's cwd, which may not point outside it (`!glob` excludes; a folder name takes everything below it). A task with `sources` is up to date, and not run, when its `cmd`, cwd, environment values (hashed, never stored) and the contents of these files are those of its last success in this home, and every file its `generates` matched then is still there with the same contents; it then ends `succeeded` with 0 attempts and the reason `up to date`. `aad run --force` runs it regardless. Fingerprints are kept in `<home>/fingerprints/`. Default: none (the task always runs). Not inherited by child tasks.\n\nExample: `sources: [\"src/**/*.ts\", package.json]`","type":"array","minItems":1,"items":{"type":"string","minLength":1}},"generates":{"description":"Files the task makes: picomatch globs relative to the task's cwd, which may not point outside it. After each success their contents are recorded with the task's fingerprint; a recorded file deleted or changed since makes the task run again. Only meaningful with `sources`. Default: none. Not inherited by child tasks.\n\nExample: `generates: [\"dist/**\"]`","type":"array","items":{"type":"string","minLength":1}},"rollback":{"description":"Command run once, in the task's cwd and environment, when the task has failed for good (a string for `/bin/sh -c`, or an argv). The word `git` is the built-in rollback: aad snapshots the cwd's git work tree once before the first attempt (kept across resumes) and restores, byte for byte, the files the task changed, keeping the failed state under `refs/aad/<run_id>/<task>/failed`; such a task holds its work tree alone while it runs (no other task of that work tree runs meanwhile), and a plan whose task cwd is not in a git work tree is refused. Default: none.\n\nExamples: `rollback: ./undo.sh`, `rollback: git`","$ref":"#/definitions/command"},"rollback_timeout_sec":{"description":"Time limit of the rollback, in seconds (> 0, at most 2147483: about 24 days). Default: the task's `timeout_sec`.\n\nExample: `rollback_timeout_sec: 60`","type":"number","exclusiveMinimum":0,"maximum":2147483},"rollback_on_cancel":{"description":"Also run the rollback when the task is cancelled while running. Default: false.\n\nExample: `rollback_on_cancel: true`","type":"boolean"},"stall_timeout_sec":{"description":"Watchdog: stop an attempt that writes nothing (stdout or stderr) and does not touch the file named by `$AAD_HEARTBEAT` for this many seconds, like a timeout (its process group gets SIGTERM, then SIGKILL after `kill_grace_sec`); reason `stalled: no output for 120s`. A failure: retried by `retries`. A task legitimately quiet for long (a big build) touches `$AAD_HEARTBEAT` or sets a longer limit. Default: no limit.\n\nExample: `stall_timeout_sec: 120`","type":"number","exclusiveMinimum":0,"maximum":2147483},"max_memory_mb":{"description":"Watchdog (Linux only): the resident memory, in MB (1 MB = 1,048,576 bytes), of the attempt's whole process group and of the processes that left it carrying its `AAD_TASK_ID`, sampled every second; above it the attempt is stopped like a timeout, reason `memory: 612 MB over the limit of 512 MB`. A failure: retried by `retries`. Elsewhere than Linux the plan is refused. Default: no limit.\n\nExample: `max_memory_mb: 2048`","type":"number","exclusiveMinimum":0,"maximum":16777216},"max_identical_failures":{"description":"Error-storm stop: when this many attempts in a row fail the same way (the same kind: exit code N, timeout, stalled, memory, signal; and the same last non-blank output line once digits are masked), no more retries are made: the task fails with reason `the same failure 3 times in a row: <signature>` and a `critical` escalation. Varied failures keep retrying. At least 2. Default: off.\n\nExample: `max_identical_failures: 3`","type":"integer","minimum":2,"maximum":1000000},"approval":{"description":"Human approval: when the task is otherwise ready, it waits in the state `awaiting_approval` instead of starting, with a `warning` escalation (\"waiting for approval: <text>\"); the console prints the command that approves it (`aad approve RUN_ID TASK`). `aad reject` fails it (no attempt, no rollback; dependents skipped). Other tasks go on meanwhile. A string is the text shown to the approver. `aad run --approve TASK,…|all` approves ahead (CI). An approval holds for the whole run, resumes included. Default: false.\n\nExamples: `approval: true`, `approval: \"Deploy to production?\"`","anyOf":[{"type":"boolean"},{"type":"string","minLength":1}]},"approval_timeout_sec":{"description":"How long an approval (of the task, or of its rollback with `rollback_approval`) may take: past it, the task is rejected with reason `rejected: no approval within 3600s`. Default: no limit (the run waits; Ctrl-C and `aad cancel` work as always).\n\nExample: `approval_timeout_sec: 3600`","type":"number","exclusiveMinimum":0,"maximum":2147483},"rollback_approval":{"description":"The rollback waits for `aad approve RUN_ID TASK --rollback` before it runs (the run waits for it); `aad reject … --rollback` (or `approval_timeout_sec`) skips it with a `critical` escalation saying that the workspace was left as the task left it. Default: false.\n\nExample: `rollback_approval: true`","type":"boolean"},"rollback_verify":{"description":"A command run after a rollback succeeded, in the same cwd and environment (log `logs/<task>/rollback-verify.log`); if it fails, the rollback counts as failed (`critical` escalation, reason `verify failed: exit 1`). Limited by `rollback_timeout_sec`. Default: none.\n\nExample: `rollback_verify: git diff --quiet`","$ref":"#/definitions/command"},"max_rollbacks":{"description":"How many times the task's rollback may run over the whole run, resumes included; the next final failure skips it (`rollback_skipped`) with a `critical` escalation \"rollback limit reached (3): manual intervention needed\". 0 never rolls back. Default: 3.\n\nExample: `max_rollbacks: 1`","type":"integer","minimum":0,"maximum":1000000},"local":{"description":"With `aad run --redis URL` (workers on other machines): run this task on the runner's machine all the same, as without `--redis`. Tasks with `isolation: worktree`, a `rollback` or `sources` always run there (their worktree, snapshot or fingerprints are the runner's). Without `--redis`, every task runs locally and this key changes nothing. Default: false.\n\nExample: `local: true`","type":"boolean"},"isolation":{"description":"Where the task works. `worktree`: in its own git worktree `<home>/worktrees/<run_id>/<task_id>`, on a new branch `aad/tasks/<run_id>/<task_id>` made from the tip of the run's integration branch `aad/<run_id>` when the task starts (so it sees every isolated task that already succeeded, its dependencies included); its `cwd` is resolved inside that worktree. On success aad commits what the task changed and merges it into `aad/<run_id>` (a merge conflict fails the task, naming the paths), then removes the worktree; on failure or cancel the worktree is kept (its path is in `aad status`) until `aad clean`. The user's own work tree, index, HEAD, branch and stash are never touched: merge `aad/<run_id>` yourself to take the result. The workdir must be in a git work tree with at least one commit (git 2.38 or later), else the run is refused. `shared` (the default): in the workdir itself.\n\nExample: `isolation: worktree`","type":"string","enum":["shared","worktree"]},"worktree_copy":{"description":"Untracked or ignored files of the main work tree to copy into an isolated task's worktree before it starts (`.env`, agent settings): picomatch globs relative to the work tree's top level, which may not point outside it. Tracked files are never copied (the worktree has them as committed), symlinks are not followed, and copied files that git does not track are never part of the task's commit. Only for `isolation: worktree`. Default: none.\n\nExample: `worktree_copy: [.env, \".claude/**\"]`","type":"array","items":{"type":"string","minLength":1}},"description":{"description":"What the task does, for people. Shown by `aad graph`.\n\nExample: `description: Compile the app`","type":"string"},"defaults":{"title":"Defaults","description":"Values for every task that does not set the key itself (`env` is merged, the task's names winning). Any task key but `id`, `cmd` and `depends_on`.\n\nExample: `defaults: { timeout_sec: 600, retries: 1 }`","type":"object","additionalProperties":false,"properties":{"cwd":{"$ref":"#/definitions/cwd"},"env":{"$ref":"#/definitions/env"},"timeout_sec":{"$ref":"#/definitions/timeout_sec"},"kill_grace_sec":{"$ref":"#/definitions/kill_grace_sec"},"retries":{"$ref":"#/definitions/retries"},"retry_backoff_sec":{"$ref":"#/definitions/retry_backoff_sec"},"exit_codes":{"$ref":"#/definitions/exit_codes"},"outputs":{"$ref":"#/definitions/outputs"},"rollback":{"$ref":"#/definitions/rollback"},"rollback_timeout_sec":{"$ref":"#/definitions/rollback_timeout_sec"},"rollback_on_cancel":{"$ref":"#/definitions/rollback_on_cancel"},"stall_timeout_sec":{"$ref":"#/definitions/stall_timeout_sec"},"max_memory_mb":{"$ref":"#/definitions/max_memory_mb"},"max_identical_failures":{"$ref":"#/definitions/max_identical_failures"},"approval":{"$ref":"#/definitions/approval"},"approval_timeout_sec":{"$ref":"#/definitions/approval_timeout_sec"},"rollback_approval":{"$ref":"#/definitions/rollback_approval"},"rollback_verify":{"$ref":"#/definitions/rollback_verify"},"max_rollbacks":{"$ref":"#/definitions/max_rollbacks"},"local":{"$ref":"#/definitions/local"},"isolation":{"$ref":"#/definitions/isolation"},"worktree_copy":{"$ref":"#/definitions/worktree_copy"},"description":{"$ref":"#/definitions/description"}}},"task":{"title":"TaskInput","description":"A task: a command with its dependencies, limits and failure handling.\n\nExample:\n```yaml\n- id: build\n  cmd: npm run build\n  depends_on: [lint]\n```","type":"object","additionalProperties":false,"required":["id","cmd"],"properties":{"id":{"$ref":"#/definitions/task_id"},"cmd":{"description":"The task's command: a string is run by `/bin/sh -c` (directly, without a shell, when it has no shell syntax); a list is an argv run without a shell. Required.\n\nExamples: `cmd: npm run build`, `cmd: [node, build.js]`","$ref":"#/definitions/command"},"depends_on":{"description":"Ids of the tasks that must succeed before this one starts. Default: none.\n\nExample: `depends_on: [lint, test]`","type":"array","items":{"$ref":"#/definitions/task_id"}},"cwd":{"$ref":"#/definitions/cwd"},"env":{"$ref":"#/definitions/env"},"timeout_sec":{"$ref":"#/definitions/timeout_sec"},"kill_grace_sec":{"$ref":"#/definitions/kill_grace_sec"},"retries":{"$ref":"#/definitions/retries"},"retry_backoff_sec":{"$ref":"#/definitions/retry_backoff_sec"},"exit_codes":{"$ref":"#/definitions/exit_codes"},"outputs":{"$ref":"#/definitions/outputs"},"sources":{"$ref":"#/definitions/sources"},"generates":{"$ref":"#/definitions/generates"},"rollback":{"$ref":"#/definitions/rollback"},"rollback_timeout_sec":{"$ref":"#/definitions/rollback_timeout_sec"},"rollback_on_cancel":{"$ref":"#/definitions/rollback_on_cancel"},"stall_timeout_sec":{"$ref":"#/definitions/stall_timeout_sec"},"max_memory_mb":{"$ref":"#/definitions/max_memory_mb"},"max_identical_failures":{"$ref":"#/definitions/max_identical_failures"},"approval":{"$ref":"#/definitions/approval"},"approval_timeout_sec":{"$ref":"#/definitions/approval_timeout_sec"},"rollback_approval":{"$ref":"#/definitions/rollback_approval"},"rollback_verify":{"$ref":"#/definitions/rollback_verify"},"max_rollbacks":{"$ref":"#/definitions/max_rollbacks"},"local":{"$ref":"#/definitions/local"},"isolation":{"$ref":"#/definitions/isolation"},"worktree_copy":{"$ref":"#/definitions/worktree_copy"},"description":{"$ref":"#/definitions/description"}}}}};
const schema12 = {"title":"Command","description":"A command: a string is run by `/bin/sh -c` (directly, without a shell, when it has no shell syntax); a list is an argv run without a shell.\n\nExamples: `npm run build`, `[node, build.js, --prod]`","anyOf":[{"type":"string","minLength":1},{"type":"array","minItems":1,"items":{"type":"string"}}]};
const pattern0 = new RegExp("^x-", "u");
const schema13 = {"title":"Defaults","description":"Values for every task that does not set the key itself (`env` is merged, the task's names winning). Any task key but `id`, `cmd` and `depends_on`.\n\nExample: `defaults: { timeout_sec: 600, retries: 1 }`","type":"object","additionalProperties":false,"properties":{"cwd":{"$ref":"#/definitions/cwd"},"env":{"$ref":"#/definitions/env"},"timeout_sec":{"$ref":"#/definitions/timeout_sec"},"kill_grace_sec":{"$ref":"#/definitions/kill_grace_sec"},"retries":{"$ref":"#/definitions/retries"},"retry_backoff_sec":{"$ref":"#/definitions/retry_backoff_sec"},"exit_codes":{"$ref":"#/definitions/exit_codes"},"outputs":{"$ref":"#/definitions/outputs"},"rollback":{"$ref":"#/definitions/rollback"},"rollback_timeout_sec":{"$ref":"#/definitions/rollback_timeout_sec"},"rollback_on_cancel":{"$ref":"#/definitions/rollback_on_cancel"},"stall_timeout_sec":{"$ref":"#/definitions/stall_timeout_sec"},"max_memory_mb":{"$ref":"#/definitions/max_memory_mb"},"max_identical_failures":{"$ref":"#/definitions/max_identical_failures"},"approval":{"$ref":"#/definitions/approval"},"approval_timeout_sec":{"$ref":"#/definitions/approval_timeout_sec"},"rollback_approval":{"$ref":"#/definitions/rollback_approval"},"rollback_verify":{"$ref":"#/definitions/rollback_verify"},"max_rollbacks":{"$ref":"#/definitions/max_rollbacks"},"local":{"$ref":"#/definitions/local"},"isolation":{"$ref":"#/definitions/isolation"},"worktree_copy":{"$ref":"#/definitions/worktree_copy"},"description":{"$ref":"#/definitions/description"}}};
const schema14 = {"description":"Working directory of the task, relative to the workdir (the plan file's folder unless `--workdir` says otherwise). Default: `.`.\n\nExample: `cwd: packages/app`","type":"string","minLength":1};
const schema15 = {"title":"Env","description":"Environment variables for the task, added to aad's own environment (task `env` over `defaults.env`). Names are non-empty, contain no `=` and do not start with `AAD_` (aad's own). Values are strings, numbers or booleans. String values are interpolated from aad's own environment when the run starts: `${NAME}` is the variable's value, `${NAME:-default}` the default when it is unset or empty, `$$` a literal `$` (any other `$` stays as written); an unset `${NAME}` without a default refuses the run (`aad validate` only warns), a malformed `${` is a plan error. Values of names that look secret (SECRET, TOKEN, PASSWORD, API_KEY, PRIVATE, CREDENTIAL), and values read from variables with such names, are masked as `***` in everything aad writes.\n\nExamples: `env: { NODE_ENV: production }`, `env: { DEPLOY_TOKEN: \"${CI_DEPLOY_TOKEN}\", REGION: \"${REGION:-eu-west-1}\" }`","type":"object","propertyNames":{"minLength":1,"pattern":"^(?!AAD_)[^=]+$"},"additionalProperties":{"type":["string","number","boolean"]}};
const schema16 = {"description":"Time limit of each attempt, in seconds (> 0, at most 2147483: about 24 days). When it passes, the task's whole process group gets SIGTERM, then SIGKILL after `kill_grace_sec`. Default: no limit.\n\nExample: `timeout_sec: 300`","type":"number","exclusiveMinimum":0,"maximum":2147483};
const schema17 = {"description":"Seconds between SIGTERM and SIGKILL when a task is stopped by its timeout or a cancel (>= 0, at most 2147483). Default: 5.\n\nExample: `kill_grace_sec: 10`","type":"number","minimum":0,"maximum":2147483};
const schema18 = {"description":"How many times a failed attempt is tried again (an integer from 0 to 10000; the task runs at most `retries + 1` times). Default: 0.\n\nExample: `retries: 2`","type":"integer","minimum":0,"maximum":10000};
const schema19 = {"description":"Seconds to wait before each retry: a number (the same wait every time), a list whose item k is the wait before retry k (the last item repeats), or an exponential backoff `{initial, factor, max, jitter}`: retry k waits `initial × factor^(k-1)` seconds, at most `max`, drawn within ±20% of that when `jitter` is true. A `retry_after_sec` in the task's `$AAD_OUTCOME` file wins over it. Default: 0.\n\nExamples: `retry_backoff_sec: [1, 3, 10]`, `retry_backoff_sec: { initial: 1, factor: 2, max: 60, jitter: true }`","anyOf":[{"type":"number","minimum":0,"maximum":2147483},{"type":"array","minItems":1,"items":{"type":"number","minimum":0,"maximum":2147483}},{"title":"ExponentialBackoff","type":"object","additionalProperties":false,"required":["initial"],"properties":{"initial":{"description":"Seconds before the first retry.","type":"number","minimum":0,"maximum":2147483},"factor":{"description":"What each wait is multiplied by for the next retry (1 to 100). Default: 2.","type":"number","minimum":1,"maximum":100},"max":{"description":"The longest wait, in seconds. Default: 3600.","type":"number","minimum":0,"maximum":2147483},"jitter":{"description":"Spread each wait at random within ±20%, so that tasks failing together do not retry together. Default: false.","type":"boolean"}}}]};
const schema20 = {"description":"What the task's exit codes mean: a map from an exit code (0 to 255) to an outcome. `success`: the task succeeded; `failure`: it failed (retried while `retries` last); `blocked`: it cannot go on without help (a missing input, a question only a person can answer): never retried, no rollback, an `error` escalation, its dependents skipped, re-run by `aad resume`. Codes not listed keep their meaning: 0 is success, anything else failure. A timeout, a signal and a spawn failure are always failures; an outcome the task writes in its `$AAD_OUTCOME` file wins over this map. Default: none. Not inherited by child tasks.\n\nExample: `exit_codes: { 75: failure, 2: blocked, 3: success }`","type":"object","propertyNames":{"pattern":"^(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$"},"additionalProperties":{"type":"string","enum":["success","failure","blocked"]}};
const schema21 = {"description":"Files the task produces: picomatch globs relative to the task's cwd, which may not point outside it. After the task's final attempt (success or failure) they are collected into the run directory, and copied to `<artifacts_dir>/<task_id>/` when `artifacts_dir` is set. Default: none.\n\nExample: `outputs: [\"dist/**\", report.json]`","type":"array","items":{"type":"string","minLength":1}};
const schema23 = {"description":"Time limit of the rollback, in seconds (> 0, at most 2147483: about 24 days). Default: the task's `timeout_sec`.\n\nExample: `rollback_timeout_sec: 60`","type":"number","exclusiveMinimum":0,"maximum":2147483};
const schema24 = {"description":"Also run the rollback when the task is cancelled while running. Default: false.\n\nExample: `rollback_on_cancel: true`","type":"boolean"};
const schema25 = {"description":"Watchdog: stop an attempt that writes nothing (stdout or stderr) and does not touch the file named by `$AAD_HEARTBEAT` for this many seconds, like a timeout (its process group gets SIGTERM, then SIGKILL after `kill_grace_sec`); reason `stalled: no output for 120s`. A failure: retried by `retries`. A task legitimately quiet for long (a big build) touches `$AAD_HEARTBEAT` or sets a longer limit. Default: no limit.\n\nExample: `stall_timeout_sec: 120`","type":"number","exclusiveMinimum":0,"maximum":2147483};
const schema26 = {"description":"Watchdog (Linux only): the resident memory, in MB (1 MB = 1,048,576 bytes), of the attempt's whole process group and of the processes that left it carrying its `AAD_TASK_ID`, sampled every second; above it the attempt is stopped like a timeout, reason `memory: 612 MB over the limit of 512 MB`. A failure: retried by `retries`. Elsewhere than Linux the plan is refused. Default: no limit.\n\nExample: `max_memory_mb: 2048`","type":"number","exclusiveMinimum":0,"maximum":16777216};
const schema27 = {"description":"Error-storm stop: when this many attempts in a row fail the same way (the same kind: exit code N, timeout, stalled, memory, signal; and the same last non-blank output line once digits are masked), no more retries are made: the task fails with reason `the same failure 3 times in a row: <signature>` and a `critical` escalation. Varied failures keep retrying. At least 2. Default: off.\n\nExample: `max_identical_failures: 3`","type":"integer","minimum":2,"maximum":1000000};
const schema28 = {"description":"Human approval: when the task is otherwise ready, it waits in the state `awaiting_approval` instead of starting, with a `warning` escalation (\"waiting for approval: <text>\"); the console prints the command that approves it (`aad approve RUN_ID TASK`). `aad reject` fails it (no attempt, no rollback; dependents skipped). Other tasks go on meanwhile. A string is the text shown to the approver. `aad run --approve TASK,…|all` approves ahead (CI). An approval holds for the whole run, resumes included. Default: false.\n\nExamples: `approval: true`, `approval: \"Deploy to production?\"`","anyOf":[{"type":"boolean"},{"type":"string","minLength":1}]};
const schema29 = {"description":"How long an approval (of the task, or of its rollback with `rollback_approval`) may take: past it, the task is rejected with reason `rejected: no approval within 3600s`. Default: no limit (the run waits; Ctrl-C and `aad cancel` work as always).\n\nExample: `approval_timeout_sec: 3600`","type":"number","exclusiveMinimum":0,"maximum":2147483};
const schema30 = {"description":"The rollback waits for `aad approve RUN_ID TASK --rollback` before it runs (the run waits for it); `aad reject … --rollback` (or `approval_timeout_sec`) skips it with a `critical` escalation saying that the workspace was left as the task left it. Default: false.\n\nExample: `rollback_approval: true`","type":"boolean"};
const schema32 = {"description":"How many times the task's rollback may run over the whole run, resumes included; the next final failure skips it (`rollback_skipped`) with a `critical` escalation \"rollback limit reached (3): manual intervention needed\". 0 never rolls back. Default: 3.\n\nExample: `max_rollbacks: 1`","type":"integer","minimum":0,"maximum":1000000};
const schema33 = {"description":"With `aad run --redis URL` (workers on other machines): run this task on the runner's machine all the same, as without `--redis`. Tasks with `isolation: worktree`, a `rollback` or `sources` always run there (their worktree, snapshot or fingerprints are the runner's). Without `--redis`, every task runs locally and this key changes nothing. Default: false.\n\nExample: `local: true`","type":"boolean"};
const schema34 = {"description":"Where the task works. `worktree`: in its own git worktree `<home>/worktrees/<run_id>/<task_id>`, on a new branch `aad/tasks/<run_id>/<task_id>` made from the tip of the run's integration branch `aad/<run_id>` when the task starts (so it sees every isolated task that already succeeded, its dependencies included); its `cwd` is resolved inside that worktree. On success aad commits what the task changed and merges it into `aad/<run_id>` (a merge conflict fails the task, naming the paths), then removes the worktree; on failure or cancel the worktree is kept (its path is in `aad status`) until `aad clean`. The user's own work tree, index, HEAD, branch and stash are never touched: merge `aad/<run_id>` yourself to take the result. The workdir must be in a git work tree with at least one commit (git 2.38 or later), else the run is refused. `shared` (the default): in the workdir itself.\n\nExample: `isolation: worktree`","type":"string","enum":["shared","worktree"]};
const schema35 = {"description":"Untracked or ignored files of the main work tree to copy into an isolated task's worktree before it starts (`.env`, agent settings): picomatch globs relative to the work tree's top level, which may not point outside it. Tracked files are never copied (the worktree has them as committed), symlinks are not followed, and copied files that git does not track are never part of the task's commit. Only for `isolation: worktree`. Default: none.\n\nExample: `worktree_copy: [.env, \".claude/**\"]`","type":"array","items":{"type":"string","minLength":1}};
const schema36 = {"description":"What the task does, for people. Shown by `aad graph`.\n\nExample: `description: Compile the app`","type":"string"};
const func2 = Object.prototype.hasOwnProperty;
const pattern1 = new RegExp("^(?!AAD_)[^=]+$", "u");
const pattern2 = new RegExp("^(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$", "u");

function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(func2.call(schema13.properties, key0))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema13,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.cwd !== undefined){
let data0 = data.cwd;
if(typeof data0 === "string"){
if(data0.length < 1){
const err1 = {instancePath:instancePath+"/cwd",schemaPath:"#/definitions/cwd/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema14,data:data0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
else {
const err2 = {instancePath:instancePath+"/cwd",schemaPath:"#/definitions/cwd/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.env !== undefined){
let data1 = data.env;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
for(const key1 in data1){
const _errs8 = errors;
if(typeof key1 === "string"){
if(key1.length < 1){
const err3 = {instancePath:instancePath+"/env",schemaPath:"#/definitions/env/propertyNames/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15.propertyNames,data:key1,propertyName:key1};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(!pattern1.test(key1)){
const err4 = {instancePath:instancePath+"/env",schemaPath:"#/definitions/env/propertyNames/pattern",keyword:"pattern",params:{pattern: "^(?!AAD_)[^=]+$"},message:"must match pattern \""+"^(?!AAD_)[^=]+$"+"\"",schema:"^(?!AAD_)[^=]+$",parentSchema:schema15.propertyNames,data:key1,propertyName:key1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
var valid3 = _errs8 === errors;
if(!valid3){
const err5 = {instancePath:instancePath+"/env",schemaPath:"#/definitions/env/propertyNames",keyword:"propertyNames",params:{propertyName: key1},message:"property name must be valid",schema:schema15.propertyNames,parentSchema:schema15,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
for(const key2 in data1){
let data2 = data1[key2];
if(((typeof data2 !== "string") && (!((typeof data2 == "number") && (isFinite(data2))))) && (typeof data2 !== "boolean")){
const err6 = {instancePath:instancePath+"/env/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/env/additionalProperties/type",keyword:"type",params:{type: schema15.additionalProperties.type},message:"must be string,number,boolean",schema:schema15.additionalProperties.type,parentSchema:schema15.additionalProperties,data:data2};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
else {
const err7 = {instancePath:instancePath+"/env",schemaPath:"#/definitions/env/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema15.type,parentSchema:schema15,data:data1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.timeout_sec !== undefined){
let data3 = data.timeout_sec;
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 2147483 || isNaN(data3)){
const err8 = {instancePath:instancePath+"/timeout_sec",schemaPath:"#/definitions/timeout_sec/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema16,data:data3};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data3 <= 0 || isNaN(data3)){
const err9 = {instancePath:instancePath+"/timeout_sec",schemaPath:"#/definitions/timeout_sec/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema16,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/timeout_sec",schemaPath:"#/definitions/timeout_sec/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema16.type,parentSchema:schema16,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.kill_grace_sec !== undefined){
let data4 = data.kill_grace_sec;
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483 || isNaN(data4)){
const err11 = {instancePath:instancePath+"/kill_grace_sec",schemaPath:"#/definitions/kill_grace_sec/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(data4 < 0 || isNaN(data4)){
const err12 = {instancePath:instancePath+"/kill_grace_sec",schemaPath:"#/definitions/kill_grace_sec/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/kill_grace_sec",schemaPath:"#/definitions/kill_grace_sec/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema17.type,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.retries !== undefined){
let data5 = data.retries;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err14 = {instancePath:instancePath+"/retries",schemaPath:"#/definitions/retries/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema18.type,parentSchema:schema18,data:data5};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 10000 || isNaN(data5)){
const err15 = {instancePath:instancePath+"/retries",schemaPath:"#/definitions/retries/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10000},message:"must be <= 10000",schema:10000,parentSchema:schema18,data:data5};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if(data5 < 0 || isNaN(data5)){
const err16 = {instancePath:instancePath+"/retries",schemaPath:"#/definitions/retries/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema18,data:data5};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
if(data.retry_backoff_sec !== undefined){
let data6 = data.retry_backoff_sec;
const _errs23 = errors;
let valid9 = false;
const _errs24 = errors;
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 > 2147483 || isNaN(data6)){
const err17 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/0/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema19.anyOf[0],data:data6};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(data6 < 0 || isNaN(data6)){
const err18 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema19.anyOf[0],data:data6};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema19.anyOf[0].type,parentSchema:schema19.anyOf[0],data:data6};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
var _valid0 = _errs24 === errors;
valid9 = valid9 || _valid0;
if(!valid9){
const _errs26 = errors;
if(Array.isArray(data6)){
if(data6.length < 1){
const err20 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema19.anyOf[1],data:data6};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
const len0 = data6.length;
for(let i0=0; i0<len0; i0++){
let data7 = data6[i0];
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 2147483 || isNaN(data7)){
const err21 = {instancePath:instancePath+"/retry_backoff_sec/" + i0,schemaPath:"#/definitions/retry_backoff_sec/anyOf/1/items/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema19.anyOf[1].items,data:data7};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(data7 < 0 || isNaN(data7)){
const err22 = {instancePath:instancePath+"/retry_backoff_sec/" + i0,schemaPath:"#/definitions/retry_backoff_sec/anyOf/1/items/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema19.anyOf[1].items,data:data7};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/retry_backoff_sec/" + i0,schemaPath:"#/definitions/retry_backoff_sec/anyOf/1/items/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema19.anyOf[1].items.type,parentSchema:schema19.anyOf[1].items,data:data7};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
else {
const err24 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema19.anyOf[1].type,parentSchema:schema19.anyOf[1],data:data6};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
var _valid0 = _errs26 === errors;
valid9 = valid9 || _valid0;
if(!valid9){
const _errs30 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.initial === undefined){
const err25 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/required",keyword:"required",params:{missingProperty: "initial"},message:"must have required property '"+"initial"+"'",schema:schema19.anyOf[2].required,parentSchema:schema19.anyOf[2],data:data6};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
for(const key3 in data6){
if(!((((key3 === "initial") || (key3 === "factor")) || (key3 === "max")) || (key3 === "jitter"))){
const err26 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema19.anyOf[2],data:data6};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data6.initial !== undefined){
let data8 = data6.initial;
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 2147483 || isNaN(data8)){
const err27 = {instancePath:instancePath+"/retry_backoff_sec/initial",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/initial/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema19.anyOf[2].properties.initial,data:data8};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(data8 < 0 || isNaN(data8)){
const err28 = {instancePath:instancePath+"/retry_backoff_sec/initial",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/initial/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema19.anyOf[2].properties.initial,data:data8};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
else {
const err29 = {instancePath:instancePath+"/retry_backoff_sec/initial",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/initial/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema19.anyOf[2].properties.initial.type,parentSchema:schema19.anyOf[2].properties.initial,data:data8};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data6.factor !== undefined){
let data9 = data6.factor;
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 100 || isNaN(data9)){
const err30 = {instancePath:instancePath+"/retry_backoff_sec/factor",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/factor/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema19.anyOf[2].properties.factor,data:data9};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data9 < 1 || isNaN(data9)){
const err31 = {instancePath:instancePath+"/retry_backoff_sec/factor",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/factor/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema19.anyOf[2].properties.factor,data:data9};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
else {
const err32 = {instancePath:instancePath+"/retry_backoff_sec/factor",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/factor/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema19.anyOf[2].properties.factor.type,parentSchema:schema19.anyOf[2].properties.factor,data:data9};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
if(data6.max !== undefined){
let data10 = data6.max;
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 2147483 || isNaN(data10)){
const err33 = {instancePath:instancePath+"/retry_backoff_sec/max",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/max/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema19.anyOf[2].properties.max,data:data10};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
if(data10 < 0 || isNaN(data10)){
const err34 = {instancePath:instancePath+"/retry_backoff_sec/max",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/max/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema19.anyOf[2].properties.max,data:data10};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
else {
const err35 = {instancePath:instancePath+"/retry_backoff_sec/max",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema19.anyOf[2].properties.max.type,parentSchema:schema19.anyOf[2].properties.max,data:data10};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
if(data6.jitter !== undefined){
let data11 = data6.jitter;
if(typeof data11 !== "boolean"){
const err36 = {instancePath:instancePath+"/retry_backoff_sec/jitter",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/jitter/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema19.anyOf[2].properties.jitter.type,parentSchema:schema19.anyOf[2].properties.jitter,data:data11};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
}
else {
const err37 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema19.anyOf[2].type,parentSchema:schema19.anyOf[2],data:data6};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
var _valid0 = _errs30 === errors;
valid9 = valid9 || _valid0;
}
}
if(!valid9){
const err38 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema19.anyOf,parentSchema:schema19,data:data6};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
else {
errors = _errs23;
if(vErrors !== null){
if(_errs23){
vErrors.length = _errs23;
}
else {
vErrors = null;
}
}
}
}
if(data.exit_codes !== undefined){
let data12 = data.exit_codes;
if(data12 && typeof data12 == "object" && !Array.isArray(data12)){
for(const key4 in data12){
const _errs44 = errors;
if(typeof key4 === "string"){
if(!pattern2.test(key4)){
const err39 = {instancePath:instancePath+"/exit_codes",schemaPath:"#/definitions/exit_codes/propertyNames/pattern",keyword:"pattern",params:{pattern: "^(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$"},message:"must match pattern \""+"^(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$"+"\"",schema:"^(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$",parentSchema:schema20.propertyNames,data:key4,propertyName:key4};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
var valid14 = _errs44 === errors;
if(!valid14){
const err40 = {instancePath:instancePath+"/exit_codes",schemaPath:"#/definitions/exit_codes/propertyNames",keyword:"propertyNames",params:{propertyName: key4},message:"property name must be valid",schema:schema20.propertyNames,parentSchema:schema20,data:data12};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
for(const key5 in data12){
let data13 = data12[key5];
if(typeof data13 !== "string"){
const err41 = {instancePath:instancePath+"/exit_codes/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/exit_codes/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema20.additionalProperties.type,parentSchema:schema20.additionalProperties,data:data13};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if(!(((data13 === "success") || (data13 === "failure")) || (data13 === "blocked"))){
const err42 = {instancePath:instancePath+"/exit_codes/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/exit_codes/additionalProperties/enum",keyword:"enum",params:{allowedValues: schema20.additionalProperties.enum},message:"must be equal to one of the allowed values",schema:schema20.additionalProperties.enum,parentSchema:schema20.additionalProperties,data:data13};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
}
else {
const err43 = {instancePath:instancePath+"/exit_codes",schemaPath:"#/definitions/exit_codes/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema20.type,parentSchema:schema20,data:data12};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
if(data.outputs !== undefined){
let data14 = data.outputs;
if(Array.isArray(data14)){
const len1 = data14.length;
for(let i1=0; i1<len1; i1++){
let data15 = data14[i1];
if(typeof data15 === "string"){
if(data15.length < 1){
const err44 = {instancePath:instancePath+"/outputs/" + i1,schemaPath:"#/definitions/outputs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema21.items,data:data15};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
else {
const err45 = {instancePath:instancePath+"/outputs/" + i1,schemaPath:"#/definitions/outputs/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema21.items.type,parentSchema:schema21.items,data:data15};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
}
else {
const err46 = {instancePath:instancePath+"/outputs",schemaPath:"#/definitions/outputs/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema21.type,parentSchema:schema21,data:data14};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data.rollback !== undefined){
let data16 = data.rollback;
const _errs55 = errors;
let valid20 = false;
const _errs56 = errors;
if(typeof data16 === "string"){
if(data16.length < 1){
const err47 = {instancePath:instancePath+"/rollback",schemaPath:"#/definitions/rollback/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema12.anyOf[0],data:data16};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
else {
const err48 = {instancePath:instancePath+"/rollback",schemaPath:"#/definitions/rollback/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data16};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
var _valid1 = _errs56 === errors;
valid20 = valid20 || _valid1;
if(!valid20){
const _errs58 = errors;
if(Array.isArray(data16)){
if(data16.length < 1){
const err49 = {instancePath:instancePath+"/rollback",schemaPath:"#/definitions/rollback/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema12.anyOf[1],data:data16};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
const len2 = data16.length;
for(let i2=0; i2<len2; i2++){
let data17 = data16[i2];
if(typeof data17 !== "string"){
const err50 = {instancePath:instancePath+"/rollback/" + i2,schemaPath:"#/definitions/rollback/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].items.type,parentSchema:schema12.anyOf[1].items,data:data17};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
}
else {
const err51 = {instancePath:instancePath+"/rollback",schemaPath:"#/definitions/rollback/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data16};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
var _valid1 = _errs58 === errors;
valid20 = valid20 || _valid1;
}
if(!valid20){
const err52 = {instancePath:instancePath+"/rollback",schemaPath:"#/definitions/rollback/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data16};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
else {
errors = _errs55;
if(vErrors !== null){
if(_errs55){
vErrors.length = _errs55;
}
else {
vErrors = null;
}
}
}
}
if(data.rollback_timeout_sec !== undefined){
let data18 = data.rollback_timeout_sec;
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 > 2147483 || isNaN(data18)){
const err53 = {instancePath:instancePath+"/rollback_timeout_sec",schemaPath:"#/definitions/rollback_timeout_sec/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema23,data:data18};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if(data18 <= 0 || isNaN(data18)){
const err54 = {instancePath:instancePath+"/rollback_timeout_sec",schemaPath:"#/definitions/rollback_timeout_sec/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema23,data:data18};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
else {
const err55 = {instancePath:instancePath+"/rollback_timeout_sec",schemaPath:"#/definitions/rollback_timeout_sec/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema23.type,parentSchema:schema23,data:data18};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
if(data.rollback_on_cancel !== undefined){
let data19 = data.rollback_on_cancel;
if(typeof data19 !== "boolean"){
const err56 = {instancePath:instancePath+"/rollback_on_cancel",schemaPath:"#/definitions/rollback_on_cancel/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema24.type,parentSchema:schema24,data:data19};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
if(data.stall_timeout_sec !== undefined){
let data20 = data.stall_timeout_sec;
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 > 2147483 || isNaN(data20)){
const err57 = {instancePath:instancePath+"/stall_timeout_sec",schemaPath:"#/definitions/stall_timeout_sec/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema25,data:data20};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if(data20 <= 0 || isNaN(data20)){
const err58 = {instancePath:instancePath+"/stall_timeout_sec",schemaPath:"#/definitions/stall_timeout_sec/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema25,data:data20};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
else {
const err59 = {instancePath:instancePath+"/stall_timeout_sec",schemaPath:"#/definitions/stall_timeout_sec/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema25.type,parentSchema:schema25,data:data20};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
if(data.max_memory_mb !== undefined){
let data21 = data.max_memory_mb;
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 > 16777216 || isNaN(data21)){
const err60 = {instancePath:instancePath+"/max_memory_mb",schemaPath:"#/definitions/max_memory_mb/maximum",keyword:"maximum",params:{comparison: "<=", limit: 16777216},message:"must be <= 16777216",schema:16777216,parentSchema:schema26,data:data21};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
if(data21 <= 0 || isNaN(data21)){
const err61 = {instancePath:instancePath+"/max_memory_mb",schemaPath:"#/definitions/max_memory_mb/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema26,data:data21};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
else {
const err62 = {instancePath:instancePath+"/max_memory_mb",schemaPath:"#/definitions/max_memory_mb/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema26.type,parentSchema:schema26,data:data21};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data.max_identical_failures !== undefined){
let data22 = data.max_identical_failures;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
const err63 = {instancePath:instancePath+"/max_identical_failures",schemaPath:"#/definitions/max_identical_failures/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema27.type,parentSchema:schema27,data:data22};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 > 1000000 || isNaN(data22)){
const err64 = {instancePath:instancePath+"/max_identical_failures",schemaPath:"#/definitions/max_identical_failures/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000},message:"must be <= 1000000",schema:1000000,parentSchema:schema27,data:data22};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
if(data22 < 2 || isNaN(data22)){
const err65 = {instancePath:instancePath+"/max_identical_failures",schemaPath:"#/definitions/max_identical_failures/minimum",keyword:"minimum",params:{comparison: ">=", limit: 2},message:"must be >= 2",schema:2,parentSchema:schema27,data:data22};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
}
if(data.approval !== undefined){
let data23 = data.approval;
const _errs79 = errors;
let valid29 = false;
const _errs80 = errors;
if(typeof data23 !== "boolean"){
const err66 = {instancePath:instancePath+"/approval",schemaPath:"#/definitions/approval/anyOf/0/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema28.anyOf[0].type,parentSchema:schema28.anyOf[0],data:data23};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
var _valid2 = _errs80 === errors;
valid29 = valid29 || _valid2;
if(!valid29){
const _errs82 = errors;
if(typeof data23 === "string"){
if(data23.length < 1){
const err67 = {instancePath:instancePath+"/approval",schemaPath:"#/definitions/approval/anyOf/1/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema28.anyOf[1],data:data23};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
else {
const err68 = {instancePath:instancePath+"/approval",schemaPath:"#/definitions/approval/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema28.anyOf[1].type,parentSchema:schema28.anyOf[1],data:data23};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
var _valid2 = _errs82 === errors;
valid29 = valid29 || _valid2;
}
if(!valid29){
const err69 = {instancePath:instancePath+"/approval",schemaPath:"#/definitions/approval/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema28.anyOf,parentSchema:schema28,data:data23};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
else {
errors = _errs79;
if(vErrors !== null){
if(_errs79){
vErrors.length = _errs79;
}
else {
vErrors = null;
}
}
}
}
if(data.approval_timeout_sec !== undefined){
let data24 = data.approval_timeout_sec;
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 > 2147483 || isNaN(data24)){
const err70 = {instancePath:instancePath+"/approval_timeout_sec",schemaPath:"#/definitions/approval_timeout_sec/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema29,data:data24};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
if(data24 <= 0 || isNaN(data24)){
const err71 = {instancePath:instancePath+"/approval_timeout_sec",schemaPath:"#/definitions/approval_timeout_sec/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema29,data:data24};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
else {
const err72 = {instancePath:instancePath+"/approval_timeout_sec",schemaPath:"#/definitions/approval_timeout_sec/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema29.type,parentSchema:schema29,data:data24};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
if(data.rollback_approval !== undefined){
let data25 = data.rollback_approval;
if(typeof data25 !== "boolean"){
const err73 = {instancePath:instancePath+"/rollback_approval",schemaPath:"#/definitions/rollback_approval/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema30.type,parentSchema:schema30,data:data25};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data.rollback_verify !== undefined){
let data26 = data.rollback_verify;
const _errs92 = errors;
let valid33 = false;
const _errs93 = errors;
if(typeof data26 === "string"){
if(data26.length < 1){
const err74 = {instancePath:instancePath+"/rollback_verify",schemaPath:"#/definitions/rollback_verify/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema12.anyOf[0],data:data26};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
else {
const err75 = {instancePath:instancePath+"/rollback_verify",schemaPath:"#/definitions/rollback_verify/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data26};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
var _valid3 = _errs93 === errors;
valid33 = valid33 || _valid3;
if(!valid33){
const _errs95 = errors;
if(Array.isArray(data26)){
if(data26.length < 1){
const err76 = {instancePath:instancePath+"/rollback_verify",schemaPath:"#/definitions/rollback_verify/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema12.anyOf[1],data:data26};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
const len3 = data26.length;
for(let i3=0; i3<len3; i3++){
let data27 = data26[i3];
if(typeof data27 !== "string"){
const err77 = {instancePath:instancePath+"/rollback_verify/" + i3,schemaPath:"#/definitions/rollback_verify/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].items.type,parentSchema:schema12.anyOf[1].items,data:data27};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
}
else {
const err78 = {instancePath:instancePath+"/rollback_verify",schemaPath:"#/definitions/rollback_verify/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data26};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
var _valid3 = _errs95 === errors;
valid33 = valid33 || _valid3;
}
if(!valid33){
const err79 = {instancePath:instancePath+"/rollback_verify",schemaPath:"#/definitions/rollback_verify/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data26};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
else {
errors = _errs92;
if(vErrors !== null){
if(_errs92){
vErrors.length = _errs92;
}
else {
vErrors = null;
}
}
}
}
if(data.max_rollbacks !== undefined){
let data28 = data.max_rollbacks;
if(!(((typeof data28 == "number") && (!(data28 % 1) && !isNaN(data28))) && (isFinite(data28)))){
const err80 = {instancePath:instancePath+"/max_rollbacks",schemaPath:"#/definitions/max_rollbacks/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema32.type,parentSchema:schema32,data:data28};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
if((typeof data28 == "number") && (isFinite(data28))){
if(data28 > 1000000 || isNaN(data28)){
const err81 = {instancePath:instancePath+"/max_rollbacks",schemaPath:"#/definitions/max_rollbacks/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000},message:"must be <= 1000000",schema:1000000,parentSchema:schema32,data:data28};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
if(data28 < 0 || isNaN(data28)){
const err82 = {instancePath:instancePath+"/max_rollbacks",schemaPath:"#/definitions/max_rollbacks/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema32,data:data28};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
}
if(data.local !== undefined){
let data29 = data.local;
if(typeof data29 !== "boolean"){
const err83 = {instancePath:instancePath+"/local",schemaPath:"#/definitions/local/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema33.type,parentSchema:schema33,data:data29};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
if(data.isolation !== undefined){
let data30 = data.isolation;
if(typeof data30 !== "string"){
const err84 = {instancePath:instancePath+"/isolation",schemaPath:"#/definitions/isolation/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema34.type,parentSchema:schema34,data:data30};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
if(!((data30 === "shared") || (data30 === "worktree"))){
const err85 = {instancePath:instancePath+"/isolation",schemaPath:"#/definitions/isolation/enum",keyword:"enum",params:{allowedValues: schema34.enum},message:"must be equal to one of the allowed values",schema:schema34.enum,parentSchema:schema34,data:data30};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
if(data.worktree_copy !== undefined){
let data31 = data.worktree_copy;
if(Array.isArray(data31)){
const len4 = data31.length;
for(let i4=0; i4<len4; i4++){
let data32 = data31[i4];
if(typeof data32 === "string"){
if(data32.length < 1){
const err86 = {instancePath:instancePath+"/worktree_copy/" + i4,schemaPath:"#/definitions/worktree_copy/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema35.items,data:data32};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
else {
const err87 = {instancePath:instancePath+"/worktree_copy/" + i4,schemaPath:"#/definitions/worktree_copy/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema35.items.type,parentSchema:schema35.items,data:data32};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
}
else {
const err88 = {instancePath:instancePath+"/worktree_copy",schemaPath:"#/definitions/worktree_copy/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema35.type,parentSchema:schema35,data:data31};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
}
if(data.description !== undefined){
let data33 = data.description;
if(typeof data33 !== "string"){
const err89 = {instancePath:instancePath+"/description",schemaPath:"#/definitions/description/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema36.type,parentSchema:schema36,data:data33};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
}
}
else {
const err90 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.type,parentSchema:schema13,data};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
validate11.errors = vErrors;
return errors === 0;
}

const schema37 = {"title":"TaskInput","description":"A task: a command with its dependencies, limits and failure handling.\n\nExample:\n```yaml\n- id: build\n  cmd: npm run build\n  depends_on: [lint]\n```","type":"object","additionalProperties":false,"required":["id","cmd"],"properties":{"id":{"$ref":"#/definitions/task_id"},"cmd":{"description":"The task's command: a string is run by `/bin/sh -c` (directly, without a shell, when it has no shell syntax); a list is an argv run without a shell. Required.\n\nExamples: `cmd: npm run build`, `cmd: [node, build.js]`","$ref":"#/definitions/command"},"depends_on":{"description":"Ids of the tasks that must succeed before this one starts. Default: none.\n\nExample: `depends_on: [lint, test]`","type":"array","items":{"$ref":"#/definitions/task_id"}},"cwd":{"$ref":"#/definitions/cwd"},"env":{"$ref":"#/definitions/env"},"timeout_sec":{"$ref":"#/definitions/timeout_sec"},"kill_grace_sec":{"$ref":"#/definitions/kill_grace_sec"},"retries":{"$ref":"#/definitions/retries"},"retry_backoff_sec":{"$ref":"#/definitions/retry_backoff_sec"},"exit_codes":{"$ref":"#/definitions/exit_codes"},"outputs":{"$ref":"#/definitions/outputs"},"sources":{"$ref":"#/definitions/sources"},"generates":{"$ref":"#/definitions/generates"},"rollback":{"$ref":"#/definitions/rollback"},"rollback_timeout_sec":{"$ref":"#/definitions/rollback_timeout_sec"},"rollback_on_cancel":{"$ref":"#/definitions/rollback_on_cancel"},"stall_timeout_sec":{"$ref":"#/definitions/stall_timeout_sec"},"max_memory_mb":{"$ref":"#/definitions/max_memory_mb"},"max_identical_failures":{"$ref":"#/definitions/max_identical_failures"},"approval":{"$ref":"#/definitions/approval"},"approval_timeout_sec":{"$ref":"#/definitions/approval_timeout_sec"},"rollback_approval":{"$ref":"#/definitions/rollback_approval"},"rollback_verify":{"$ref":"#/definitions/rollback_verify"},"max_rollbacks":{"$ref":"#/definitions/max_rollbacks"},"local":{"$ref":"#/definitions/local"},"isolation":{"$ref":"#/definitions/isolation"},"worktree_copy":{"$ref":"#/definitions/worktree_copy"},"description":{"$ref":"#/definitions/description"}}};
const schema38 = {"title":"TaskId","description":"A task id: 1 to 128 characters, letters, digits, `.`, `_` and `-`, starting with a letter or digit. Unique in the plan, ignoring case.\n\nExample: `build`","type":"string","minLength":1,"maxLength":128,"pattern":"^[A-Za-z0-9][A-Za-z0-9._-]*$"};
const schema49 = {"description":"Files the task reads: picomatch globs relative to the task's cwd, which may not point outside it (`!glob` excludes; a folder name takes everything below it). A task with `sources` is up to date, and not run, when its `cmd`, cwd, environment values (hashed, never stored) and the contents of these files are those of its last success in this home, and every file its `generates` matched then is still there with the same contents; it then ends `succeeded` with 0 attempts and the reason `up to date`. `aad run --force` runs it regardless. Fingerprints are kept in `<home>/fingerprints/`. Default: none (the task always runs). Not inherited by child tasks.\n\nExample: `sources: [\"src/**/*.ts\", package.json]`","type":"array","minItems":1,"items":{"type":"string","minLength":1}};
const schema50 = {"description":"Files the task makes: picomatch globs relative to the task's cwd, which may not point outside it. After each success their contents are recorded with the task's fingerprint; a recorded file deleted or changed since makes the task run again. Only meaningful with `sources`. Default: none. Not inherited by child tasks.\n\nExample: `generates: [\"dist/**\"]`","type":"array","items":{"type":"string","minLength":1}};
const pattern3 = new RegExp("^[A-Za-z0-9][A-Za-z0-9._-]*$", "u");

function validate13(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.id === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "id"},message:"must have required property '"+"id"+"'",schema:schema37.required,parentSchema:schema37,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.cmd === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "cmd"},message:"must have required property '"+"cmd"+"'",schema:schema37.required,parentSchema:schema37,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema37.properties, key0))){
const err2 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema37,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.id !== undefined){
let data0 = data.id;
if(typeof data0 === "string"){
if(data0.length > 128){
const err3 = {instancePath:instancePath+"/id",schemaPath:"#/definitions/task_id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters",schema:128,parentSchema:schema38,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(data0.length < 1){
const err4 = {instancePath:instancePath+"/id",schemaPath:"#/definitions/task_id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema38,data:data0};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(!pattern3.test(data0)){
const err5 = {instancePath:instancePath+"/id",schemaPath:"#/definitions/task_id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._-]*$"+"\"",schema:"^[A-Za-z0-9][A-Za-z0-9._-]*$",parentSchema:schema38,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/id",schemaPath:"#/definitions/task_id/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema38.type,parentSchema:schema38,data:data0};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.cmd !== undefined){
let data1 = data.cmd;
const _errs7 = errors;
let valid3 = false;
const _errs8 = errors;
if(typeof data1 === "string"){
if(data1.length < 1){
const err7 = {instancePath:instancePath+"/cmd",schemaPath:"#/definitions/command/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema12.anyOf[0],data:data1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/cmd",schemaPath:"#/definitions/command/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data1};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
var _valid0 = _errs8 === errors;
valid3 = valid3 || _valid0;
if(!valid3){
const _errs10 = errors;
if(Array.isArray(data1)){
if(data1.length < 1){
const err9 = {instancePath:instancePath+"/cmd",schemaPath:"#/definitions/command/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema12.anyOf[1],data:data1};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
const len0 = data1.length;
for(let i0=0; i0<len0; i0++){
let data2 = data1[i0];
if(typeof data2 !== "string"){
const err10 = {instancePath:instancePath+"/cmd/" + i0,schemaPath:"#/definitions/command/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].items.type,parentSchema:schema12.anyOf[1].items,data:data2};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
else {
const err11 = {instancePath:instancePath+"/cmd",schemaPath:"#/definitions/command/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data1};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
var _valid0 = _errs10 === errors;
valid3 = valid3 || _valid0;
}
if(!valid3){
const err12 = {instancePath:instancePath+"/cmd",schemaPath:"#/definitions/command/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data1};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
else {
errors = _errs7;
if(vErrors !== null){
if(_errs7){
vErrors.length = _errs7;
}
else {
vErrors = null;
}
}
}
}
if(data.depends_on !== undefined){
let data3 = data.depends_on;
if(Array.isArray(data3)){
const len1 = data3.length;
for(let i1=0; i1<len1; i1++){
let data4 = data3[i1];
if(typeof data4 === "string"){
if(data4.length > 128){
const err13 = {instancePath:instancePath+"/depends_on/" + i1,schemaPath:"#/definitions/task_id/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters",schema:128,parentSchema:schema38,data:data4};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data4.length < 1){
const err14 = {instancePath:instancePath+"/depends_on/" + i1,schemaPath:"#/definitions/task_id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema38,data:data4};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
if(!pattern3.test(data4)){
const err15 = {instancePath:instancePath+"/depends_on/" + i1,schemaPath:"#/definitions/task_id/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9._-]*$"+"\"",schema:"^[A-Za-z0-9][A-Za-z0-9._-]*$",parentSchema:schema38,data:data4};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/depends_on/" + i1,schemaPath:"#/definitions/task_id/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema38.type,parentSchema:schema38,data:data4};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
else {
const err17 = {instancePath:instancePath+"/depends_on",schemaPath:"#/properties/depends_on/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema37.properties.depends_on.type,parentSchema:schema37.properties.depends_on,data:data3};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data.cwd !== undefined){
let data5 = data.cwd;
if(typeof data5 === "string"){
if(data5.length < 1){
const err18 = {instancePath:instancePath+"/cwd",schemaPath:"#/definitions/cwd/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema14,data:data5};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/cwd",schemaPath:"#/definitions/cwd/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data5};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data.env !== undefined){
let data6 = data.env;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key1 in data6){
const _errs25 = errors;
if(typeof key1 === "string"){
if(key1.length < 1){
const err20 = {instancePath:instancePath+"/env",schemaPath:"#/definitions/env/propertyNames/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15.propertyNames,data:key1,propertyName:key1};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(!pattern1.test(key1)){
const err21 = {instancePath:instancePath+"/env",schemaPath:"#/definitions/env/propertyNames/pattern",keyword:"pattern",params:{pattern: "^(?!AAD_)[^=]+$"},message:"must match pattern \""+"^(?!AAD_)[^=]+$"+"\"",schema:"^(?!AAD_)[^=]+$",parentSchema:schema15.propertyNames,data:key1,propertyName:key1};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
var valid11 = _errs25 === errors;
if(!valid11){
const err22 = {instancePath:instancePath+"/env",schemaPath:"#/definitions/env/propertyNames",keyword:"propertyNames",params:{propertyName: key1},message:"property name must be valid",schema:schema15.propertyNames,parentSchema:schema15,data:data6};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
for(const key2 in data6){
let data7 = data6[key2];
if(((typeof data7 !== "string") && (!((typeof data7 == "number") && (isFinite(data7))))) && (typeof data7 !== "boolean")){
const err23 = {instancePath:instancePath+"/env/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/env/additionalProperties/type",keyword:"type",params:{type: schema15.additionalProperties.type},message:"must be string,number,boolean",schema:schema15.additionalProperties.type,parentSchema:schema15.additionalProperties,data:data7};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
else {
const err24 = {instancePath:instancePath+"/env",schemaPath:"#/definitions/env/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema15.type,parentSchema:schema15,data:data6};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data.timeout_sec !== undefined){
let data8 = data.timeout_sec;
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 2147483 || isNaN(data8)){
const err25 = {instancePath:instancePath+"/timeout_sec",schemaPath:"#/definitions/timeout_sec/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema16,data:data8};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data8 <= 0 || isNaN(data8)){
const err26 = {instancePath:instancePath+"/timeout_sec",schemaPath:"#/definitions/timeout_sec/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema16,data:data8};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/timeout_sec",schemaPath:"#/definitions/timeout_sec/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema16.type,parentSchema:schema16,data:data8};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data.kill_grace_sec !== undefined){
let data9 = data.kill_grace_sec;
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 2147483 || isNaN(data9)){
const err28 = {instancePath:instancePath+"/kill_grace_sec",schemaPath:"#/definitions/kill_grace_sec/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema17,data:data9};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
if(data9 < 0 || isNaN(data9)){
const err29 = {instancePath:instancePath+"/kill_grace_sec",schemaPath:"#/definitions/kill_grace_sec/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema17,data:data9};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
else {
const err30 = {instancePath:instancePath+"/kill_grace_sec",schemaPath:"#/definitions/kill_grace_sec/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema17.type,parentSchema:schema17,data:data9};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data.retries !== undefined){
let data10 = data.retries;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
const err31 = {instancePath:instancePath+"/retries",schemaPath:"#/definitions/retries/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema18.type,parentSchema:schema18,data:data10};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 10000 || isNaN(data10)){
const err32 = {instancePath:instancePath+"/retries",schemaPath:"#/definitions/retries/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10000},message:"must be <= 10000",schema:10000,parentSchema:schema18,data:data10};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(data10 < 0 || isNaN(data10)){
const err33 = {instancePath:instancePath+"/retries",schemaPath:"#/definitions/retries/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema18,data:data10};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
if(data.retry_backoff_sec !== undefined){
let data11 = data.retry_backoff_sec;
const _errs40 = errors;
let valid17 = false;
const _errs41 = errors;
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 2147483 || isNaN(data11)){
const err34 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/0/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema19.anyOf[0],data:data11};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if(data11 < 0 || isNaN(data11)){
const err35 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema19.anyOf[0],data:data11};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
else {
const err36 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/0/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema19.anyOf[0].type,parentSchema:schema19.anyOf[0],data:data11};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
var _valid1 = _errs41 === errors;
valid17 = valid17 || _valid1;
if(!valid17){
const _errs43 = errors;
if(Array.isArray(data11)){
if(data11.length < 1){
const err37 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema19.anyOf[1],data:data11};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
const len2 = data11.length;
for(let i2=0; i2<len2; i2++){
let data12 = data11[i2];
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 2147483 || isNaN(data12)){
const err38 = {instancePath:instancePath+"/retry_backoff_sec/" + i2,schemaPath:"#/definitions/retry_backoff_sec/anyOf/1/items/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema19.anyOf[1].items,data:data12};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if(data12 < 0 || isNaN(data12)){
const err39 = {instancePath:instancePath+"/retry_backoff_sec/" + i2,schemaPath:"#/definitions/retry_backoff_sec/anyOf/1/items/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema19.anyOf[1].items,data:data12};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
else {
const err40 = {instancePath:instancePath+"/retry_backoff_sec/" + i2,schemaPath:"#/definitions/retry_backoff_sec/anyOf/1/items/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema19.anyOf[1].items.type,parentSchema:schema19.anyOf[1].items,data:data12};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
}
else {
const err41 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema19.anyOf[1].type,parentSchema:schema19.anyOf[1],data:data11};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
var _valid1 = _errs43 === errors;
valid17 = valid17 || _valid1;
if(!valid17){
const _errs47 = errors;
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
if(data11.initial === undefined){
const err42 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/required",keyword:"required",params:{missingProperty: "initial"},message:"must have required property '"+"initial"+"'",schema:schema19.anyOf[2].required,parentSchema:schema19.anyOf[2],data:data11};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
for(const key3 in data11){
if(!((((key3 === "initial") || (key3 === "factor")) || (key3 === "max")) || (key3 === "jitter"))){
const err43 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema19.anyOf[2],data:data11};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
if(data11.initial !== undefined){
let data13 = data11.initial;
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 > 2147483 || isNaN(data13)){
const err44 = {instancePath:instancePath+"/retry_backoff_sec/initial",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/initial/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema19.anyOf[2].properties.initial,data:data13};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if(data13 < 0 || isNaN(data13)){
const err45 = {instancePath:instancePath+"/retry_backoff_sec/initial",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/initial/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema19.anyOf[2].properties.initial,data:data13};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
else {
const err46 = {instancePath:instancePath+"/retry_backoff_sec/initial",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/initial/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema19.anyOf[2].properties.initial.type,parentSchema:schema19.anyOf[2].properties.initial,data:data13};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data11.factor !== undefined){
let data14 = data11.factor;
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 > 100 || isNaN(data14)){
const err47 = {instancePath:instancePath+"/retry_backoff_sec/factor",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/factor/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema19.anyOf[2].properties.factor,data:data14};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(data14 < 1 || isNaN(data14)){
const err48 = {instancePath:instancePath+"/retry_backoff_sec/factor",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/factor/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema19.anyOf[2].properties.factor,data:data14};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
else {
const err49 = {instancePath:instancePath+"/retry_backoff_sec/factor",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/factor/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema19.anyOf[2].properties.factor.type,parentSchema:schema19.anyOf[2].properties.factor,data:data14};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
if(data11.max !== undefined){
let data15 = data11.max;
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 > 2147483 || isNaN(data15)){
const err50 = {instancePath:instancePath+"/retry_backoff_sec/max",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/max/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema19.anyOf[2].properties.max,data:data15};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(data15 < 0 || isNaN(data15)){
const err51 = {instancePath:instancePath+"/retry_backoff_sec/max",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/max/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema19.anyOf[2].properties.max,data:data15};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
else {
const err52 = {instancePath:instancePath+"/retry_backoff_sec/max",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/max/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema19.anyOf[2].properties.max.type,parentSchema:schema19.anyOf[2].properties.max,data:data15};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
if(data11.jitter !== undefined){
let data16 = data11.jitter;
if(typeof data16 !== "boolean"){
const err53 = {instancePath:instancePath+"/retry_backoff_sec/jitter",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/properties/jitter/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema19.anyOf[2].properties.jitter.type,parentSchema:schema19.anyOf[2].properties.jitter,data:data16};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
}
else {
const err54 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf/2/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema19.anyOf[2].type,parentSchema:schema19.anyOf[2],data:data11};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
var _valid1 = _errs47 === errors;
valid17 = valid17 || _valid1;
}
}
if(!valid17){
const err55 = {instancePath:instancePath+"/retry_backoff_sec",schemaPath:"#/definitions/retry_backoff_sec/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema19.anyOf,parentSchema:schema19,data:data11};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
else {
errors = _errs40;
if(vErrors !== null){
if(_errs40){
vErrors.length = _errs40;
}
else {
vErrors = null;
}
}
}
}
if(data.exit_codes !== undefined){
let data17 = data.exit_codes;
if(data17 && typeof data17 == "object" && !Array.isArray(data17)){
for(const key4 in data17){
const _errs61 = errors;
if(typeof key4 === "string"){
if(!pattern2.test(key4)){
const err56 = {instancePath:instancePath+"/exit_codes",schemaPath:"#/definitions/exit_codes/propertyNames/pattern",keyword:"pattern",params:{pattern: "^(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$"},message:"must match pattern \""+"^(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$"+"\"",schema:"^(0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$",parentSchema:schema20.propertyNames,data:key4,propertyName:key4};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
var valid22 = _errs61 === errors;
if(!valid22){
const err57 = {instancePath:instancePath+"/exit_codes",schemaPath:"#/definitions/exit_codes/propertyNames",keyword:"propertyNames",params:{propertyName: key4},message:"property name must be valid",schema:schema20.propertyNames,parentSchema:schema20,data:data17};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
for(const key5 in data17){
let data18 = data17[key5];
if(typeof data18 !== "string"){
const err58 = {instancePath:instancePath+"/exit_codes/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/exit_codes/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema20.additionalProperties.type,parentSchema:schema20.additionalProperties,data:data18};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
if(!(((data18 === "success") || (data18 === "failure")) || (data18 === "blocked"))){
const err59 = {instancePath:instancePath+"/exit_codes/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/exit_codes/additionalProperties/enum",keyword:"enum",params:{allowedValues: schema20.additionalProperties.enum},message:"must be equal to one of the allowed values",schema:schema20.additionalProperties.enum,parentSchema:schema20.additionalProperties,data:data18};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
}
else {
const err60 = {instancePath:instancePath+"/exit_codes",schemaPath:"#/definitions/exit_codes/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema20.type,parentSchema:schema20,data:data17};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
if(data.outputs !== undefined){
let data19 = data.outputs;
if(Array.isArray(data19)){
const len3 = data19.length;
for(let i3=0; i3<len3; i3++){
let data20 = data19[i3];
if(typeof data20 === "string"){
if(data20.length < 1){
const err61 = {instancePath:instancePath+"/outputs/" + i3,schemaPath:"#/definitions/outputs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema21.items,data:data20};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
else {
const err62 = {instancePath:instancePath+"/outputs/" + i3,schemaPath:"#/definitions/outputs/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema21.items.type,parentSchema:schema21.items,data:data20};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
}
else {
const err63 = {instancePath:instancePath+"/outputs",schemaPath:"#/definitions/outputs/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema21.type,parentSchema:schema21,data:data19};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
if(data.sources !== undefined){
let data21 = data.sources;
if(Array.isArray(data21)){
if(data21.length < 1){
const err64 = {instancePath:instancePath+"/sources",schemaPath:"#/definitions/sources/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema49,data:data21};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
const len4 = data21.length;
for(let i4=0; i4<len4; i4++){
let data22 = data21[i4];
if(typeof data22 === "string"){
if(data22.length < 1){
const err65 = {instancePath:instancePath+"/sources/" + i4,schemaPath:"#/definitions/sources/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema49.items,data:data22};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
else {
const err66 = {instancePath:instancePath+"/sources/" + i4,schemaPath:"#/definitions/sources/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema49.items.type,parentSchema:schema49.items,data:data22};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
}
else {
const err67 = {instancePath:instancePath+"/sources",schemaPath:"#/definitions/sources/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema49.type,parentSchema:schema49,data:data21};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(data.generates !== undefined){
let data23 = data.generates;
if(Array.isArray(data23)){
const len5 = data23.length;
for(let i5=0; i5<len5; i5++){
let data24 = data23[i5];
if(typeof data24 === "string"){
if(data24.length < 1){
const err68 = {instancePath:instancePath+"/generates/" + i5,schemaPath:"#/definitions/generates/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema50.items,data:data24};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
else {
const err69 = {instancePath:instancePath+"/generates/" + i5,schemaPath:"#/definitions/generates/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema50.items.type,parentSchema:schema50.items,data:data24};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
}
else {
const err70 = {instancePath:instancePath+"/generates",schemaPath:"#/definitions/generates/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema50.type,parentSchema:schema50,data:data23};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data.rollback !== undefined){
let data25 = data.rollback;
const _errs82 = errors;
let valid34 = false;
const _errs83 = errors;
if(typeof data25 === "string"){
if(data25.length < 1){
const err71 = {instancePath:instancePath+"/rollback",schemaPath:"#/definitions/rollback/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema12.anyOf[0],data:data25};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
else {
const err72 = {instancePath:instancePath+"/rollback",schemaPath:"#/definitions/rollback/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data25};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
var _valid2 = _errs83 === errors;
valid34 = valid34 || _valid2;
if(!valid34){
const _errs85 = errors;
if(Array.isArray(data25)){
if(data25.length < 1){
const err73 = {instancePath:instancePath+"/rollback",schemaPath:"#/definitions/rollback/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema12.anyOf[1],data:data25};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
const len6 = data25.length;
for(let i6=0; i6<len6; i6++){
let data26 = data25[i6];
if(typeof data26 !== "string"){
const err74 = {instancePath:instancePath+"/rollback/" + i6,schemaPath:"#/definitions/rollback/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].items.type,parentSchema:schema12.anyOf[1].items,data:data26};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
}
else {
const err75 = {instancePath:instancePath+"/rollback",schemaPath:"#/definitions/rollback/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data25};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
var _valid2 = _errs85 === errors;
valid34 = valid34 || _valid2;
}
if(!valid34){
const err76 = {instancePath:instancePath+"/rollback",schemaPath:"#/definitions/rollback/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data25};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
else {
errors = _errs82;
if(vErrors !== null){
if(_errs82){
vErrors.length = _errs82;
}
else {
vErrors = null;
}
}
}
}
if(data.rollback_timeout_sec !== undefined){
let data27 = data.rollback_timeout_sec;
if((typeof data27 == "number") && (isFinite(data27))){
if(data27 > 2147483 || isNaN(data27)){
const err77 = {instancePath:instancePath+"/rollback_timeout_sec",schemaPath:"#/definitions/rollback_timeout_sec/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema23,data:data27};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
if(data27 <= 0 || isNaN(data27)){
const err78 = {instancePath:instancePath+"/rollback_timeout_sec",schemaPath:"#/definitions/rollback_timeout_sec/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema23,data:data27};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
else {
const err79 = {instancePath:instancePath+"/rollback_timeout_sec",schemaPath:"#/definitions/rollback_timeout_sec/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema23.type,parentSchema:schema23,data:data27};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
if(data.rollback_on_cancel !== undefined){
let data28 = data.rollback_on_cancel;
if(typeof data28 !== "boolean"){
const err80 = {instancePath:instancePath+"/rollback_on_cancel",schemaPath:"#/definitions/rollback_on_cancel/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema24.type,parentSchema:schema24,data:data28};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
if(data.stall_timeout_sec !== undefined){
let data29 = data.stall_timeout_sec;
if((typeof data29 == "number") && (isFinite(data29))){
if(data29 > 2147483 || isNaN(data29)){
const err81 = {instancePath:instancePath+"/stall_timeout_sec",schemaPath:"#/definitions/stall_timeout_sec/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema25,data:data29};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
if(data29 <= 0 || isNaN(data29)){
const err82 = {instancePath:instancePath+"/stall_timeout_sec",schemaPath:"#/definitions/stall_timeout_sec/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema25,data:data29};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
else {
const err83 = {instancePath:instancePath+"/stall_timeout_sec",schemaPath:"#/definitions/stall_timeout_sec/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema25.type,parentSchema:schema25,data:data29};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
if(data.max_memory_mb !== undefined){
let data30 = data.max_memory_mb;
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 > 16777216 || isNaN(data30)){
const err84 = {instancePath:instancePath+"/max_memory_mb",schemaPath:"#/definitions/max_memory_mb/maximum",keyword:"maximum",params:{comparison: "<=", limit: 16777216},message:"must be <= 16777216",schema:16777216,parentSchema:schema26,data:data30};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
if(data30 <= 0 || isNaN(data30)){
const err85 = {instancePath:instancePath+"/max_memory_mb",schemaPath:"#/definitions/max_memory_mb/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema26,data:data30};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
else {
const err86 = {instancePath:instancePath+"/max_memory_mb",schemaPath:"#/definitions/max_memory_mb/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema26.type,parentSchema:schema26,data:data30};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
if(data.max_identical_failures !== undefined){
let data31 = data.max_identical_failures;
if(!(((typeof data31 == "number") && (!(data31 % 1) && !isNaN(data31))) && (isFinite(data31)))){
const err87 = {instancePath:instancePath+"/max_identical_failures",schemaPath:"#/definitions/max_identical_failures/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema27.type,parentSchema:schema27,data:data31};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
if((typeof data31 == "number") && (isFinite(data31))){
if(data31 > 1000000 || isNaN(data31)){
const err88 = {instancePath:instancePath+"/max_identical_failures",schemaPath:"#/definitions/max_identical_failures/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000},message:"must be <= 1000000",schema:1000000,parentSchema:schema27,data:data31};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
if(data31 < 2 || isNaN(data31)){
const err89 = {instancePath:instancePath+"/max_identical_failures",schemaPath:"#/definitions/max_identical_failures/minimum",keyword:"minimum",params:{comparison: ">=", limit: 2},message:"must be >= 2",schema:2,parentSchema:schema27,data:data31};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
}
}
if(data.approval !== undefined){
let data32 = data.approval;
const _errs106 = errors;
let valid43 = false;
const _errs107 = errors;
if(typeof data32 !== "boolean"){
const err90 = {instancePath:instancePath+"/approval",schemaPath:"#/definitions/approval/anyOf/0/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema28.anyOf[0].type,parentSchema:schema28.anyOf[0],data:data32};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
var _valid3 = _errs107 === errors;
valid43 = valid43 || _valid3;
if(!valid43){
const _errs109 = errors;
if(typeof data32 === "string"){
if(data32.length < 1){
const err91 = {instancePath:instancePath+"/approval",schemaPath:"#/definitions/approval/anyOf/1/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema28.anyOf[1],data:data32};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
else {
const err92 = {instancePath:instancePath+"/approval",schemaPath:"#/definitions/approval/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema28.anyOf[1].type,parentSchema:schema28.anyOf[1],data:data32};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
var _valid3 = _errs109 === errors;
valid43 = valid43 || _valid3;
}
if(!valid43){
const err93 = {instancePath:instancePath+"/approval",schemaPath:"#/definitions/approval/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema28.anyOf,parentSchema:schema28,data:data32};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
else {
errors = _errs106;
if(vErrors !== null){
if(_errs106){
vErrors.length = _errs106;
}
else {
vErrors = null;
}
}
}
}
if(data.approval_timeout_sec !== undefined){
let data33 = data.approval_timeout_sec;
if((typeof data33 == "number") && (isFinite(data33))){
if(data33 > 2147483 || isNaN(data33)){
const err94 = {instancePath:instancePath+"/approval_timeout_sec",schemaPath:"#/definitions/approval_timeout_sec/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483},message:"must be <= 2147483",schema:2147483,parentSchema:schema29,data:data33};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
if(data33 <= 0 || isNaN(data33)){
const err95 = {instancePath:instancePath+"/approval_timeout_sec",schemaPath:"#/definitions/approval_timeout_sec/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema29,data:data33};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
}
else {
const err96 = {instancePath:instancePath+"/approval_timeout_sec",schemaPath:"#/definitions/approval_timeout_sec/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema29.type,parentSchema:schema29,data:data33};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
}
if(data.rollback_approval !== undefined){
let data34 = data.rollback_approval;
if(typeof data34 !== "boolean"){
const err97 = {instancePath:instancePath+"/rollback_approval",schemaPath:"#/definitions/rollback_approval/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema30.type,parentSchema:schema30,data:data34};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
if(data.rollback_verify !== undefined){
let data35 = data.rollback_verify;
const _errs119 = errors;
let valid47 = false;
const _errs120 = errors;
if(typeof data35 === "string"){
if(data35.length < 1){
const err98 = {instancePath:instancePath+"/rollback_verify",schemaPath:"#/definitions/rollback_verify/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema12.anyOf[0],data:data35};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
}
else {
const err99 = {instancePath:instancePath+"/rollback_verify",schemaPath:"#/definitions/rollback_verify/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data35};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
var _valid4 = _errs120 === errors;
valid47 = valid47 || _valid4;
if(!valid47){
const _errs122 = errors;
if(Array.isArray(data35)){
if(data35.length < 1){
const err100 = {instancePath:instancePath+"/rollback_verify",schemaPath:"#/definitions/rollback_verify/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema12.anyOf[1],data:data35};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
const len7 = data35.length;
for(let i7=0; i7<len7; i7++){
let data36 = data35[i7];
if(typeof data36 !== "string"){
const err101 = {instancePath:instancePath+"/rollback_verify/" + i7,schemaPath:"#/definitions/rollback_verify/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].items.type,parentSchema:schema12.anyOf[1].items,data:data36};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
}
}
else {
const err102 = {instancePath:instancePath+"/rollback_verify",schemaPath:"#/definitions/rollback_verify/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data35};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
var _valid4 = _errs122 === errors;
valid47 = valid47 || _valid4;
}
if(!valid47){
const err103 = {instancePath:instancePath+"/rollback_verify",schemaPath:"#/definitions/rollback_verify/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data35};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
else {
errors = _errs119;
if(vErrors !== null){
if(_errs119){
vErrors.length = _errs119;
}
else {
vErrors = null;
}
}
}
}
if(data.max_rollbacks !== undefined){
let data37 = data.max_rollbacks;
if(!(((typeof data37 == "number") && (!(data37 % 1) && !isNaN(data37))) && (isFinite(data37)))){
const err104 = {instancePath:instancePath+"/max_rollbacks",schemaPath:"#/definitions/max_rollbacks/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema32.type,parentSchema:schema32,data:data37};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
if((typeof data37 == "number") && (isFinite(data37))){
if(data37 > 1000000 || isNaN(data37)){
const err105 = {instancePath:instancePath+"/max_rollbacks",schemaPath:"#/definitions/max_rollbacks/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000},message:"must be <= 1000000",schema:1000000,parentSchema:schema32,data:data37};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
if(data37 < 0 || isNaN(data37)){
const err106 = {instancePath:instancePath+"/max_rollbacks",schemaPath:"#/definitions/max_rollbacks/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema32,data:data37};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
}
}
if(data.local !== undefined){
let data38 = data.local;
if(typeof data38 !== "boolean"){
const err107 = {instancePath:instancePath+"/local",schemaPath:"#/definitions/local/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema33.type,parentSchema:schema33,data:data38};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
}
if(data.isolation !== undefined){
let data39 = data.isolation;
if(typeof data39 !== "string"){
const err108 = {instancePath:instancePath+"/isolation",schemaPath:"#/definitions/isolation/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema34.type,parentSchema:schema34,data:data39};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
if(!((data39 === "shared") || (data39 === "worktree"))){
const err109 = {instancePath:instancePath+"/isolation",schemaPath:"#/definitions/isolation/enum",keyword:"enum",params:{allowedValues: schema34.enum},message:"must be equal to one of the allowed values",schema:schema34.enum,parentSchema:schema34,data:data39};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
}
if(data.worktree_copy !== undefined){
let data40 = data.worktree_copy;
if(Array.isArray(data40)){
const len8 = data40.length;
for(let i8=0; i8<len8; i8++){
let data41 = data40[i8];
if(typeof data41 === "string"){
if(data41.length < 1){
const err110 = {instancePath:instancePath+"/worktree_copy/" + i8,schemaPath:"#/definitions/worktree_copy/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema35.items,data:data41};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
}
else {
const err111 = {instancePath:instancePath+"/worktree_copy/" + i8,schemaPath:"#/definitions/worktree_copy/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema35.items.type,parentSchema:schema35.items,data:data41};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
}
}
else {
const err112 = {instancePath:instancePath+"/worktree_copy",schemaPath:"#/definitions/worktree_copy/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema35.type,parentSchema:schema35,data:data40};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
}
if(data.description !== undefined){
let data42 = data.description;
if(typeof data42 !== "string"){
const err113 = {instancePath:instancePath+"/description",schemaPath:"#/definitions/description/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema36.type,parentSchema:schema36,data:data42};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
}
}
else {
const err114 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema37.type,parentSchema:schema37,data};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
validate13.errors = vErrors;
return errors === 0;
}


function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://aad.dev/schema/aad.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.tasks === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "tasks"},message:"must have required property '"+"tasks"+"'",schema:schema11.required,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(((((((((key0 === "version") || (key0 === "goal")) || (key0 === "artifacts_dir")) || (key0 === "max_parallel")) || (key0 === "max_children")) || (key0 === "on_escalation")) || (key0 === "defaults")) || (key0 === "tasks")) || (pattern0.test(key0)))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.version !== undefined){
let data0 = data.version;
if(1 !== data0){
const err2 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1},message:"must be equal to constant",schema:1,parentSchema:schema11.properties.version,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.goal !== undefined){
let data1 = data.goal;
if(typeof data1 !== "string"){
const err3 = {instancePath:instancePath+"/goal",schemaPath:"#/properties/goal/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.goal.type,parentSchema:schema11.properties.goal,data:data1};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.artifacts_dir !== undefined){
let data2 = data.artifacts_dir;
if(typeof data2 === "string"){
if(data2.length < 1){
const err4 = {instancePath:instancePath+"/artifacts_dir",schemaPath:"#/properties/artifacts_dir/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.artifacts_dir,data:data2};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/artifacts_dir",schemaPath:"#/properties/artifacts_dir/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.artifacts_dir.type,parentSchema:schema11.properties.artifacts_dir,data:data2};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.max_parallel !== undefined){
let data3 = data.max_parallel;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
const err6 = {instancePath:instancePath+"/max_parallel",schemaPath:"#/properties/max_parallel/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.max_parallel.type,parentSchema:schema11.properties.max_parallel,data:data3};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 4096 || isNaN(data3)){
const err7 = {instancePath:instancePath+"/max_parallel",schemaPath:"#/properties/max_parallel/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4096},message:"must be <= 4096",schema:4096,parentSchema:schema11.properties.max_parallel,data:data3};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data3 < 1 || isNaN(data3)){
const err8 = {instancePath:instancePath+"/max_parallel",schemaPath:"#/properties/max_parallel/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.max_parallel,data:data3};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
if(data.max_children !== undefined){
let data4 = data.max_children;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
const err9 = {instancePath:instancePath+"/max_children",schemaPath:"#/properties/max_children/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.max_children.type,parentSchema:schema11.properties.max_children,data:data4};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 100000 || isNaN(data4)){
const err10 = {instancePath:instancePath+"/max_children",schemaPath:"#/properties/max_children/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000},message:"must be <= 100000",schema:100000,parentSchema:schema11.properties.max_children,data:data4};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data4 < 1 || isNaN(data4)){
const err11 = {instancePath:instancePath+"/max_children",schemaPath:"#/properties/max_children/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.max_children,data:data4};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
if(data.on_escalation !== undefined){
let data5 = data.on_escalation;
const _errs13 = errors;
let valid2 = false;
const _errs14 = errors;
if(typeof data5 === "string"){
if(data5.length < 1){
const err12 = {instancePath:instancePath+"/on_escalation",schemaPath:"#/definitions/command/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema12.anyOf[0],data:data5};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/on_escalation",schemaPath:"#/definitions/command/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[0].type,parentSchema:schema12.anyOf[0],data:data5};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
var _valid0 = _errs14 === errors;
valid2 = valid2 || _valid0;
if(!valid2){
const _errs16 = errors;
if(Array.isArray(data5)){
if(data5.length < 1){
const err14 = {instancePath:instancePath+"/on_escalation",schemaPath:"#/definitions/command/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema12.anyOf[1],data:data5};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
const len0 = data5.length;
for(let i0=0; i0<len0; i0++){
let data6 = data5[i0];
if(typeof data6 !== "string"){
const err15 = {instancePath:instancePath+"/on_escalation/" + i0,schemaPath:"#/definitions/command/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.anyOf[1].items.type,parentSchema:schema12.anyOf[1].items,data:data6};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
}
else {
const err16 = {instancePath:instancePath+"/on_escalation",schemaPath:"#/definitions/command/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema12.anyOf[1].type,parentSchema:schema12.anyOf[1],data:data5};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
var _valid0 = _errs16 === errors;
valid2 = valid2 || _valid0;
}
if(!valid2){
const err17 = {instancePath:instancePath+"/on_escalation",schemaPath:"#/definitions/command/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema12.anyOf,parentSchema:schema12,data:data5};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
else {
errors = _errs13;
if(vErrors !== null){
if(_errs13){
vErrors.length = _errs13;
}
else {
vErrors = null;
}
}
}
}
if(data.defaults !== undefined){
if(!(validate11(data.defaults, {instancePath:instancePath+"/defaults",parentData:data,parentDataProperty:"defaults",rootData}))){
vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);
errors = vErrors.length;
}
}
if(data.tasks !== undefined){
let data8 = data.tasks;
if(Array.isArray(data8)){
if(data8.length < 1){
const err18 = {instancePath:instancePath+"/tasks",schemaPath:"#/properties/tasks/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.tasks,data:data8};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
const len1 = data8.length;
for(let i1=0; i1<len1; i1++){
if(!(validate13(data8[i1], {instancePath:instancePath+"/tasks/" + i1,parentData:data8,parentDataProperty:i1,rootData}))){
vErrors = vErrors === null ? validate13.errors : vErrors.concat(validate13.errors);
errors = vErrors.length;
}
}
}
else {
const err19 = {instancePath:instancePath+"/tasks",schemaPath:"#/properties/tasks/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.tasks.type,parentSchema:schema11.properties.tasks,data:data8};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
else {
const err20 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.type,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}
