import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { driveArgs, runIdArg } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.resume,
  args: {
    ...runIdArg,
    'failed-only': { type: 'boolean', description: 'Re-run only the failed tasks (and those a dead runner left running or a fail-fast cancelled), and let the tasks waiting on them run' },
    'dry-run': { type: 'boolean', description: 'Show which tasks the resume would run (and which stay), and change nothing' },
    ...driveArgs,
  },
  async run({ args }) {
    const { resumeRun } = await import('../resume-run.js');
    process.exitCode = await resumeRun({
      runId: args.run_id,
      failedOnly: args['failed-only'] === true,
      maxParallel: args['max-parallel'],
      failFast: args['fail-fast'] === true,
      dryRun: args['dry-run'] === true,
      json: args.json,
      quiet: args.quiet,
      home: args.home,
      redis: args.redis,
      queue: args.queue,
    });
  },
});
