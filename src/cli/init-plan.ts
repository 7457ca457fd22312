import { writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, refusedWrite } from '../errors.js';
import { printOut } from '../report/print.js';
import { packageRoot } from './package-files.js';

/**
 * How the modeline of a plan at `planFile` names `schemaFile`: relative to the plan's folder when that path
 * travels with the project (a schema inside the plan's folder, as in a clone of aad, or in a `node_modules`
 * of that folder or of one above it, as after `npm install aad`), else absolute (a global install, an npx
 * cache: it holds on this machine only).
 */
export function schemaRef(planFile: string, schemaFile: string): string {
  const rel = relative(dirname(resolve(planFile)), schemaFile).split(sep).join('/');
  if (isAbsolute(rel)) return schemaFile;
  if (!rel.startsWith('../')) return `./${rel}`;
  return /^(\.\.\/)+node_modules\//.test(rel) ? rel : schemaFile;
}

/** The starter plan `aad init` writes: valid, runnable anywhere (its commands only echo), each key explained. */
export function starterPlan(schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# ^ Editors with the YAML language server check and complete this file from aad's JSON Schema
#   (\`aad schema\` prints it; save it beside the plan and point the line above at it to share it).
#
# A plan: tasks (shell commands) run as a DAG, each as soon as what it depends on has succeeded,
# in parallel up to max_parallel. Every run is recorded in ./.aad (or --home DIR).
#   aad validate      check this file (every problem with its line and column)
#   aad list          its tasks, their descriptions and dependencies
#   aad graph         the DAG, its waves and critical path
#   aad run           run it; then \`aad status\`, \`aad logs --task ID\`, \`aad resume\`
goal: Build and test the project

# max_parallel: 4              # tasks at once (default: the number of CPUs)

defaults:                      # every task's values unless it gives its own
  timeout_sec: 600             # an attempt running longer is stopped (SIGTERM, then SIGKILL)

tasks:
  - id: install
    description: Install the dependencies
    cmd: echo "installing (put npm ci, pip install -r requirements.txt… here)"

  - id: lint
    description: Check the style
    cmd: echo "linting"
    depends_on: [install]      # starts once install has succeeded

  - id: test
    description: Run the tests
    cmd: echo "testing"
    depends_on: [install]      # lint and test run in parallel
    retries: 2                 # a failed attempt is tried again, up to 2 more times
    retry_backoff_sec: [1, 5]  # after waiting 1 s, then 5 s
    timeout_sec: 300           # this task's own limit, instead of defaults.timeout_sec

  - id: build
    description: Build the project
    cmd: [echo, building]      # a list is an argv, run without a shell
    depends_on: [lint, test]
    # rollback: ./undo.sh      # runs once if the task fails for good
`;
}

/** `aad init`: writes the starter plan to `file`, never over an existing file (UsageError, exit 2). */
export function initPlan(file: string): void {
  const schema = schemaRef(file, fileURLToPath(new URL('schema/aad.schema.json', packageRoot)));
  try {
    writeFileSync(file, starterPlan(schema), { flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${file} already exists: not overwritten (remove it first, or name another file: \`aad init other.yaml\`)`, { cause: err });
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`cannot write ${file}: no such directory ${dirname(file)}`, { cause: err });
    throw refusedWrite(err, file) ?? err;
  }
  const plan = file === 'aad.yaml' ? '' : ` ${/^[\w./@%+,-]+$/.test(file) ? file : `'${file.replaceAll("'", "'\\''")}'`}`;
  printOut(`wrote ${file}: a starter plan of 4 tasks; try \`aad list${plan}\`, \`aad graph${plan}\`, then \`aad run${plan}\``);
}
