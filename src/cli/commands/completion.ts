import { defineCommand } from 'citty';
import { COMMAND_META } from './index.js';
import { UsageError } from '../../errors.js';

export default defineCommand({
  meta: COMMAND_META.completion,
  args: {
    shell: { type: 'positional', required: false, description: 'bash, zsh or fish' },
  },
  async run({ args }) {
    const { SHELLS, completionScript } = await import('../completion-scripts.js');
    const shell = SHELLS.find((s) => s === args.shell);
    const choices = 'choose bash, zsh or fish (`aad completion bash`)';
    if (args.shell === undefined) throw new UsageError(`which shell? ${choices}`);
    if (!shell) throw new UsageError(`unknown shell "${args.shell}": ${choices}`);
    const { printOut } = await import('../../report/print.js');
    printOut(completionScript(shell));
  },
});
