// pruneRun on real folders: a run is moved aside before it is deleted, put back when it turns out to be
// live, and a folder a stopped prune left is found only once it is old enough that no prune still works on it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pruneRun, pruningDir, unfinishedPrunes } from '../../src/cli/prune-run.js';
import type { Owner, RunEventBody } from '../../src/run/events.js';
import { Journal } from '../../src/store/journal.js';
import { selfOwner } from '../../src/store/proc.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A home with one run whose journal names `owner`, finished or not. */
function home(runId: string, owner: Owner, finished: boolean): string {
  const h = fs.mkdtempSync(path.join(os.tmpdir(), 'aad-prune-run-'));
  dirs.push(h);
  const dir = path.join(h, 'runs', runId);
  fs.mkdirSync(dir, { recursive: true });
  const j = new Journal(path.join(dir, 'events.jsonl'));
  const events: RunEventBody[] = [{ event: 'run_started', run_id: runId, plan: '/p/aad.yaml', workdir: '/p', tasks: [], max_parallel: 1, fail_fast: false, owner }];
  if (finished) events.push({ event: 'run_finished', state: 'succeeded', exit_code: 0, counts: { pending: 0, running: 0, retrying: 0, awaiting_approval: 0, decomposed: 0, succeeded: 0, failed: 0, blocked: 0, skipped: 0, cancelled: 0 } });
  for (const e of events) j.append(e);
  j.close();
  return h;
}

const ID = '20260101-000000-abcd';

describe('pruneRun', () => {
  it('deletes a finished run, and nothing is left of it', async () => {
    const h = home(ID, selfOwner(), true);
    const r = await pruneRun(h, ID, path.join(h, 'runs', ID), false);
    expect(r.pruned).toBe(true);
    expect(fs.readdirSync(path.join(h, 'runs'))).toEqual([]);
  });

  it('a dry run changes nothing', async () => {
    const h = home(ID, selfOwner(), true);
    expect((await pruneRun(h, ID, path.join(h, 'runs', ID), true)).pruned).toBe(true);
    expect(fs.readdirSync(path.join(h, 'runs'))).toEqual([ID]);
  });

  it('a run found live once moved aside (a resume claimed it meanwhile) is put back where it was', async () => {
    // This test process is the live runner the journal names.
    const h = home(ID, selfOwner(), false);
    const r = await pruneRun(h, ID, path.join(h, 'runs', ID), false);
    expect(r).toEqual({ pruned: false, kept: `running (pid ${process.pid} on ${os.hostname()})` });
    expect(fs.readdirSync(path.join(h, 'runs'))).toEqual([ID]);
    expect(fs.existsSync(path.join(h, 'runs', ID, 'events.jsonl'))).toBe(true);
  });

  it('a folder a stopped prune left is finished only once older than the limit; a live one goes back as a run', async () => {
    const h = home(ID, selfOwner(), false);
    fs.renameSync(path.join(h, 'runs', ID), pruningDir(h, ID));
    const entries = fs.readdirSync(path.join(h, 'runs'));
    const now = Date.now();
    expect(unfinishedPrunes(h, entries, now, 600_000)).toEqual([]);
    const found = unfinishedPrunes(h, entries, now + 601_000, 600_000);
    expect(found).toEqual([{ runId: ID, dir: pruningDir(h, ID) }]);
    const r = await pruneRun(h, ID, found[0]!.dir, false);
    expect(r.pruned).toBe(false);
    expect(fs.readdirSync(path.join(h, 'runs'))).toEqual([ID]);
  });

  it('a dead runner\'s run left half pruned is finished', async () => {
    const h = home(ID, { pid: 2 ** 22 + 7, hostname: os.hostname() }, false);
    fs.renameSync(path.join(h, 'runs', ID), pruningDir(h, ID));
    const r = await pruneRun(h, ID, pruningDir(h, ID), false);
    expect(r.pruned).toBe(true);
    expect(fs.readdirSync(path.join(h, 'runs'))).toEqual([]);
  });
});
