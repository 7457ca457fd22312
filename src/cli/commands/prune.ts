import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.prune,
  args: {
    'older-than': { type: 'string', description: 'Delete the runs that started longer ago than this: 30d, 12h, 90m, 45s, 2w (or joined: 1d12h)', valueHint: 'DURATION' },
    keep: { type: 'string', description: 'Keep the N newest runs (by start time) whatever their age (with --older-than: a run goes only when both let it)', valueHint: 'N' },
    'dry-run': { type: 'boolean', description: 'Only show what would be deleted' },
    json: { type: 'boolean', description: 'Print {dry_run, pruned, kept, errors} as JSON' },
    ...homeArgs,
  },
  async run({ args }) {
    const { pruneRuns } = await import('../prune-runs.js');
    process.exitCode = await pruneRuns({ olderThan: args['older-than'], keep: args.keep, home: args.home, dryRun: args['dry-run'] === true, json: args.json === true });
  },
});
