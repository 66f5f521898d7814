import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** An exporter queue's state, read at scrape time. */
export interface QueueState {
  size: number;
  capacity: number;
  bytes: number;
  bytesCapacity: number;
}

/** The memory guard's view, read at scrape time. */
export interface MemoryState {
  heap: number;
  external: number;
  /** Request body bytes the receivers hold. */
  reading: number;
}

/**
 * The gateway's self-metrics, exposed on the admin server's /metrics. Counted per component id
 * and signal by the shared wrappers, never by the components themselves, so every component
 * reports the same way. Item counts are spans, metric data points or log records.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly queues = new Map<string, () => QueueState>();
  private memorySource: () => MemoryState = () => ({ heap: 0, external: 0, reading: 0 });

  readonly receiverReceived = new Counter({
    name: 'otelgw_receiver_received_items_total',
    help: 'Items that arrived at a receiver and decoded.',
    labelNames: ['receiver', 'signal'],
    registers: [this.registry],
  });
  readonly receiverAccepted = new Counter({
    name: 'otelgw_receiver_accepted_items_total',
    help: 'Items acknowledged to the client (queued for every destination).',
    labelNames: ['receiver', 'signal'],
    registers: [this.registry],
  });
  readonly receiverRefused = new Counter({
    name: 'otelgw_receiver_refused_requests_total',
    help: 'Requests refused, by reason (backpressure, memory, invalid, unauthorized, too_large…).',
    labelNames: ['receiver', 'signal', 'reason'],
    registers: [this.registry],
  });
  readonly processorDropped = new Counter({
    name: 'otelgw_processor_dropped_items_total',
    help: 'Items a processor removed on purpose (filtering, sampling).',
    labelNames: ['processor', 'pipeline', 'signal'],
    registers: [this.registry],
  });
  readonly processorErrors = new Counter({
    name: 'otelgw_processor_errors_total',
    help: 'Batches a processor failed on; the request carrying each was refused.',
    labelNames: ['processor', 'pipeline', 'signal'],
    registers: [this.registry],
  });
  readonly redactions = new Counter({
    name: 'otelgw_redactions_total',
    help: 'Values a redact processor removed or replaced, by rule (a key rule, allowed_keys, secret.keys, db.statement, url.query, or a detector).',
    labelNames: ['processor', 'rule', 'signal'],
    registers: [this.registry],
  });
  readonly catalogEntries = new Gauge({
    name: 'otelgw_enrich_catalog_entries',
    help: 'Entries of the service catalog an enrich processor uses.',
    labelNames: ['processor'],
    registers: [this.registry],
  });
  readonly catalogReloads = new Counter({
    name: 'otelgw_enrich_catalog_reloads_total',
    help: 'Service catalog reads, by outcome (ok, or rejected: the last good catalog stays in use).',
    labelNames: ['processor', 'outcome'],
    registers: [this.registry],
  });
  readonly catalogUnknown = new Counter({
    name: 'otelgw_enrich_catalog_unknown_items_total',
    help: 'Items of services the service catalog has no entry for.',
    labelNames: ['processor', 'signal'],
    registers: [this.registry],
  });
  readonly routed = new Counter({
    name: 'otelgw_routing_routed_items_total',
    help: 'Items a routing connector matched to a route (default: matched by none), drop routes included.',
    labelNames: ['connector', 'route', 'signal'],
    registers: [this.registry],
  });
  readonly routingDropped = new Counter({
    name: 'otelgw_routing_dropped_items_total',
    help: 'Items a routing connector did not pass on, by route and reason (drop_route: a drop route matched).',
    labelNames: ['connector', 'route', 'signal', 'reason'],
    registers: [this.registry],
  });
  readonly exporterSent = new Counter({
    name: 'otelgw_exporter_sent_items_total',
    help: 'Items delivered to the destination.',
    labelNames: ['exporter', 'signal'],
    registers: [this.registry],
  });
  readonly exporterDropped = new Counter({
    name: 'otelgw_exporter_dropped_items_total',
    help: 'Accepted items that could not be delivered, by reason (permanent, retries_exhausted, shutdown).',
    labelNames: ['exporter', 'signal', 'reason'],
    registers: [this.registry],
  });
  readonly exporterRetries = new Counter({
    name: 'otelgw_exporter_retries_total',
    help: 'Send attempts that failed retryably and were scheduled again.',
    labelNames: ['exporter', 'signal'],
    registers: [this.registry],
  });
  readonly queueSize: Gauge = new Gauge({
    name: 'otelgw_exporter_queue_size',
    help: 'Batches waiting in the exporter sending queue.',
    labelNames: ['exporter'],
    registers: [this.registry],
    collect: (): void => this.observeQueues(this.queueSize, (state) => state.size),
  });
  readonly queueCapacity: Gauge = new Gauge({
    name: 'otelgw_exporter_queue_capacity',
    help: 'Most batches the exporter sending queue holds.',
    labelNames: ['exporter'],
    registers: [this.registry],
    collect: (): void => this.observeQueues(this.queueCapacity, (state) => state.capacity),
  });
  readonly queueBytes: Gauge = new Gauge({
    name: 'otelgw_exporter_queue_bytes',
    help: 'Encoded bytes held by the exporter sending queue, in flight included.',
    labelNames: ['exporter'],
    registers: [this.registry],
    collect: (): void => this.observeQueues(this.queueBytes, (state) => state.bytes),
  });
  readonly queueBytesCapacity: Gauge = new Gauge({
    name: 'otelgw_exporter_queue_bytes_capacity',
    help: 'Most encoded bytes the exporter sending queue holds.',
    labelNames: ['exporter'],
    registers: [this.registry],
    collect: (): void =>
      this.observeQueues(this.queueBytesCapacity, (state) => state.bytesCapacity),
  });
  readonly memoryLimit = new Gauge({
    name: 'otelgw_memory_limit_bytes',
    help: 'Configured memory limits: above soft receivers refuse and /readyz answers 503; a request chunk that would pass hard is refused.',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  readonly memoryUsed: Gauge = new Gauge({
    name: 'otelgw_memory_used_bytes',
    help: 'Memory the guard counts as in use, by part: V8 heap in use, external (Buffers, queued encodings).',
    labelNames: ['part'],
    registers: [this.registry],
    collect: (): void => {
      const state = this.memorySource();
      this.memoryUsed.set({ part: 'heap' }, state.heap);
      this.memoryUsed.set({ part: 'external' }, state.external);
    },
  });
  readonly memoryCollections = new Counter({
    name: 'otelgw_memory_collections_total',
    help: 'Full garbage collections the memory guard forced before refusing, because memory in use looked over a limit.',
    registers: [this.registry],
  });
  readonly inFlightBytes: Gauge = new Gauge({
    name: 'otelgw_receiver_in_flight_bytes',
    help: 'Bytes reserved by requests in flight (bodies being read, decompressed; decodes running) against the hard limit.',
    registers: [this.registry],
    collect: (): void => this.inFlightBytes.set(this.memorySource().reading),
  });
  readonly receiverAborted = new Counter({
    name: 'otelgw_receiver_aborted_requests_total',
    help: 'Requests whose client went away before the body was read in full.',
    labelNames: ['receiver', 'signal'],
    registers: [this.registry],
  });
  readonly exportLatency = new Histogram({
    name: 'otelgw_exporter_send_duration_seconds',
    help: 'Time from the first attempt to delivery of a batch, retries included.',
    labelNames: ['exporter', 'signal'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  /** Reports the memory guard's view at every scrape. */
  watchMemory(source: () => MemoryState): void {
    this.memorySource = source;
  }

  /** Reports a queue's state at every scrape until the returned function is called. */
  watchQueue(exporter: string, state: () => QueueState): () => void {
    this.queues.set(exporter, state);
    return () => {
      if (this.queues.get(exporter) === state) this.queues.delete(exporter);
    };
  }

  private observeQueues(gauge: Gauge, pick: (state: QueueState) => number): void {
    gauge.reset();
    for (const [exporter, state] of this.queues) gauge.set({ exporter }, pick(state()));
  }

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: 'otelgw_' });
  }
}
