#!/usr/bin/env node
/*
 * Downloads the COUNTER-Robots list and Make Data Count's machine list again
 * into data/agents/ (see data/agents/SOURCE.md). Needs network access to
 * GitHub; afterwards update the version column of SOURCE.md and run
 * `usage-gateway recount` so stored events are classified again.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(__dirname, '..', 'data', 'agents');
const sources = [
  ['COUNTER_Robots_list.json', 'https://raw.githubusercontent.com/atmire/COUNTER-Robots/master/COUNTER_Robots_list.json'],
  ['mdc-machine.txt', 'https://raw.githubusercontent.com/CDLUC3/Make-Data-Count/master/user-agents/lists/machine.txt'],
];

(async () => {
  for (const [file, url] of sources) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const text = await res.text();
    if (file.endsWith('.json')) {
      const list = JSON.parse(text);
      if (!Array.isArray(list) || !list.every((p) => typeof p.pattern === 'string')) throw new Error(`${url}: not a pattern list`);
      for (const p of list) new RegExp(p.pattern, 'i');
    }
    fs.writeFileSync(path.join(dir, file), text);
    console.log(`${file}: ${text.length} bytes from ${url}`);
  }
})().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
