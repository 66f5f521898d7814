// The README's main job: `make demo` runs the sample service under the preload with traffic and
// a live summary, and Ctrl-C (SIGINT to the whole foreground process group, as a terminal sends
// it) stops everything it started and exits 0.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/stack.ts';

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('demo', () => {
  it('serves traffic, prints a live summary and stops cleanly on Ctrl-C', async () => {
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

    const deadline = Date.now() + 60_000;
    while (!/\[demo\] sent \d+/.test(output) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(output).toMatch(
      /demo-shop on http:\/\/127\.0\.0\.1:8080, started with node --require @org\/otel-preload/,
    );
    expect(output).toMatch(
      /\[demo\] sent \d+ \(.*200:\d+.*\) p50 [\d.]+ ms p95 [\d.]+ ms \| jaeger traces \d+/,
    );
    expect(await portOpen(8080)).toBe(true);
    expect(await portOpen(4318)).toBe(true);

    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('[demo] stopped cleanly');
    expect(await portOpen(8080)).toBe(false);
    expect(await portOpen(4318)).toBe(false);
  });
});
