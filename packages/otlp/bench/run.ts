// Codec benchmark: @org/otlp beside protobufjs decoding the same schema (bench/otlp.proto), in
// one process, on fixed SDK-produced fixtures. Reports items per second on one core and the
// ratio to protobufjs measured in the same run. Not a test: nothing here asserts a time.
//
//   node bench/run.ts            print the table
//   node bench/run.ts --write    also write it into README.md between the bench markers
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import protobuf from 'protobufjs';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  decodeTraceRequest,
  encodeLogsRequest,
  encodeMetricsRequest,
  encodeTraceRequest,
} from '../src/index.ts';
import { benchFixtures } from './fixtures.ts';
import { writeReadmeSection } from '../../../scripts/readme-section.ts';

const ROUNDS = 11;
const ROUND_MS = 250;

/** Runs `fn` repeatedly for about `ms` milliseconds; returns calls per second. */
function rate(fn: () => unknown, ms: number): number {
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 10; i++) fn();
    calls += 10;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Alternates the two implementations round by round so drift affects both alike. */
function compare(ours: () => unknown, theirs: () => unknown): { ours: number; theirs: number } {
  rate(ours, 300);
  rate(theirs, 300);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    a.push(rate(ours, ROUND_MS));
    b.push(rate(theirs, ROUND_MS));
  }
  return { ours: median(a), theirs: median(b) };
}

interface PbjsType {
  decode(bytes: Uint8Array): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}

const root = protobuf.parse(readFileSync(new URL('otlp.proto', import.meta.url), 'utf8')).root;
const pbjs = (name: string) => root.lookupType(`otlp.${name}`) as unknown as PbjsType;

type Node = Record<string, unknown>;
const kids = (node: Node, key: string): Node[] => (node[key] as Node[] | undefined) ?? [];

/** The nodes at the end of `path` (field names are the same in both codecs' objects). */
function walk(root: Node, path: string[]): Node[] {
  let level = [root];
  for (const key of path) level = level.flatMap((node) => kids(node, key));
  return level;
}

const dataPoints = (metric: Node): Node[] =>
  ['sum', 'histogram', 'gauge'].flatMap((kind) =>
    metric[kind] ? kids(metric[kind] as Node, 'dataPoints') : [],
  );

const fixtures = await benchFixtures();
const signals = [
  {
    name: 'traces',
    items: fixtures.spanCount,
    bytes: fixtures.traces,
    type: pbjs('ExportTraceServiceRequest'),
    decode: decodeTraceRequest as (b: Uint8Array) => unknown,
    encode: encodeTraceRequest as (r: unknown) => Uint8Array,
    top: 'resourceSpans',
    items_: (r: Node) => walk(r, ['resourceSpans', 'scopeSpans', 'spans']),
  },
  {
    name: 'metrics',
    items: fixtures.pointCount,
    bytes: fixtures.metrics,
    type: pbjs('ExportMetricsServiceRequest'),
    decode: decodeMetricsRequest as (b: Uint8Array) => unknown,
    encode: encodeMetricsRequest as (r: unknown) => Uint8Array,
    top: 'resourceMetrics',
    items_: (r: Node) =>
      walk(r, ['resourceMetrics', 'scopeMetrics', 'metrics']).flatMap(dataPoints),
  },
  {
    name: 'logs',
    items: fixtures.logCount,
    bytes: fixtures.logs,
    type: pbjs('ExportLogsServiceRequest'),
    decode: decodeLogsRequest as (b: Uint8Array) => unknown,
    encode: encodeLogsRequest as (r: unknown) => Uint8Array,
    top: 'resourceLogs',
    items_: (r: Node) => walk(r, ['resourceLogs', 'scopeLogs', 'logRecords']),
  },
];

const rows: string[] = [];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
for (const s of signals) {
  const decodedOurs = s.decode(s.bytes);
  const decodedTheirs = s.type.decode(s.bytes);
  const setResource = (r: Node) => {
    const [resource] = walk(r, [s.top]).map((container) => container.resource as Node);
    kids(resource!, 'attributes')[0]!.value = { stringValue: 'enriched' };
  };
  const setEach = (r: Node) => {
    for (const item of s.items_(r))
      kids(item, 'attributes')[0]!.value = { stringValue: '[REDACTED]' };
  };
  const ops: [string, () => unknown, () => unknown][] = [
    ['decode', () => s.decode(s.bytes), () => s.type.decode(s.bytes)],
    ['encode', () => s.encode(decodedOurs), () => s.type.encode(decodedTheirs).finish()],
    [
      'decode → set 1 resource attribute → encode',
      () => {
        const r = s.decode(s.bytes) as Node;
        setResource(r);
        return s.encode(r);
      },
      () => {
        const r = s.type.decode(s.bytes) as Node;
        setResource(r);
        return s.type.encode(r).finish();
      },
    ],
    [
      `decode → set 1 attribute on every item → encode`,
      () => {
        const r = s.decode(s.bytes) as Node;
        setEach(r);
        return s.encode(r);
      },
      () => {
        const r = s.type.decode(s.bytes) as Node;
        setEach(r);
        return s.type.encode(r).finish();
      },
    ],
  ];
  for (const [op, ours, theirs] of ops) {
    const result = compare(ours, theirs);
    rows.push(
      `| ${s.name} | ${op} | ${fmt(result.ours * s.items)} | ${fmt(result.theirs * s.items)} | **${(result.ours / result.theirs).toFixed(2)}×** |`,
    );
    console.error(rows.at(-1));
  }
}

const header = [
  `Fixtures: ${fixtures.spanCount} spans × 10 attributes (${fixtures.traces.length} bytes), ${fixtures.pointCount} metric data points (${fixtures.metrics.length} bytes), ${fixtures.logCount} log records (${fixtures.logs.length} bytes), all produced by the OpenTelemetry JS SDK and its protobuf serializer.`,
  `Machine: ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.versions.node}, one thread; median of ${ROUNDS} alternating ${ROUND_MS} ms rounds per cell.`,
  '',
  '| signal | operation | @org/otlp items/s | protobufjs items/s | ratio |',
  '| --- | --- | ---: | ---: | ---: |',
];
const table = [...header, ...rows].join('\n');
console.log(table);

if (process.argv.includes('--write')) {
  writeReadmeSection(new URL('../README.md', import.meta.url), 'bench', table);
}
