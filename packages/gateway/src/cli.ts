#!/usr/bin/env node
// otel-gateway [--config FILE] [--watch-config]   run (no config: the embedded default);
//                                            SIGHUP (or, with --watch-config, saving FILE) reloads
// otel-gateway validate --config FILE        list every problem in FILE; exit 1 if any
// otel-gateway print-config [--config FILE]  the effective config with defaults, secrets redacted
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { FileChanges } from './config/file-changes.ts';
import { ConfigError, loadConfig } from './config/load.ts';
import type { ResolvedConfig } from './config/schema.ts';
import { Service } from './service.ts';

const USAGE = 'usage: otel-gateway [run|validate|print-config] [--config FILE] [--watch-config]';

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      'watch-config': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  return {
    command: positionals[0] ?? 'run',
    config: values.config,
    watch: values['watch-config'] === true,
    help: values.help === true,
    extra: positionals.slice(1),
  };
}

/** Header values and anything named like a secret never leave the process. */
function redacted(config: ResolvedConfig): unknown {
  const walk = (value: unknown, key: string): unknown => {
    if (
      /^(headers|password|token|api_key|authorization)$/i.test(key) &&
      value &&
      typeof value === 'object'
    ) {
      return Object.fromEntries(Object.keys(value).map((k) => [k, '[REDACTED]']));
    }
    if (/password|secret|token|api_key/i.test(key) && typeof value === 'string')
      return '[REDACTED]';
    if (Array.isArray(value)) return value.map((v) => walk(v, ''));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  const plain = {
    receivers: Object.fromEntries([...config.receiverConfigs].map(([id, c]) => [id, c.config])),
    exporters: Object.fromEntries([...config.exporterConfigs].map(([id, c]) => [id, c.config])),
    service: config.service,
  };
  return walk(plain, '');
}

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`otel-gateway: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!['run', 'validate', 'print-config'].includes(args.command) || args.extra.length > 0) {
    process.stderr.write(
      `otel-gateway: unknown command "${[args.command, ...args.extra].join(' ')}"\n${USAGE}\n`,
    );
    return 2;
  }
  if (args.command === 'validate' && args.config === undefined) {
    process.stderr.write(`otel-gateway validate: --config FILE is required\n`);
    return 2;
  }

  // made before the first read, so an edit made while the gateway starts is not missed
  const changes =
    args.command === 'run' && args.watch && args.config !== undefined
      ? new FileChanges(args.config)
      : undefined;
  let config: ResolvedConfig;
  try {
    config = loadConfig(args.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`otel-gateway: invalid config ${error.message}\n`);
    return 1;
  }
  if (args.command === 'validate') {
    process.stdout.write(`${args.config}: valid\n`);
    return 0;
  }
  if (args.command === 'print-config') {
    process.stdout.write(stringify(redacted(config)));
    return 0;
  }

  const logger = pino({ level: config.service.log_level, base: { service: 'otel-gateway' } });
  const service = new Service(config, logger);
  try {
    await service.start();
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    await service.shutdown(1000);
    return 1;
  }
  logger.info({ config: args.config ?? '(embedded default)' }, 'gateway started');

  // Reloads are serialized; a config that fails to load or start leaves the running one in place.
  let reloading = Promise.resolve();
  const reload = (reason: string) => {
    reloading = reloading.then(async () => {
      if (args.config === undefined)
        return logger.warn({ reason }, 'no --config file: nothing to reload');
      let next: ResolvedConfig;
      try {
        next = loadConfig(args.config);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return logger.error(
          { reason, problems: error.problems },
          `reload rejected, keeping the running config: ${error.message}`,
        );
      }
      try {
        await service.reload(next);
      } catch (error) {
        logger.error({ reason, err: error }, 'reload failed, keeping the running config');
      }
    });
  };
  process.on('SIGHUP', () => reload('SIGHUP'));
  changes?.start(500, () => reload('file changed'));
  return new Promise<number>((resolve) => {
    let stopping = false;
    // The first SIGTERM/SIGINT starts the drain; later ones (a terminal's Ctrl-C reaching the
    // whole process group, then a supervisor's SIGTERM) are ignored: the drain is bounded by
    // shutdown_timeout_ms anyway.
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: draining queues');
      changes?.stop();
      service.shutdown().then(
        () => {
          logger.info('stopped');
          resolve(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`otel-gateway: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
