/**
 * Issue 16, item 3: hostile connections cannot stall the server. Slow bodies
 * and slow headers are answered 408 and closed; one address cannot hold more
 * than MAX_CONNECTIONS_PER_IP connections. Sockets come from other loopback
 * addresses (127.0.0.x) so that they count as other clients.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { startTestGateway, type TestGateway } from '../support/test-gateway';

interface RawSocket {
  socket: net.Socket;
  /** Everything the server wrote. */
  received: () => string;
  /** Resolves when the server (or the network) closed the socket. */
  closed: Promise<void>;
}

/** A TCP connection to the gateway from `localAddress`, with `payload` written once connected. */
function open(port: number, localAddress: string, payload = ''): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('data', (d) => (data += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      if (payload) socket.write(payload);
      resolve({ socket, received: () => data, closed });
    });
    socket.once('error', reject);
  });
}

const TRICKLE = 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"q';

const typename = (t: TestGateway) =>
  fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });

function bodyOf(raw: string): { errors: { extensions: { code: string } }[] } {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as never;
}

describe('slow clients: a read deadline for headers and bodies', () => {
  let t: TestGateway;
  let port: number;
  beforeAll(async () => {
    t = await startTestGateway({ env: { BODY_READ_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '1500', MAX_CONNECTIONS_PER_IP: '20' } });
    port = t.gw.port;
  });
  afterAll(() => t.stop());

  it('answers body tricklers 408 REQUEST_READ_TIMEOUT and closes them, serving others meanwhile', async () => {
    const tricklers = await Promise.all(Array.from({ length: 20 }, () => open(port, '127.0.0.2', TRICKLE)));
    // Served while the tricklers hold their connections.
    expect((await typename(t)).status).toBe(200);
    await Promise.all(tricklers.map((s) => s.closed));
    for (const s of tricklers) {
      expect(s.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(bodyOf(s.received()).errors[0].extensions.code).toBe('REQUEST_READ_TIMEOUT');
    }
  }, 60_000);

  it('answers header tricklers 408 REQUEST_READ_TIMEOUT and closes them', async () => {
    const s = await open(port, '127.0.0.3', 'POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    await s.closed;
    expect(s.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(s.received()).errors[0].extensions.code).toBe('REQUEST_READ_TIMEOUT');
  }, 60_000);

  it('serves a body sent in two parts within the deadline', async () => {
    const query = JSON.stringify({ query: '{ __typename }' });
    const s = await open(port, '127.0.0.4', `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${query.length}\r\nConnection: close\r\n\r\n${query.slice(0, 5)}`);
    s.socket.write(query.slice(5));
    await s.closed;
    expect(s.received()).toMatch(/^HTTP\/1\.1 200 /);
  }, 60_000);
});

describe('connections per address: capped per IP and in total', () => {
  let t: TestGateway;
  let port: number;
  beforeAll(async () => {
    t = await startTestGateway({ env: { MAX_CONNECTIONS_PER_IP: '8' } });
    port = t.gw.port;
  });
  afterAll(() => t.stop());

  const get = (from: string) =>
    open(port, from, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n').then(async (s) => {
      await s.closed;
      return s.received();
    });

  it('closes connections beyond MAX_CONNECTIONS_PER_IP at once, and not other addresses', async () => {
    // Eight idle connections from one address (they send nothing).
    const held = await Promise.all(Array.from({ length: 8 }, () => open(port, '127.0.0.5')));
    // The ninth is closed without an answer; another address is served.
    expect(await get('127.0.0.5')).toBe('');
    expect(await get('127.0.0.6')).toMatch(/^HTTP\/1\.1 200 /);
    // A slot freed is usable again (the server sees the close shortly after).
    held[0].socket.destroy();
    let answer = '';
    for (let i = 0; i < 50 && !answer; i++) {
      answer = await get('127.0.0.5');
      if (!answer) await new Promise((r) => setTimeout(r, 100));
    }
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    for (const s of held) s.socket.destroy();
  }, 60_000);

  it('takes the total cap from MAX_CONNECTIONS and Node timeouts from the configuration', () => {
    const server = t.gw.app.server;
    // Below the process's open-files limit, so the database and files keep descriptors.
    const nofile = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
    expect(server.maxConnections).toBe(Math.max(256, nofile - 512));
    expect(server.headersTimeout).toBe(20_000);
    expect(server.keepAliveTimeout).toBe(5_000);
    expect(server.requestTimeout).toBe(35_000);
  });
});
