import { existsSync, statSync } from 'node:fs';
import { PlanReadError } from '../errors.js';
import { suggest } from '../plan/suggest.js';
import { loadPlanFile } from './plan-file.js';

const DEFAULT_PLAN = 'aad.yaml';

/**
 * `aad run build`: a PLAN argument that names no file but task ids of ./aad.yaml (`build`, `lint,test`) runs
 * those tasks, as `--only` does (added to `--only` when both are given). A file of that name always wins.
 * When it is neither, the usual "no such file" error, with `--only ID` suggested if ./aad.yaml has a task
 * with a close id.
 */
export function resolvePlanArg(plan: string, only: string | undefined): { plan: string; only?: string } {
  // A folder named like a task (`build/` beside the task `build`) does not hide the task: a plan is never a folder.
  const isPath = plan.includes('/') || /\.ya?ml$/i.test(plan) || (existsSync(plan) && !statSync(plan).isDirectory());
  if (plan === DEFAULT_PLAN || isPath || !existsSync(DEFAULT_PLAN)) return { plan, only };
  let ids: string[];
  try {
    ids = [...loadPlanFile(DEFAULT_PLAN).plan.byId.keys()];
  } catch {
    return { plan, only }; // a broken ./aad.yaml: the user may well have meant a file
  }
  const wanted = plan.split(',').map((w) => w.trim()).filter(Boolean);
  if (wanted.length > 0 && wanted.every((w) => ids.includes(w))) return { plan: DEFAULT_PLAN, only: only ? `${wanted.join(',')},${only}` : wanted.join(',') };
  const close = wanted.length === 1 ? suggest(wanted[0]!, ids) : undefined;
  const what = existsSync(plan) ? 'it is a directory' : 'no such file';
  if (close !== undefined) throw new PlanReadError(plan, `${what} (did you mean \`--only ${close}\`, the task "${close}" of ./${DEFAULT_PLAN}?)`);
  return { plan, only };
}
