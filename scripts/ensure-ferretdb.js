#!/usr/bin/env node
/*
 * Builds the embedded database launcher (tools/ferretdb-launcher, a small Go
 * main around FerretDB's embeddable package) into .tools/bin/ when it is
 * missing or its sources changed. Runs from `npm install` (postinstall) and
 * before `npm test`.
 *
 * FerretDB is built patched: the module the Go proxy serves is copied to
 * .tools/ferretdb-src, tools/ferretdb-launcher/*.patch are applied, and the
 * launcher's go.mod points there with a `replace` directive (see
 * docs/ferretdb.md, "Indexes that work").
 *
 * Without Go it prints how to use MONGODB_URI instead; it fails only with
 * --required and no MONGODB_URI set.
 */
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'tools', 'ferretdb-launcher');
const binDir = path.join(root, '.tools', 'bin');
const bin = path.join(binDir, 'ferretdb-launcher');
const stamp = bin + '.sources';
const required = process.argv.includes('--required');
const ferretModule = 'github.com/FerretDB/FerretDB';
const ferretVersion = 'v1.24.0';
const patchedSrc = path.join(root, '.tools', 'ferretdb-src');
const patches = fs
  .readdirSync(src)
  .filter((f) => f.endsWith('.patch'))
  .sort();

function sourcesHash() {
  const h = crypto.createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go', ...patches]) h.update(fs.readFileSync(path.join(src, f)));
  return h.digest('hex');
}

const hash = sourcesHash();
if (fs.existsSync(bin) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) {
  process.exit(0);
}

const go = spawnSync('go', ['version'], { encoding: 'utf8' });
if (go.error || go.status !== 0) {
  const msg =
    'usage-gateway: Go is not installed, so the embedded database (FerretDB) cannot be built.\n' +
    '  Either install Go >= 1.22 and run `node scripts/ensure-ferretdb.js`,\n' +
    '  or point the gateway at your own MongoDB: MONGODB_URI=mongodb://host:27017 npm start';
  if (required && !process.env.MONGODB_URI) {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg);
  process.exit(0);
}

console.log(`usage-gateway: building the embedded database launcher (${go.stdout.trim()}) ...`);
fs.mkdirSync(binDir, { recursive: true });

/** Copies the pristine FerretDB module to .tools/ferretdb-src and patches it. */
function preparePatchedFerretDB() {
  // Outside the launcher's module, so its `replace` does not hide the module.
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${ferretModule}@${ferretVersion}`], {
      cwd: require('node:os').tmpdir(),
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
    }),
  );
  if (!info.Dir) throw new Error(`go mod download gave no directory: ${JSON.stringify(info)}`);
  fs.rmSync(patchedSrc, { recursive: true, force: true });
  fs.cpSync(info.Dir, patchedSrc, { recursive: true });
  // The module cache is read-only; the copy must be writable to be patched.
  execFileSync('chmod', ['-R', 'u+w', patchedSrc]);
  for (const p of patches) {
    execFileSync('patch', ['-p1', '--forward', '--quiet', '-d', patchedSrc, '-i', path.join(src, p)], { stdio: 'inherit' });
    console.log(`usage-gateway: applied ${p} to FerretDB ${ferretVersion}`);
  }
}

try {
  preparePatchedFerretDB();
  execFileSync('go', ['build', '-trimpath', '-o', bin, '.'], {
    cwd: src,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
  });
} catch (err) {
  console.error('usage-gateway: building the FerretDB launcher failed; set MONGODB_URI to use your own MongoDB.');
  process.exit(required ? 1 : 0);
}
fs.writeFileSync(stamp, hash);
console.log(`usage-gateway: embedded database launcher ready at ${path.relative(root, bin)}`);
