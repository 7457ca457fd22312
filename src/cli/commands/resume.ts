import { defineCommand } from 'citty';

export default defineCommand({ meta: { name: 'resume', description: 'placeholder' }, args: {}, async run() {} });
