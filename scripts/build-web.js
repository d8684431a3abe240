#!/usr/bin/env node
/*
 * Builds the dashboard page and the local GraphiQL into dist/web/ with
 * esbuild. Everything the browser loads comes from here at run time: no CDN.
 *
 *   dist/web/index.html, app.js, app.css         the dashboard (web/src/main.ts)
 *   dist/web/graphiql/index.html, graphiql.js/.css  GraphiQL (web/src/graphiql/main.tsx)
 *   dist/web/graphiql/*.worker.js                 Monaco's web workers
 *   dist/web/embed/widget.js                      the embeddable usage widget (web/src/embed/widget.ts)
 *
 * Monaco workers: esbuild has no `?worker` import (Vite) nor
 * `new Worker(new URL(..., import.meta.url))` rewriting (webpack), so, as
 * Monaco's ESM integration guide describes for esbuild, each worker is its own
 * entry point and `MonacoEnvironment.getWorker` (web/src/graphiql/workers.ts)
 * starts it from its same-origin URL.
 *
 * The build is skipped when dist/web/.inputs-hash matches its inputs (web/,
 * this script, package-lock.json, src/domain/csv-cell.ts): `npm test` runs
 * it every time. A rebuild goes to a temporary directory that then replaces
 * dist/web, so a gateway serving the old files (another test run) never sees
 * a half-written tree.
 *
 * Usage: node scripts/build-web.js [--force]
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const target = path.join(root, 'dist', 'web');
const out = path.join(root, 'dist', `web.tmp-${process.pid}`);

function inputsHash() {
  const hash = crypto.createHash('sha256');
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else hash.update(path.relative(root, p)).update(fs.readFileSync(p));
    }
  };
  walk(path.join(root, 'web'));
  // Files of src/ that the page bundles too (the shared CSV cell rule).
  for (const f of ['scripts/build-web.js', 'package-lock.json', 'src/domain/csv-cell.ts', 'src/embed/embed-format.ts']) hash.update(f).update(fs.readFileSync(path.join(root, f)));
  return hash.digest('hex');
}

let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  // `npm install --omit=dev` (Docker runtime image) has no esbuild: the page
  // is then built in the build stage or not at all; the API still works.
  console.warn('build-web: esbuild is not installed (dev dependency); dashboard page not built');
  process.exit(0);
}

const common = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  logLevel: 'warning',
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
};

async function build() {
  const hash = inputsHash();
  const stamp = path.join(target, '.inputs-hash');
  if (!process.argv.includes('--force') && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) {
    console.log('build-web: dist/web is up to date');
    return;
  }
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'graphiql'), { recursive: true });
  const started = Date.now();
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { app: path.join(root, 'web/src/main.ts') },
      outdir: out,
      format: 'iife',
    }),
    esbuild.build({
      ...common,
      entryPoints: { graphiql: path.join(root, 'web/src/graphiql/main.tsx') },
      // Maps only for our own code: GraphiQL's and Monaco's would be ~25 MB.
      sourcemap: false,
      outdir: path.join(out, 'graphiql'),
      format: 'esm',
      jsx: 'automatic',
      loader: { '.ttf': 'file' },
      assetNames: '[name]-[hash]',
    }),
    // The embeddable usage widget (docs/embed.md): one small IIFE, no map (it runs on portals' pages).
    esbuild.build({
      ...common,
      entryPoints: { widget: path.join(root, 'web/src/embed/widget.ts') },
      outdir: path.join(out, 'embed'),
      format: 'iife',
      sourcemap: false,
    }),
    esbuild.build({
      ...common,
      entryPoints: {
        'editor.worker': require.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
        'json.worker': require.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
        'graphql.worker': require.resolve('monaco-graphql/esm/graphql.worker.js'),
      },
      outdir: path.join(out, 'graphiql'),
      format: 'iife',
      sourcemap: false,
    }),
  ]);
  for (const [from, to] of [
    ['web/public/index.html', 'index.html'],
    ['web/public/graphiql.html', 'graphiql/index.html'],
  ]) {
    fs.copyFileSync(path.join(root, from), path.join(out, to));
  }
  fs.writeFileSync(path.join(out, '.inputs-hash'), hash);
  const old = path.join(root, 'dist', `web.old-${process.pid}`);
  if (fs.existsSync(target)) fs.renameSync(target, old);
  fs.renameSync(out, target);
  fs.rmSync(old, { recursive: true, force: true });
  console.log(`build-web: dist/web built in ${Date.now() - started} ms`);
}

build().catch((err) => {
  fs.rmSync(out, { recursive: true, force: true });
  console.error(err);
  process.exit(1);
});
