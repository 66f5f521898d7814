// What the gateway benchmarks share: separate processes for the system under test, the sink and
// the load (this process), CPU read from /proc, and rounds that count only when the sink holds
// every span acknowledged in them.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Pool } from 'undici';

export const here = import.meta.dirname;
const CLK_TCK = 100; // Linux USER_HZ
export const CONCURRENCY = 16;
const ROUND_LIMIT_MS = 120_000;

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** A node process (`args` after node's own), or any program with `command`. */
export function run(args: string[], cwd = here, command = process.execPath): ChildProcess {
  return spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function waitListening(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/`, { method: 'GET' }).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Spans the sink has received so far. */
export async function sinkSpans(port: number): Promise<number> {
  return Number(await (await fetch(`http://127.0.0.1:${port}/`)).text());
}

/** Waits (at most 30 s) until the sink holds `spans`; throws when it does not: a round counts only when everything acknowledged arrived. */
export async function delivered(port: number, spans: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const received = await sinkSpans(port);
    if (received >= spans) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `the sink has ${await sinkSpans(port)} of ${spans} acknowledged spans after 30 s`,
  );
}

/** Sends `requests` requests, the bodies in turn, with CONCURRENCY in flight; bounded in time. */
export async function load(
  port: number,
  bodies: readonly Uint8Array[],
  extraHeaders: Record<string, string>,
  requests: number,
): Promise<{ ok: number; wallMs: number }> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY });
  let next = 0;
  let ok = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < requests && performance.now() - started < ROUND_LIMIT_MS) {
      const body = bodies[next++ % bodies.length]!;
      const response = await pool.request({
        method: 'POST',
        path: '/v1/traces',
        headers: { 'content-type': 'application/x-protobuf', ...extraHeaders },
        body,
      });
      await response.body.dump();
      if (response.statusCode === 200) ok++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const wallMs = performance.now() - started;
  await pool.close();
  return { ok, wallMs };
}

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
