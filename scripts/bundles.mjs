// What esbuild makes for the browser, shared by the one-off build and the dev watcher: the
// script bundle (public/js/app.js) and the stylesheet (public/css/app.css).
const minify = process.env.NODE_ENV === 'production';

export const bundles = [
  {
    entryPoints: { app: 'src/client/main.ts' },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    sourcemap: true,
    minify,
    outdir: 'public/js',
    logLevel: 'warning',
  },
  {
    entryPoints: { app: 'src/client/styles/app.css' },
    bundle: true,
    minify,
    outdir: 'public/css',
    logLevel: 'warning',
  },
];
