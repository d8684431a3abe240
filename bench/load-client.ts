/*
 * The benchmark's load generator, run as a child process so the gateway's
 * Node CPU figures are the gateway's alone (real clients are portals on
 * other machines) and the two do not share one event loop.
 *
 * Talks over the IPC channel: receives the job { url, key, concurrency,
 * bodies } (each body one POSTed request, sent in order over `concurrency`
 * keep-alive connections), answers `ready`, starts on `go`, and sends
 * { ms, cpu, errors, firstError }.
 */
import http from 'node:http';

interface Job {
  url: string;
  key: string;
  concurrency: number;
  bodies: string[];
}

function nextMessage<T>(): Promise<T> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as T)));
}

async function main(): Promise<void> {
  const job = await nextMessage<Job>();
  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  let errors = 0;
  let firstError: string | null = null;
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${job.key}`, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200 || text.includes('"errors"')) {
              errors++;
              firstError ??= `${res.statusCode} ${text.slice(0, 300)}`;
            }
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  process.send!('ready');
  await nextMessage<'go'>();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.bodies.length) await post(job.bodies[next++]);
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  process.send!({ ms, cpu: (cpu.user + cpu.system) / 1e6, errors, firstError }, () => process.disconnect());
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
