// Gateway throughput benchmark: spans per second through a no-op pipeline (OTLP/HTTP protobuf
// in, OTLP/HTTP out to a sink) and CPU-seconds per million spans, beside a pass-through proxy
// that forwards bodies without decoding (the floor), measured in the same run, alternating.
// Every process is separate: load generator (this one), system under test, sink.
//
//   node bench/run.ts            print the table
//   node bench/run.ts --write    also write it into README.md between the bench markers
// GATEWAY_BENCH_PROFILE=DIR writes a V8 CPU profile of the gateway there; GATEWAY_BENCH_NODE_FLAGS
// passes flags to the gateway's node (e.g. --max-semi-space-size=32).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyValue, Span } from '@org/otlp';
import { encodeTraceRequest, spanOf } from '@org/otlp';
import { writeReadmeSection } from '../../../scripts/readme-section.ts';
import {
  CONCURRENCY,
  cpuSeconds,
  delivered,
  freePort,
  here,
  load,
  median,
  run,
  sinkSpans,
  waitListening,
} from './harness.ts';

const SPANS_PER_REQUEST = 200;
const REQUESTS_PER_ROUND = 1500;
const ROUNDS = 3;

/** 200 spans × 10 attributes, the same shape as the codec benchmark's fixture. */
function fixture(): Uint8Array {
  const spans: Span[] = [];
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    const attributes: KeyValue[] = [];
    for (let a = 0; a < 10; a++) {
      attributes.push({
        key: `attr.${a}`,
        value: a % 2 ? { stringValue: `value-${i}-${a}` } : { intValue: BigInt(i * 100 + a) },
      });
    }
    spans.push(
      spanOf({
        traceId: Uint8Array.from({ length: 16 }, (_, j) => (j + i) % 255 || 1),
        spanId: Uint8Array.from({ length: 8 }, (_, j) => (j + i) % 255 || 1),
        flags: 0x101,
        name: `GET /inventory/${i % 7}`,
        kind: 2,
        startTimeUnixNano: 1_795_000_000_000_000_000n + BigInt(i),
        endTimeUnixNano: 1_795_000_000_005_000_000n + BigInt(i),
        attributes,
      }),
    );
  }
  const resource = {
    attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }],
    droppedAttributesCount: 0,
    entityRefs: [],
  };
  return encodeTraceRequest({
    resourceSpans: [
      { resource, schemaUrl: '', scopeSpans: [{ scope: undefined, schemaUrl: '', spans }] },
    ],
  });
}

interface Result {
  spansPerSecond: number;
  cpuPerMillion: number;
}

type Target = 'proxy' | 'gateway' | 'gateway-rewrite';

/** The rewriting variant stamps tenant.id on every resource (receiver auth), so it re-encodes. */
const AUTH = { authorization: 'Bearer bench-token-0123456789' };

async function measure(target: Target, sinkPort: number, body: Uint8Array): Promise<Result> {
  const port = await freePort();
  let child: ChildProcess;
  if (target === 'proxy') child = run(['proxy.ts', String(port), `http://127.0.0.1:${sinkPort}`]);
  else {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-bench-'));
    writeFileSync(
      join(dir, 'gateway.yaml'),
      `receivers:
  otlp_http:
    endpoint: 127.0.0.1:${port}
${target === 'gateway-rewrite' ? '    auth: { tenants: { bench: { bearer_token: bench-token-0123456789 } } }\n' : ''}exporters:
  otlp_http:
    endpoint: http://127.0.0.1:${sinkPort}
    compression: none
    sending_queue: { capacity: 2000, consumers: 16 }
service:
  admin: { endpoint: 127.0.0.1:0 }
  log_level: warn
  memory: { soft_limit_mib: 1024, hard_limit_mib: 1536 }
  pipelines:
    traces: { receivers: [otlp_http], exporters: [otlp_http] }
`,
    );
    const profile = process.env.GATEWAY_BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GATEWAY_BENCH_PROFILE}`]
      : [];
    const v8 = process.env.GATEWAY_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    child = run(
      [
        ...v8,
        ...profile,
        join(here, '..', 'dist', 'cli.js'),
        '--config',
        join(dir, 'gateway.yaml'),
      ],
      dir,
    );
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let ok: number;
  let wallMs: number;
  let cpu: number;
  try {
    await waitListening(port);
    const headers = target === 'gateway-rewrite' ? AUTH : {};
    const start = await sinkSpans(sinkPort);
    const warm = await load(port, [body], headers, REQUESTS_PER_ROUND); // warm-up, delivered before measuring
    const before = start + warm.ok * SPANS_PER_REQUEST;
    await delivered(sinkPort, before);
    const cpuBefore = cpuSeconds(child.pid!);
    ({ ok, wallMs } = await load(port, [body], headers, REQUESTS_PER_ROUND));
    await delivered(sinkPort, before + ok * SPANS_PER_REQUEST);
    cpu = cpuSeconds(child.pid!) - cpuBefore;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  const spans = ok * SPANS_PER_REQUEST;
  return { spansPerSecond: (spans * 1000) / wallMs, cpuPerMillion: (cpu * 1e6) / spans };
}

const body = fixture();
const sinkPort = await freePort();
const sink = run(['sink.ts', String(sinkPort)]);
await waitListening(sinkPort);
const results: Record<Target, Result[]> = { proxy: [], gateway: [], 'gateway-rewrite': [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of ['proxy', 'gateway', 'gateway-rewrite'] as const) {
      const result = await measure(target, sinkPort, body);
      results[target].push(result);
      console.error(
        `${target} round ${round + 1}: ${Math.round(result.spansPerSecond)} spans/s, ${result.cpuPerMillion.toFixed(2)} CPU-s per million spans`,
      );
    }
  }
} finally {
  sink.kill('SIGTERM'); // also when a round fails, so no sink outlives the run
}

const row = (name: string, list: Result[]) =>
  `| ${name} | ${Math.round(median(list.map((r) => r.spansPerSecond))).toLocaleString('en-US')} | ${median(list.map((r) => r.cpuPerMillion)).toFixed(2)} |`;
const cpu = (target: Target) => median(results[target].map((r) => r.cpuPerMillion));
const px = cpu('proxy');
const table = [
  `Load: ${REQUESTS_PER_ROUND} OTLP/HTTP protobuf requests of ${SPANS_PER_REQUEST} spans × 10 attributes (${body.length} bytes) per round, ${CONCURRENCY} in flight, from a separate process; a separate sink answers 200 at once. Median of ${ROUNDS} alternating rounds. Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.versions.node}.`,
  '',
  '| system under test | spans/s | CPU-seconds per million spans |',
  '| --- | ---: | ---: |',
  row(
    'otel-gateway, no-op pipeline (decode, validate, batch, forward the received bytes)',
    results.gateway,
  ),
  row(
    'otel-gateway, every request changed (tenant.id stamped by receiver auth → re-encode)',
    results['gateway-rewrite'],
  ),
  row('pass-through proxy, no decode (floor)', results.proxy),
  '',
  `CPU per span against the proxy: ${(cpu('gateway') / px).toFixed(2)}× for the no-op pipeline, ${(cpu('gateway-rewrite') / px).toFixed(2)}× when every request is changed and re-encoded.`,
].join('\n');
console.log(table);

if (process.argv.includes('--write')) {
  writeReadmeSection(join(here, '..', 'README.md'), 'bench', table);
}
