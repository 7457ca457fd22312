import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';

export default defineCommand({
  meta: COMMAND_META.init,
  args: {
    plan: { type: 'positional', required: false, default: 'aad.yaml', description: 'The plan file to write; an existing file is never overwritten' },
  },
  async run({ args }) {
    const { initPlan } = await import('../init-plan.js');
    initPlan(args.plan);
  },
});
