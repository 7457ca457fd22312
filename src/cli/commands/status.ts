import { defineCommand } from 'citty';
import { homeArgs, runIdArg } from '../shared-args.js';

export default defineCommand({
  meta: { name: 'status', description: "A run's state and each task's state, attempts, duration and reason (latest run when no id); exit 0 for any run that exists" },
  args: { ...runIdArg, json: { type: 'boolean', description: 'Print the status as JSON' }, ...homeArgs },
  async run({ args }) {
    const { showStatus } = await import('../inspect.js');
    showStatus(args.run_id, args.home, args.json === true);
  },
});
