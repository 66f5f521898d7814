// One compliance suite over the registry, as the Collector generates per component: every
// registered component has the uniform folder, a README whose configuration table and example are
// generated from its schema and its testdata config, a testdata config that loads, and the
// lifecycle contract of component.ts (shutdown works without start, twice, and by its deadline).
// Processors must also mean UNCHANGED: a processor that edits in place and says UNCHANGED would
// export the original bytes.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTraceRequest } from '@org/otlp';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { readReadmeSection } from '../../../scripts/readme-section.ts';
import { traceRequestBytes } from '../test-support/spans.ts';
import type { Downstream, Lifecycle, Processor, Settings } from './component.ts';
import { IMMEDIATE, UNCHANGED } from './component.ts';
import {
  KINDS,
  configTable,
  exampleSection,
  registeredComponents,
} from './config/component-docs.ts';
import { parseConfig } from './config/load.ts';
import { MemoryGuard } from './memory/guard.ts';
import type { Batch, Signal } from './signal.ts';
import { batchOf, codecs, contextOf } from './signal.ts';
import { GatewayMetrics } from './telemetry/metrics.ts';

const ENV = {
  TEAM_A_TOKEN: 'team-a-token-0123456789',
  COLLECTOR_URL: 'http://127.0.0.1:9',
  COLLECTOR_TOKEN: 'collector-token',
  COLLECTOR_GRPC: '127.0.0.1:9',
  FILE_PATH: join(mkdtempSync(join(tmpdir(), 'compliance-')), 'otlp.jsonl'),
  RAW_URL: 'http://127.0.0.1:9',
  COPY_URL: 'http://127.0.0.1:9',
  ACME_TOKEN: 'acme-token-0123456789',
  BETA_TOKEN: 'beta-token-0123456789',
  ACME_URL: 'http://127.0.0.1:9',
  SHARED_URL: 'http://127.0.0.1:9',
  ERRORS_URL: 'http://127.0.0.1:9',
};

// What the testdata configs take from the environment when components are created.
Object.assign(process.env, {
  DEPLOY_ENV: 'test',
  ENRICH_HASH_KEY: 'compliance-hash-key',
  REDACT_HASH_KEY: 'compliance-hash-key',
});

const settings = (id: string): Settings => ({
  id,
  logger: pino({ level: 'silent' }),
  metrics: new GatewayMetrics({ processMetrics: false }),
  memory: new MemoryGuard(512, 768),
});

const idle = { precheck: () => undefined, accept: () => undefined };

/** A fresh instance of the component, configured from its testdata config. */
function instance(kind: keyof typeof KINDS, type: string, dir: string): Lifecycle {
  const path = join(dir, 'testdata', 'config.yaml');
  const config = parseConfig(readFileSync(path, 'utf8'), path, ENV);
  const configs = {
    receiver: config.receiverConfigs,
    processor: config.processorConfigs,
    exporter: config.exporterConfigs,
    connector: config.connectorConfigs,
  }[kind];
  const own = configs.get(type);
  if (!own) throw new Error(`${path} has no ${kind} with the id ${type}`);
  switch (kind) {
    case 'receiver':
      return KINDS.receiver.get(type)!.create(settings(type), own.config, idle);
    case 'processor':
      return KINDS.processor.get(type)!.create(settings(type), own.config);
    case 'exporter':
      return KINDS.exporter.get(type)!.create(settings(type), own.config);
    case 'connector': {
      // Idle stand-ins for the pipelines that receive from the connector.
      const downstream = new Map<string, Downstream>(
        Object.entries(config.service.pipelines)
          .filter(([, pipeline]) => pipeline.receivers.includes(type))
          .map(([id]) => [
            id,
            {
              id,
              signal: id.split('/')[0] as Signal,
              mutates: false,
              saturated: () => false,
              route: () => undefined,
            },
          ]),
      );
      return KINDS.connector.get(type)!.create(settings(type), own.config, downstream);
    }
  }
}

/** Resolves with how long `promise` took, failing past `ms`. */
async function within(ms: number, promise: Promise<unknown>): Promise<void> {
  const timer = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`not done in ${ms} ms`)), ms),
  );
  await Promise.race([promise, timer]);
}

/**
 * Runs a processor on a copy of `batch`; when it answers UNCHANGED, the request must still encode
 * to the bytes it arrived in. Returns what the processor answered.
 */
function checkUnchanged(processor: Processor, batch: Batch): ReturnType<Processor['process']> {
  const before = batch.wire ?? codecs[batch.signal].encode(batch.request as never);
  const out = processor.process(batch, batch.context, IMMEDIATE);
  if (out === UNCHANGED) {
    const after = codecs[batch.signal].encode(batch.request as never);
    if (Buffer.compare(Buffer.from(before), Buffer.from(after)) !== 0)
      throw new Error('answered UNCHANGED but changed the batch');
  }
  return out;
}

const sample = (): Batch => {
  const wire = traceRequestBytes(['a', 'b']);
  const batch = batchOf('traces', decodeTraceRequest(wire), contextOf('otlp_http'));
  batch.wire = wire;
  return batch;
};

describe.each(registeredComponents())('$kind $type', ({ kind, type, dir, schema }) => {
  it('has the uniform folder: config, factory, implementation, testdata, README', () => {
    for (const file of [
      'config.ts',
      'factory.ts',
      `${kind}.ts`,
      'testdata/config.yaml',
      'README.md',
    ])
      expect([file, existsSync(join(dir, file))]).toEqual([file, true]);
  });

  it('documents its config and example as generated (regenerate: pnpm --filter @org/otel-gateway schema)', () => {
    const readme = join(dir, 'README.md');
    expect(readReadmeSection(readme, 'config')).toBe(configTable(schema));
    const yaml = readFileSync(join(dir, 'testdata', 'config.yaml'), 'utf8');
    expect(readReadmeSection(readme, 'example')).toBe(exampleSection(yaml));
  });

  it('keeps the lifecycle contract: shutdown without start, twice, and by its deadline', async () => {
    const unstarted = instance(kind, type, dir);
    await within(1000, unstarted.shutdown(AbortSignal.timeout(500)));
    await within(1000, unstarted.shutdown(AbortSignal.timeout(500)));
    const started = instance(kind, type, dir);
    await started.start();
    await within(3000, started.shutdown(AbortSignal.timeout(1000)));
    await within(1000, started.shutdown(AbortSignal.timeout(500)));
  });

  it.runIf(kind === 'processor')('means UNCHANGED: the batch still encodes as it arrived', () => {
    const processor = instance(kind, type, dir) as Processor;
    checkUnchanged(processor, sample());
  });
});

describe('the UNCHANGED check', () => {
  const lifecycle = { start: () => Promise.resolve(), shutdown: () => Promise.resolve() };

  it('catches a processor that edits in place and answers UNCHANGED', () => {
    const lying: Processor = {
      ...lifecycle,
      process: (batch) => {
        if (batch.signal === 'traces')
          batch.request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name = 'x';
        return UNCHANGED;
      },
    };
    expect(() => checkUnchanged(lying, sample())).toThrow(
      'answered UNCHANGED but changed the batch',
    );
  });

  it('passes a processor that changes nothing, and one that returns what it changed', () => {
    expect(checkUnchanged({ ...lifecycle, process: () => UNCHANGED }, sample())).toBe(UNCHANGED);
    const renaming: Processor = {
      ...lifecycle,
      process: (batch) => {
        if (batch.signal === 'traces')
          batch.request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name = 'x';
        return batch;
      },
    };
    expect(checkUnchanged(renaming, sample())).not.toBe(UNCHANGED);
  });
});
