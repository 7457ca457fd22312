import { defineCommand } from 'citty';

export default defineCommand({ meta: { name: 'cancel', description: 'placeholder' }, args: {}, async run() {} });
