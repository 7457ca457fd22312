import type { CommandDef } from 'citty';

type Lazy = () => Promise<CommandDef<any>>;

/** Each command's module, loaded only when that command runs, so `aad --help` stays fast. */
export const commands: Record<string, Lazy> = {
  run: () => import('./run.js').then((m) => m.default),
  validate: () => import('./validate.js').then((m) => m.default),
  graph: () => import('./graph.js').then((m) => m.default),
  status: () => import('./status.js').then((m) => m.default),
  logs: () => import('./logs.js').then((m) => m.default),
  resume: () => import('./resume.js').then((m) => m.default),
  cancel: () => import('./cancel.js').then((m) => m.default),
  runs: () => import('./runs.js').then((m) => m.default),
  schema: () => import('./schema.js').then((m) => m.default),
};
