import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { planArg } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.validate,
  args: { ...planArg },
  async run({ args }) {
    const { loadPlanFile } = await import('../plan-file.js');
    const { printOut } = await import('../../report/print.js');
    const { plan } = loadPlanFile(args.plan);
    const deps = plan.tasks.reduce((n, t) => n + t.deps.length, 0);
    const s = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    printOut(`${args.plan}: valid: ${s(plan.tasks.length, 'task')}, ${s(deps, 'dependency').replace('dependencys', 'dependencies')}, ${s(plan.waves.length, 'wave')}`);
  },
});
