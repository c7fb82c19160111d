// Builds everything `npm start` and `npm test` need: the server (tsc → dist/), the browser
// bundle (esbuild → public/js/) and the stylesheet (esbuild → public/css/). Type errors fail the build.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { bundles } from './bundles.mjs';

const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
// The page tests are a project of their own: they type-check against the DOM (test/page/tsconfig.json).
execFileSync(process.execPath, [tsc, '-p', 'test/page/tsconfig.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.client.json'], { stdio: 'inherit' });

await Promise.all(bundles.map((options) => build(options)));
