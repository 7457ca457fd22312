import { defineCommand } from 'citty';
import { homeArgs } from '../shared-args.js';

export default defineCommand({
  meta: { name: 'runs', description: 'List runs, newest first: id, state, start, duration, counts' },
  args: { json: { type: 'boolean', description: 'Print an array of status objects (without tasks)' }, ...homeArgs },
  async run({ args }) {
    const { showRuns } = await import('../inspect.js');
    showRuns(args.home, args.json === true);
  },
});
