import type { Logger } from 'pino';
import { AdminServer } from './admin/server.ts';
import type { Exporter, Lifecycle } from './component.ts';
import type { ResolvedConfig } from './config/schema.ts';
import { MemoryGuard } from './memory/guard.ts';
import type { Refusal } from './pipeline/consumer.ts';
import { Pipeline, ReceiverRouter } from './pipeline/pipeline.ts';
import { exporterFactories, receiverFactories } from './registry.ts';
import type { Signal } from './signal.ts';
import { GatewayMetrics } from './telemetry/metrics.ts';

/**
 * The running gateway: builds the components a config references, starts exporters first and
 * receivers last, and shuts down in reverse order so every stage drains into consumers that still
 * run. Components the config defines but no pipeline uses are not started.
 */
export class Service {
  readonly metrics: GatewayMetrics;
  private readonly logger: Logger;
  private readonly config: ResolvedConfig;
  private readonly exporters = new Map<string, Exporter>();
  private readonly receivers = new Map<string, Lifecycle & { port?: number }>();
  private readonly memory: MemoryGuard;
  private readonly admin: AdminServer;
  private serving = false;
  private stopping = false;

  constructor(config: ResolvedConfig, logger: Logger, metrics = new GatewayMetrics()) {
    this.config = config;
    this.logger = logger;
    this.metrics = metrics;
    const { memory } = config.service;
    this.memory = new MemoryGuard(memory.soft_limit_mib, memory.hard_limit_mib);
    const pressure = (): Refusal | undefined =>
      this.stopping
        ? { retryable: true, reason: 'shutting_down' }
        : this.memory.saturated()
          ? { retryable: true, reason: 'memory' }
          : undefined;

    const pipelines = Object.entries(config.service.pipelines).map(([name, spec]) => {
      const signal = name.split('/')[0] as Signal;
      const exporters = spec.exporters.map((id) => this.exporter(id));
      return { pipeline: new Pipeline(name, signal, exporters), receivers: spec.receivers };
    });
    for (const id of new Set(pipelines.flatMap((p) => p.receivers))) {
      const { type, config: receiverConfig } = config.receiverConfigs.get(id)!;
      const router = new ReceiverRouter(
        pipelines.filter((p) => p.receivers.includes(id)).map((p) => p.pipeline),
        pressure,
      );
      this.receivers.set(
        id,
        receiverFactories.get(type)!.create(this.settings(id), receiverConfig, router),
      );
    }
    this.admin = new AdminServer(
      config.service.admin.endpoint,
      metrics,
      {
        serving: () => this.serving,
        exportersHealthy: () => [...this.exporters.values()].some((e) => e.healthy()),
      },
      logger.child({ component: 'admin' }),
    );
  }

  private settings(id: string) {
    return { id, logger: this.logger.child({ component: id }), metrics: this.metrics };
  }

  private exporter(id: string): Exporter {
    let exporter = this.exporters.get(id);
    if (!exporter) {
      const { type, config } = this.config.exporterConfigs.get(id)!;
      exporter = exporterFactories.get(type)!.create(this.settings(id), config);
      this.exporters.set(id, exporter);
    }
    return exporter;
  }

  /** The bound port of a receiver (tests listen on port 0). */
  receiverPort(id: string): number {
    return this.receivers.get(id)?.port ?? 0;
  }

  get adminPort(): number {
    return this.admin.port;
  }

  async start(): Promise<void> {
    for (const exporter of this.exporters.values()) await exporter.start();
    await this.admin.start();
    for (const receiver of this.receivers.values()) await receiver.start();
    this.serving = true;
  }

  /** Stops receivers (in-flight requests finish), then drains exporters until the deadline. */
  async shutdown(timeoutMs = this.config.service.shutdown_timeout_ms): Promise<void> {
    this.stopping = true;
    this.serving = false;
    const deadline = AbortSignal.timeout(timeoutMs);
    await Promise.all([...this.receivers.values()].map((r) => r.shutdown(deadline)));
    await Promise.all([...this.exporters.values()].map((e) => e.shutdown(deadline)));
    await this.admin.stop();
    this.memory.stop();
  }
}
