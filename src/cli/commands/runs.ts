import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { homeArgs } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.runs,
  args: { json: { type: 'boolean', description: 'Print an array of status objects (without tasks)' }, ...homeArgs },
  async run({ args }) {
    const { showRuns } = await import('../inspect.js');
    showRuns(args.home, args.json === true);
  },
});
