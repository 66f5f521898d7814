// Runs the built `otel-gateway` CLI as a child process, as users run it, for the tests.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');

export interface GatewayProcess {
  child: ChildProcess;
  /** Base URL of the OTLP/HTTP receiver (https:// when it serves TLS). */
  otlpUrl: string;
  /** host:port of the OTLP/gRPC receiver, when configured. */
  grpcAddress: string | undefined;
  adminUrl: string;
  dir: string;
  configPath: string;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the gateway with `yaml` (use port 0 for listeners) and waits until it serves. */
export async function startGateway(
  yaml: string,
  env: Record<string, string> = {},
  extraArgs: string[] = [],
): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-test-'));
  const configPath = join(dir, 'gateway.yaml');
  writeFileSync(configPath, yaml);
  const child = spawn(process.execPath, [cli, '--config', configPath, ...extraArgs], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const listening = (message: string) => {
    for (const line of output.split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; endpoint?: string; tls?: boolean };
      if (entry.msg === message) return entry;
    }
    return undefined;
  };
  const endpoint = (message: string) => listening(message)?.endpoint;
  const deadline = Date.now() + 15_000;
  while (!output.includes('"gateway started"')) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`gateway did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    otlpUrl: `${listening('OTLP/HTTP receiver listening')?.tls ? 'https' : 'http'}://${endpoint('OTLP/HTTP receiver listening')}`,
    grpcAddress: endpoint('OTLP/gRPC receiver listening'),
    adminUrl: `http://${endpoint('admin server listening')}`,
    dir,
    configPath,
    output: () => output,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
