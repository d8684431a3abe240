#!/usr/bin/env node
/*
 * Builds the embedded database launcher (tools/ferretdb-launcher, a small Go
 * main around FerretDB's embeddable package) into .tools/bin/ when it is
 * missing or its sources changed. Runs from `npm install` (postinstall) and
 * before `npm test`.
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

function sourcesHash() {
  const h = crypto.createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) h.update(fs.readFileSync(path.join(src, f)));
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
try {
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
