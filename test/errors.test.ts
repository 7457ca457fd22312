import { describe, expect, it } from 'vitest';
import { AadError, DamagedRunError, IoError, NotFoundError, PlanInvalidError, PlanReadError, RunStateError, UsageError, refusedWrite, unreachable } from '../src/errors.js';

describe('AadError subclasses: stable code, exit code, message', () => {
  it.each([
    [new PlanInvalidError('f.yaml', [{ path: 'tasks', message: 'm', line: 1, col: 1 }]), 'AAD_PLAN_INVALID', 2, 'f.yaml: 1 problem'],
    [new PlanInvalidError('f.yaml', []), 'AAD_PLAN_INVALID', 2, 'f.yaml: 0 problems'],
    [new PlanReadError('f.yaml', 'no such file'), 'AAD_PLAN_UNREADABLE', 2, 'cannot read plan f.yaml: no such file'],
    [new UsageError('bad flag'), 'AAD_USAGE', 2, 'bad flag'],
    [new NotFoundError('unknown run id "x"'), 'AAD_NOT_FOUND', 2, 'unknown run id "x"'],
    [new RunStateError('run r is still running'), 'AAD_RUN_STATE', 2, 'run r is still running'],
    [new DamagedRunError('r', 'plan.yaml is missing'), 'AAD_RUN_DAMAGED', 2, 'run r: damaged run directory: plan.yaml is missing'],
  ])('%s', (err: AadError, code, exitCode, message) => {
    expect(err).toBeInstanceOf(AadError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.exitCode).toBe(exitCode);
    expect(err.message).toBe(message);
  });

  it('keeps the cause when wrapping', () => {
    const cause = new Error('EACCES');
    expect(new PlanReadError('f.yaml', 'permission denied', { cause }).cause).toBe(cause);
  });

  it('unreachable throws for a value the types said could not exist', () => {
    expect(() => unreachable('x' as never)).toThrow('unreachable: "x"');
  });
});

describe('IoError and refusedWrite: a write the file system refused', () => {
  it('IoError: exit 1, code AAD_IO, "cannot write <path>: <errno words>"', () => {
    const err = new IoError('/h/runs/r/events.jsonl', 'ENOSPC', 'no space left on device');
    expect(err).toBeInstanceOf(AadError);
    expect(err).toMatchObject({ code: 'AAD_IO', exitCode: 1, path: '/h/runs/r/events.jsonl', errno: 'ENOSPC' });
    expect(err.message).toBe('cannot write /h/runs/r/events.jsonl: no space left on device');
  });

  it.each([
    ['ENOSPC', 'no space left on device'],
    ['EROFS', 'read-only file system'],
    ['EDQUOT', 'disk quota exceeded'],
    ['EIO', 'input/output error'],
  ])('%s: the errno words, the path given before the error\'s own', (code, words) => {
    const e = Object.assign(new Error(`${code}: …`), { code, path: '/tmp/x.123.tmp' });
    expect(refusedWrite(e, '/h/x.json')?.message).toBe(`cannot write /h/x.json: ${words}`);
    expect(refusedWrite(e)?.message).toBe(`cannot write /tmp/x.123.tmp: ${words}`);
    expect(refusedWrite(e)?.cause).toBe(e);
  });

  it('anything else is not an I/O error of aad\'s: a bug, an unknown errno, or no path to name', () => {
    expect(refusedWrite(new Error('boom'), '/p')).toBeUndefined();
    expect(refusedWrite(Object.assign(new Error('x'), { code: 'EEXIST', path: '/p' }))).toBeUndefined();
    expect(refusedWrite(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBeUndefined();
  });
});
