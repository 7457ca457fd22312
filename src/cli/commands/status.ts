import { defineCommand } from 'citty';

export default defineCommand({ meta: { name: 'status', description: 'placeholder' }, args: {}, async run() {} });
