import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { PlanReadError } from '../errors.js';
import { compilePlan, type Plan } from '../plan/compile.js';
import { parsePlanText } from '../plan/load.js';
import type { PlanInput } from '../plan/types.gen.js';
import { acceptPlanData, validatePlan } from '../plan/validate.js';
import { fastParse } from '../plan/fast-load.js';

const MAX_PLAN_BYTES = 64 * 1024 * 1024;

/** Reads a plan file as text, with a clear error when it is missing, a folder, unreadable or absurdly large. */
export function readPlanFile(file: string): string {
  let size: number;
  let regular: boolean;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new PlanReadError(file, 'it is a directory (give the path of a plan file, e.g. aad.yaml)');
    size = st.size;
    regular = st.isFile();
  } catch (err) {
    if (err instanceof PlanReadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new PlanReadError(file, code === 'ENOENT' ? 'no such file' : String((err as Error).message), { cause: err });
  }
  if (size > MAX_PLAN_BYTES) throw new PlanReadError(file, `it is ${Math.round(size / 1048576)} MB; plans are limited to 64 MB`);
  try {
    return regular ? readFileSync(file, 'utf8') : readCapped(file);
  } catch (err) {
    if (err instanceof PlanReadError) throw err;
    throw new PlanReadError(file, (err as Error).message, { cause: err });
  }
}

/** Reads a pipe or device (`/dev/stdin`), whose size is unknown, up to the limit: `/dev/zero` must not read forever. */
function readCapped(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(1 << 16);
    let total = 0;
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      total += n;
      if (total > MAX_PLAN_BYTES) throw new PlanReadError(file, 'it holds more than 64 MB; plans are limited to 64 MB');
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** A plan read, validated and compiled from its text. */
export interface LoadedPlan {
  file: string;
  text: string;
  input: PlanInput;
  plan: Plan;
}

/** Parses, validates and compiles plan text; throws PlanInvalidError with every problem. */
export function loadPlanText(text: string, file: string): LoadedPlan {
  // Fast path: a valid plan needs no positions. Anything else is parsed again for its messages.
  const fast = fastParse(text);
  const accepted = fast === undefined ? undefined : acceptPlanData(fast);
  const input = accepted ?? validatePlan(parsePlanText(text, file));
  return { file, text, input, plan: compilePlan(input) };
}

/** Reads, validates and compiles a plan file. */
export function loadPlanFile(file: string): LoadedPlan {
  return loadPlanText(readPlanFile(file), file);
}

