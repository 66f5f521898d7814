// The README's main job: `make demo` runs the sample service under the preload with traffic and
// a live summary, and Ctrl-C (SIGINT to the whole foreground process group, as a terminal sends
// it) stops everything it started and exits 0.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFailed } from 'vitest';
import { getJson, repoRoot, stackEnv } from '../support/stack.ts';

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** The Jaeger trace count of each live summary line printed so far: digits, or `?` on an error. */
const jaegerCounts = (output: string) =>
  [
    ...output.matchAll(
      /\[demo\] sent \d+ \(.*200:\d+.*\) p50 [\d.]+ ms p95 [\d.]+ ms \| jaeger traces (\d+|\?)/g,
    ),
  ].map((match) => match[1]!);

describe('demo', () => {
  it('serves traffic, gets its traces into Jaeger, and stops cleanly on Ctrl-C', async () => {
    const startedUs = Date.now() * 1000;
    const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'demo.ts'), '--rps', '20'], {
      cwd: repoRoot,
      detached: true, // its own process group, like a terminal's foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    // A failed assertion must not leave the demo holding its ports for the next test file.
    onTestFailed(() => {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
    });

    // The summary comes every 5 s; the first ones may come before the preload's batch and the
    // Collector have delivered anything, so wait for one that counts a trace.
    const deadline = Date.now() + 75_000;
    while (!jaegerCounts(output).some((n) => Number(n) > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(output).toMatch(
      /demo-shop on http:\/\/127\.0\.0\.1:8080, started with node --require @org\/otel-preload/,
    );
    expect(jaegerCounts(output), output).toContainEqual(expect.stringMatching(/^[1-9]\d*$/));
    // The summary counts the last hour, so an earlier demo run could account for that trace:
    // Jaeger must also hold one that started after this test did.
    const since = await getJson<{ data: unknown[] | null }>(
      `${stackEnv().JAEGER_URL}/api/traces?service=demo-shop&start=${startedUs}&end=${Date.now() * 1000}&limit=20`,
    );
    expect(since.data?.length ?? 0).toBeGreaterThan(0);
    expect(await portOpen(8080)).toBe(true);
    expect(await portOpen(4318)).toBe(true);

    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('[demo] stopped cleanly');
    expect(await portOpen(8080)).toBe(false);
    expect(await portOpen(4318)).toBe(false);
  });
});
