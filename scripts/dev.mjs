// `npm run dev`: one full build, then tsc and esbuild (script and stylesheet) in watch mode, and
// `node --watch` restarting the server whenever the compiled output changes.
import { execFileSync, spawn } from 'node:child_process';
import { context } from 'esbuild';
import { bundles } from './bundles.mjs';

const node = process.execPath;
const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;
execFileSync(node, ['scripts/build.mjs'], { stdio: 'inherit' });

const children = [
  spawn(node, [tsc, '-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'], { stdio: 'inherit' }),
  spawn(node, ['--watch-path=dist/src', '--watch-path=views', 'dist/src/main.js'], { stdio: 'inherit' }),
];
const watchers = await Promise.all(bundles.map((options) => context({ ...options, logLevel: 'info' })));
await Promise.all(watchers.map((w) => w.watch()));

const stop = () => {
  for (const child of children) child.kill('SIGTERM');
  void Promise.all(watchers.map((w) => w.dispose())).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
