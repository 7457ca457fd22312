import { defineCommand } from 'citty';

export default defineCommand({ meta: { name: 'runs', description: 'placeholder' }, args: {}, async run() {} });
