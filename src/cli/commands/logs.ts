import { defineCommand } from 'citty';

export default defineCommand({ meta: { name: 'logs', description: 'placeholder' }, args: {}, async run() {} });
