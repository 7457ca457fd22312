import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { planArg, onlyArgs, onlyOf } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.list,
  args: {
    plan: { ...planArg.plan, description: 'Plan file; or task ids of ./aad.yaml (`aad list deploy`: deploy and what it depends on)' },
    ...onlyArgs('List only'),
    json: { type: 'boolean', description: 'Print an array of {id, description, depends_on} (description null when the task has none)' },
  },
  async run({ args }) {
    const { listTasks } = await import('../list-tasks.js');
    listTasks(args.plan, { only: onlyOf(args), json: args.json === true });
  },
});
