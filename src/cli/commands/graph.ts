import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { planArg, onlyArgs, onlyOf } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.graph,
  args: {
    ...planArg,
    ...onlyArgs('Only'),
    'max-parallel': { type: 'string', description: 'Parallelism assumed by the estimate', valueHint: 'N' },
    json: { type: 'boolean', description: 'Print the graph as JSON: tasks, waves, critical path, estimate' },
    home: { type: 'string', description: 'Run home whose earlier runs of this plan weigh the estimate (default: $AAD_HOME, else ./.aad)', valueHint: 'DIR' },
  },
  async run({ args }) {
    const { showGraph } = await import('../show-graph.js');
    await showGraph(args.plan, { only: onlyOf(args), maxParallel: args['max-parallel'], home: args.home, json: args.json === true });
  },
});
