// The load generator, a process of its own:
//   node bench/load.ts WARMUP_MS SLICE_MS SLICES MAX_REQUESTS PORT...
// Keeps CONNECTIONS keep-alive connections busy with GET / against one server at a time. Each
// server is first warmed up for WARMUP_MS (not counted); then SLICES slices of SLICE_MS go to the
// servers in turn, so every server is measured across the same stretch of time and a machine
// that speeds up or slows down affects them all alike. Stops early once MAX_REQUESTS have been
// sent. Slices go round the servers in alternating directions (A B C C B A …), so that no server
// always follows the same one. Prints, as a JSON array in PORT order, one
// {"ok":N,"failed":N,"ms":N,"warmup":{"ok":N,"failed":N}} per port.
import { Pool } from 'undici';

const CONNECTIONS = 32;
const args = process.argv.slice(2).map(Number);
const [warmupMs, sliceMs, slices, maxRequests] = args as [number, number, number, number];
const ports = args.slice(4);
if (ports.length === 0 || args.some((value) => !Number.isFinite(value) || value < 0)) {
  process.stderr.write('usage: load.ts WARMUP_MS SLICE_MS SLICES MAX_REQUESTS PORT...\n');
  process.exit(2);
}

const pools = ports.map(
  (port) => new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS, pipelining: 1 }),
);
interface Counts {
  ok: number;
  failed: number;
  ms: number;
}
const counts = () => ({ ok: 0, failed: 0, ms: 0 });
const totals = ports.map(counts);
const warmups = ports.map(counts);
let sent = 0;

/** Loads one server for `ms` (or until the request budget is spent); counts into `into`. */
async function drive(pool: Pool, ms: number, into: Counts) {
  const started = performance.now();
  const worker = async () => {
    while (sent < maxRequests && performance.now() - started < ms) {
      sent++;
      try {
        const response = await pool.request({ method: 'GET', path: '/' });
        await response.body.dump();
        if (response.statusCode === 200) into.ok++;
        else into.failed++;
      } catch {
        into.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  // The slice ends when its last request has been answered: the drain counts as the slice's.
  into.ms += performance.now() - started;
}

for (let i = 0; i < pools.length; i++) await drive(pools[i]!, warmupMs, warmups[i]!);
for (let slice = 0; slice < slices && sent < maxRequests; slice++) {
  const turn = slice % pools.length;
  const i = Math.floor(slice / pools.length) % 2 === 0 ? turn : pools.length - 1 - turn;
  await drive(pools[i]!, sliceMs, totals[i]!);
}
await Promise.all(pools.map((pool) => pool.close()));
const report = totals.map(({ ok, failed, ms }, i) => ({
  ok,
  failed,
  ms,
  warmup: { ok: warmups[i]!.ok, failed: warmups[i]!.failed },
}));
process.stdout.write(`${JSON.stringify(report)}\n`);
