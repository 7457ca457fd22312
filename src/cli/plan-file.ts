import { closeSync, constants, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { PlanInvalidError, PlanReadError, type PlanIssue } from '../errors.js';
import { compilePlan, restrictPlan, type Plan } from '../plan/compile.js';
import { describeUnset, interpolatePlan, type EnvSource, type UnsetVariable } from '../plan/interpolate.js';
import { formatPath, parsePlanText } from '../plan/load.js';
import type { PlanInput } from '../plan/types.gen.js';
import { acceptPlanData, validatePlan } from '../plan/validate.js';
import { fastParse } from '../plan/fast-load.js';
import { decodePlanBytes } from '../plan/utf8.js';

const MAX_PLAN_BYTES = 64 * 1024 * 1024;

/**
 * Reads a plan file as text, with a clear error when it is missing, a folder, a socket, a pipe nobody writes to,
 * unreadable, absurdly large, or not UTF-8 (refused at the line and column of its first bad byte).
 */
export function readPlanFile(file: string): string {
  let size: number;
  let kind: 'file' | 'fifo' | 'device';
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new PlanReadError(file, 'it is a directory (give the path of a plan file, e.g. aad.yaml)');
    if (st.isSocket() || st.isBlockDevice()) {
      throw new PlanReadError(file, `it is not a regular file but a ${st.isSocket() ? 'socket' : 'block device'}; save the plan to a file`);
    }
    size = st.size;
    kind = st.isFile() ? 'file' : st.isFIFO() ? 'fifo' : 'device';
  } catch (err) {
    if (err instanceof PlanReadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new PlanReadError(file, code === 'ENOENT' ? 'no such file' : String((err as Error).message), { cause: err });
  }
  if (size > MAX_PLAN_BYTES) throw new PlanReadError(file, `it is ${Math.round(size / 1048576)} MB; plans are limited to 64 MB`);
  let bytes: Buffer;
  try {
    bytes = kind === 'file' ? readFileSync(file) : readCapped(file, kind === 'fifo');
  } catch (err) {
    if (err instanceof PlanReadError) throw err;
    throw new PlanReadError(file, (err as Error).message, { cause: err });
  }
  return decodePlanBytes(bytes, file);
}

/**
 * Reads a pipe or device (`/dev/stdin`), whose size is unknown, up to the limit: `/dev/zero` must not read forever.
 * A named pipe is opened without blocking, as opening one with no writer would wait forever: when nothing is
 * there to read and no process holds its other end, it is refused; while a writer holds it, its data is awaited.
 */
function readCapped(file: string, fifo: boolean): Buffer {
  const fd = openSync(file, fifo ? constants.O_RDONLY | constants.O_NONBLOCK : 'r');
  try {
    const chunks: Buffer[] = [];
    const buf = Buffer.alloc(1 << 16);
    let total = 0;
    // A writer blocked opening the pipe gets through only once it is open here: give it a moment to connect.
    let waitsForWriter = fifo ? WRITER_GRACE_MS / 10 : 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        Atomics.wait(pause, 0, 0, 10); // a writer holds the pipe but has not written yet
        continue;
      }
      if (n === 0 && total === 0 && waitsForWriter-- > 0) {
        Atomics.wait(pause, 0, 0, 10);
        continue;
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_PLAN_BYTES) throw new PlanReadError(file, 'it holds more than 64 MB; plans are limited to 64 MB');
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    if (fifo && total === 0) throw new PlanReadError(file, 'it is a pipe with nothing to read and no process writing to it; save the plan to a file');
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));
const WRITER_GRACE_MS = 300;

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


/**
 * `plan` (the loaded plan, or a selection of it) with its `env` values interpolated from `env` (aad's own
 * environment, when the run starts). An unset `${NAME}` without a default that reaches one of its tasks refuses
 * the run: PlanInvalidError, positioned. The plan text (what plan.yaml keeps) is not touched.
 */
export function interpolateEnv(loaded: Pick<LoadedPlan, 'file' | 'text' | 'input'>, plan: Plan, env: EnvSource): Plan {
  const r = interpolatePlan(loaded.input, env);
  const unset = r.unset.filter((u) => u.tasks.some((id) => plan.byId.has(id)));
  if (unset.length > 0) throw new PlanInvalidError(loaded.file, locateUnset(loaded, unset), loaded.text);
  const full = compilePlan(r.input);
  return restrictPlan({ ...full, interpolated: r.used }, [...plan.byId.keys()]);
}

/** The unset variables of the plan's `env` values, positioned: `aad validate` shows them as warnings. */
export function unsetVariables(loaded: Pick<LoadedPlan, 'file' | 'text' | 'input'>, env: EnvSource): PlanIssue[] {
  const { unset } = interpolatePlan(loaded.input, env);
  return unset.length === 0 ? [] : locateUnset(loaded, unset);
}

function locateUnset(loaded: Pick<LoadedPlan, 'file' | 'text'>, unset: UnsetVariable[]): PlanIssue[] {
  const doc = parsePlanText(loaded.text, loaded.file);
  return unset.map((u) => ({ path: formatPath(u.path), message: describeUnset(u), ...doc.locate(u.path) }));
}
