// Builds everything `npm start` and `npm test` need: the server (tsc → dist/) and the browser
// bundle (esbuild → public/js/). Type errors fail the build.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.client.json'], { stdio: 'inherit' });

await build({
  entryPoints: { app: 'src/client/main.ts' },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  sourcemap: true,
  minify: process.env.NODE_ENV === 'production',
  outdir: 'public/js',
  logLevel: 'warning',
});
