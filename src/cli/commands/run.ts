import { defineCommand } from 'citty';

export default defineCommand({ meta: { name: 'run', description: 'placeholder' }, args: {}, async run() {} });
