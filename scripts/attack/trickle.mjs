// node trickle.mjs <port> <addresses> <perAddress> <watchSeconds>
// Attack probe of docs/security.md ("Slow and many connections"); sources from 127.0.x.y (Linux loopback).
import net from 'node:net';
const [port, addrs, per, watch] = process.argv.slice(2).map(Number);
const socks = [];
let closed = 0, got408 = 0, refused = 0, connected = 0;
for (let a = 0; a < addrs; a++) {
  for (let i = 0; i < per; i++) {
    const s = net.connect({ port, host: '127.0.0.1', localAddress: `127.0.${1 + Math.floor(a / 250)}.${2 + (a % 250)}` });
    s.on('connect', () => { connected++; s.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"q`); });
    let buf = '';
    s.on('data', (d) => { buf += d; if (buf.startsWith('HTTP/1.1 408')) got408++; });
    s.on('error', () => {});
    s.on('close', () => { closed++; if (!buf) refused++; });
    socks.push(s);
  }
}
const t0 = Date.now();
const normal = async () => {
  const t = Date.now();
  try {
    const r = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}', signal: AbortSignal.timeout(10000) });
    return `${r.status} in ${Date.now() - t} ms`;
  } catch (e) { return `failed: ${e.cause?.code ?? e.name} after ${Date.now() - t} ms`; }
};
for (let s = 0; s <= watch; s += 5) {
  await new Promise((r) => setTimeout(r, s === 0 ? 2000 : 5000));
  console.log(`t=${Math.round((Date.now() - t0) / 1000)}s connected=${connected} closed=${closed} (408: ${got408}, closed without answer: ${refused}) still open=${socks.length - closed}; normal client: ${await normal()}`);
}
for (const s of socks) s.destroy();
