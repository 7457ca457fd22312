import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { planArg } from '../shared-args.js';

export default defineCommand({
  meta: COMMAND_META.validate,
  args: { ...planArg },
  async run({ args }) {
    const { loadPlanFile, unsetVariables } = await import('../plan-file.js');
    const { printErr, printOut } = await import('../../report/print.js');
    const loaded = loadPlanFile(args.plan);
    const { plan } = loaded;
    // Validation may run where the run's secrets are absent: an unset variable is only a warning here.
    for (const w of unsetVariables(loaded, process.env)) printErr(`${args.plan}:${w.line}:${w.col}  ${w.path}  warning: ${w.message} (\`aad run\` refuses to start until it is)`);
    const deps = plan.tasks.reduce((n, t) => n + t.deps.length, 0);
    const s = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    printOut(`${args.plan}: valid: ${s(plan.tasks.length, 'task')}, ${s(deps, 'dependency').replace('dependencys', 'dependencies')}, ${s(plan.waves.length, 'wave')}`);
  },
});
