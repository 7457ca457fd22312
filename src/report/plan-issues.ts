import type { PlanInvalidError } from '../errors.js';
import { painter } from './style.js';

/** `FILE:LINE:COL  path  message` for every issue, each followed by the source line and a `~~~` underline. */
export function formatPlanIssues(err: PlanInvalidError, color: boolean): string {
  const paint = painter(color);
  const lines = err.source?.split('\n');
  const out: string[] = [];
  for (const issue of err.issues) {
    const where = `${err.file}:${issue.line}:${issue.col}`;
    out.push(`${paint('bold', where)}  ${issue.path ? paint('cyan', issue.path) + '  ' : ''}${issue.message}`);
    const src = lines?.[issue.line - 1];
    if (src !== undefined && src.length <= 200) {
      const num = String(issue.line).padStart(5);
      out.push(paint('dim', `${num} | `) + src);
      out.push(paint('dim', `      | `) + ' '.repeat(issue.col - 1) + paint('red', '~'.repeat(Math.max(1, Math.min(issue.length ?? 1, src.length - issue.col + 1)))));
    }
  }
  out.push(`${err.issues.length} problem${err.issues.length === 1 ? '' : 's'} in ${err.file}`);
  return out.join('\n');
}
