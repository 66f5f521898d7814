// What decoding costs beyond time: the memory a decoded request holds, and what the decode limits
// cost. Reproduces the figures of the README's "Decode limits" section. Run with --expose-gc.
//
//   node --expose-gc bench/costs.ts           print the table
//   node --expose-gc bench/costs.ts --write   also write it into README.md between the markers
import { cpus } from 'node:os';
import type { Span } from '../src/index.ts';
import {
  countSpans,
  decodeTraceRequest,
  decodeTraceRequestJson,
  encodeTraceRequest,
  encodeTraceRequestJson,
  spanOf,
} from '../src/index.ts';
import type { DecodeLimits } from '../src/limits.ts';
import { countContainers } from '../src/json/parse.ts';
import { writeReadmeSection } from '../../../scripts/readme-section.ts';
import { benchFixtures } from './fixtures.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const ROUNDS = 11;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Heap bytes that `make` leaves reachable, per item (median of rounds, after full collections). */
const held: unknown[] = [];

function retainedPerItem(make: () => unknown, items: number): number {
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    held.length = 0;
    gc!();
    const before = process.memoryUsage().heapUsed;
    held.push(make());
    gc!();
    samples.push((process.memoryUsage().heapUsed - before) / items);
  }
  held.length = 0;
  return median(samples);
}

/** Milliseconds per call of `fn`, median of ROUNDS rounds of `calls` calls. */
function msPerCall(fn: () => unknown, calls: number): number {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    samples.push((performance.now() - start) / calls);
  }
  return median(samples);
}

const emptySpan = (i: number): Span =>
  spanOf({
    traceId: Uint8Array.from({ length: 16 }, (_, j) => (i + j) % 255 || 1),
    spanId: Uint8Array.from({ length: 8 }, (_, j) => (i * 7 + j) % 255 || 1),
  });

const EMPTY = 100_000;
const empty = encodeTraceRequest({
  resourceSpans: [
    {
      resource: undefined,
      schemaUrl: '',
      scopeSpans: [
        {
          scope: undefined,
          schemaUrl: '',
          spans: Array.from({ length: EMPTY }, (_, i) => emptySpan(i)),
        },
      ],
    },
  ],
});
const fixtures = await benchFixtures();
const sdk = fixtures.traces;
const sdkSpans = countSpans(decodeTraceRequest(sdk));

// The gateway's default receiver limits.
const LIMITS: DecodeLimits = {
  maxItems: 50_000,
  maxAttributes: 1000,
  maxEvents: 1000,
  maxLinks: 1000,
  maxValues: 1_000_000,
  maxNodes: 1_500_000,
};

const emptyBytes = retainedPerItem(() => decodeTraceRequest(empty), EMPTY);
const sdkBytes = retainedPerItem(() => decodeTraceRequest(sdk), sdkSpans);

// Protobuf with and without limits: the counters run in both (an absent limit is Infinity), so
// this says what configuring limits adds, alternating so drift affects both alike.
const protoNone: number[] = [];
const protoLimited: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  protoNone.push(msPerCall(() => decodeTraceRequest(sdk), 50));
  protoLimited.push(msPerCall(() => decodeTraceRequest(sdk, { limits: LIMITS }), 50));
}

// JSON: counting containers before JSON.parse, against the whole decode, on ~2 MB of SDK spans.
const copies = Math.max(
  1,
  Math.round((2 * 1024 * 1024) / encodeTraceRequestJson(decodeTraceRequest(sdk)).length),
);
const big = decodeTraceRequest(sdk);
big.resourceSpans = Array.from(
  { length: copies },
  () => decodeTraceRequest(sdk).resourceSpans,
).flat();
const json = encodeTraceRequestJson(big);
const scanMs = msPerCall(() => countContainers(json, Infinity), 10);
const jsonMs = msPerCall(() => decodeTraceRequestJson(json, { limits: LIMITS }), 10);

const table = [
  `Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}; medians of ${ROUNDS} rounds.`,
  '',
  '| what | measured |',
  '| --- | ---: |',
  `| heap held per decoded empty span (${EMPTY.toLocaleString('en-US')} in one request) | ${Math.round(emptyBytes)} bytes |`,
  `| heap held per decoded SDK span (${sdkSpans} spans, 10 attributes each) | ${Math.round(sdkBytes)} bytes |`,
  `| protobuf decode of the SDK spans, no limits → the gateway's default limits | ${median(protoNone).toFixed(3)} → ${median(protoLimited).toFixed(3)} ms (${((median(protoLimited) / median(protoNone) - 1) * 100).toFixed(1)} %) |`,
  `| JSON: counting the containers of ${(json.length / 1048576).toFixed(1)} MB of SDK spans, against decoding them | ${scanMs.toFixed(1)} ms of ${jsonMs.toFixed(1)} ms (${((scanMs / jsonMs) * 100).toFixed(0)} %) |`,
].join('\n');
console.log(table);
if (process.argv.includes('--write'))
  writeReadmeSection(new URL('../README.md', import.meta.url), 'costs', table);
