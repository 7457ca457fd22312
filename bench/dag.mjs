// Generated DAGs and the same DAG written for each contender: an aad plan, a Makefile, a JSON list for
// the Node runners, a wireit package.json, a Turborepo workspace.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A layered DAG: `layers` × `width` tasks; each task of layer k > 0 depends on tasks i and i+1 (mod width)
 * of layer k−1. Tasks are in plan order (layer by layer). Returns { tasks: [{id, cmd, deps}], sinks }.
 */
export function layeredDag(layers, width, cmd = 'true') {
  const pad = (n, m) => String(n).padStart(String(m - 1).length, '0');
  const id = (l, i) => `t${pad(l, layers)}_${pad(i, width)}`;
  const tasks = [];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < width; i++) {
      const deps = l === 0 ? [] : width === 1 ? [id(l - 1, 0)] : [id(l - 1, i), id(l - 1, (i + 1) % width)];
      tasks.push({ id: id(l, i), cmd, deps });
    }
  }
  const sinks = tasks.slice(-width).map((t) => t.id);
  return { tasks, sinks };
}

const q = (s) => JSON.stringify(s);

/** The aad plan (YAML, in flow style where it is short). */
export function aadPlan(dag, { env, maxParallel } = {}) {
  const lines = ['version: 1'];
  if (maxParallel) lines.push(`max_parallel: ${maxParallel}`);
  lines.push('tasks:');
  for (const t of dag.tasks) {
    lines.push(`  - id: ${t.id}`, `    cmd: ${q(t.cmd)}`);
    if (t.deps.length) lines.push(`    depends_on: [${t.deps.join(', ')}]`);
    if (env) lines.push(`    env: { ${Object.entries(env).map(([k, v]) => `${k}: ${q(v)}`).join(', ')} }`);
  }
  return lines.join('\n') + '\n';
}

/** A Makefile: phony targets, each recipe the task's command (make runs `true` without a shell). */
export function makefile(dag) {
  const out = ['.PHONY: all ' + dag.tasks.map((t) => t.id).join(' '), `all: ${dag.sinks.join(' ')}`, ''];
  for (const t of dag.tasks) out.push(`${t.id}:${t.deps.length ? ' ' + t.deps.join(' ') : ''}`, `\t@${t.cmd}`);
  return out.join('\n') + '\n';
}

/** The DAG as JSON for bench/raw-floor.mjs and bench/execa-runner.mjs. */
export function dagJson(dag) {
  return JSON.stringify({ tasks: dag.tasks });
}

/** A package whose scripts are wireit scripts; `npm run all` runs the DAG. */
export function writeWireitProject(dir, dag) {
  mkdirSync(dir, { recursive: true });
  const scripts = { all: 'wireit', noop: 'true' };
  const wireit = { all: { dependencies: dag.sinks } };
  for (const t of dag.tasks) {
    scripts[t.id] = 'wireit';
    wireit[t.id] = { command: t.cmd, ...(t.deps.length ? { dependencies: t.deps } : {}) };
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'wireit-bench', private: true, scripts, wireit }, null, 1));
}

/**
 * An npm workspace with one package `app` whose scripts are the tasks; turbo.json makes each task depend on
 * `app#<dep>`, caching off. `turbo run <sinks>` runs the DAG.
 */
export function writeTurboProject(dir, dag, npmVersion) {
  mkdirSync(join(dir, 'app'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'turbo-bench', private: true, packageManager: `npm@${npmVersion}`, workspaces: ['app'] }, null, 1),
  );
  const scripts = {};
  for (const t of dag.tasks) scripts[t.id] = t.cmd;
  writeFileSync(join(dir, 'app', 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts }, null, 1));
  const tasks = {};
  for (const t of dag.tasks) tasks[`app#${t.id}`] = { cache: false, outputLogs: 'none', ...(t.deps.length ? { dependsOn: t.deps.map((d) => `app#${d}`) } : {}) };
  writeFileSync(join(dir, 'turbo.json'), JSON.stringify({ tasks }, null, 1));
  // A lockfile, so that Turborepo's npm lockfile reader has something to read.
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify(
      {
        name: 'turbo-bench',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: 'turbo-bench', workspaces: ['app'] }, app: { name: 'app', version: '1.0.0' }, 'node_modules/app': { resolved: 'app', link: true } },
      },
      null,
      1,
    ),
  );
}

/**
 * Makespan of list scheduling on `workers` workers: whenever a worker is free, the first ready task in
 * `priority` order starts. durations in seconds. Returns the makespan.
 */
export function listSchedule(tasks, workers, priority = (a, b) => a.index - b.index) {
  const byId = new Map(tasks.map((t, index) => [t.id, { ...t, index, left: t.deps.length, dependents: [] }]));
  for (const t of byId.values()) for (const d of t.deps) byId.get(d).dependents.push(t);
  let ready = [...byId.values()].filter((t) => t.left === 0);
  const running = []; // {end, t}
  let now = 0;
  let done = 0;
  while (done < byId.size) {
    ready.sort(priority);
    while (running.length < workers && ready.length) {
      const t = ready.shift();
      running.push({ end: now + t.sec, t });
    }
    running.sort((a, b) => a.end - b.end);
    const { end, t } = running.shift();
    now = end;
    done++;
    for (const d of t.dependents) if (--d.left === 0) ready.push(d);
  }
  return now;
}

/** The longest path (seconds) and the total work of a DAG with durations. */
export function criticalPathAndWork(tasks) {
  const longest = new Map();
  let cp = 0;
  let work = 0;
  for (const t of tasks) {
    const l = t.sec + Math.max(0, ...t.deps.map((d) => longest.get(d)));
    longest.set(t.id, l);
    cp = Math.max(cp, l);
    work += t.sec;
  }
  return { cp, work };
}
