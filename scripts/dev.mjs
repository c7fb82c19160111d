// `npm run dev`: one full build, then tsc and esbuild in watch mode and `node --watch` restarting
// the server whenever the compiled output changes.
import { execFileSync, spawn } from 'node:child_process';
import { context } from 'esbuild';

const node = process.execPath;
const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
execFileSync(node, ['scripts/build.mjs'], { stdio: 'inherit' });

const children = [
  spawn(node, [tsc, '-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'], { stdio: 'inherit' }),
  spawn(node, ['--watch-path=dist/src', '--watch-path=views', 'dist/src/main.js'], { stdio: 'inherit' }),
];
const client = await context({
  entryPoints: { app: 'src/client/main.ts' },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  outdir: 'public/js',
  logLevel: 'info',
});
await client.watch();

const stop = () => {
  for (const child of children) child.kill('SIGTERM');
  void client.dispose().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
