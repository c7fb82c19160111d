// `npm run bench:scaleout`: the scale-out scenario alone (about a minute), for rerunning it after a
// change to the cross-instance path without the whole bench. Prints its table and replaces the
// `scaleout` section of the results JSON for this scale (latest.json at full scale), leaving the
// other scenarios' figures as they were; the section carries its own measured_at.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaleFrom } from './lib/scale.js';
import { scaleoutJson, scaleoutMarkdown } from './report-scaleout.js';
import { scaleout } from './scenarios/scaleout.js';

const scale = scaleFrom();
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.env.BENCH_OUT ?? path.resolve(here, '../../bench/results');
const file = path.join(outDir, scale.name === 'full' ? 'latest.json' : `latest-${scale.name}.json`);

console.log(`gif-chat bench, scale-out scenario only, scale ${scale.name}`);
const result = await scaleout(scale, console.log);
console.log(`\n${scaleoutMarkdown(result)}\n`);
const json = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
const { machine, ...sections } = json;
writeFileSync(file, `${JSON.stringify({ ...sections, scaleout: scaleoutJson(result), machine }, null, 2)}\n`);
console.log(`wrote the scaleout section of ${file}`);
