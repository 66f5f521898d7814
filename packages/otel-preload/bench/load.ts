// The load generator, a process of its own: `node bench/load.ts PORT DURATION_MS MAX_REQUESTS`.
// Keeps CONNECTIONS keep-alive connections busy with GET / until the time or the count runs out,
// then prints {"ok":N,"failed":N,"ms":N}.
import { Pool } from 'undici';

const CONNECTIONS = 32;
const [port, durationMs, maxRequests] = process.argv.slice(2).map(Number) as [
  number,
  number,
  number,
];
const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS, pipelining: 1 });
let sent = 0;
let ok = 0;
let failed = 0;
const started = performance.now();
const worker = async () => {
  while (sent < maxRequests && performance.now() - started < durationMs) {
    sent++;
    try {
      const response = await pool.request({ method: 'GET', path: '/' });
      await response.body.dump();
      if (response.statusCode === 200) ok++;
      else failed++;
    } catch {
      failed++;
    }
  }
};
await Promise.all(Array.from({ length: CONNECTIONS }, worker));
const ms = performance.now() - started;
await pool.close();
process.stdout.write(`${JSON.stringify({ ok, failed, ms })}\n`);
