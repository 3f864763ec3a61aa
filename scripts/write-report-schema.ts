// Regenerates schema/report.schema.json from the zod definition (src/report/schema.ts).
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../src/report/schema.ts';

const schema = { $id: 'https://zhaocuo.dev/schema/report.schema.json', title: 'zhaocuo report.json', ...reportJsonSchema() };
writeFileSync(new URL('../schema/report.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
console.log('wrote schema/report.schema.json');
