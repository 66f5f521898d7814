import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { AdminServer } from './admin/server.ts';
import type { Exporter, Lifecycle, Receiver, Settings } from './component.ts';
import type { ResolvedConfig } from './config/schema.ts';
import { MemoryGuard } from './memory/guard.ts';
import type { Refusal } from './pipeline/consumer.ts';
import { buildGraph } from './pipeline/graph.ts';
import type { ReceiverRouter } from './pipeline/pipeline.ts';
import { registryParts } from './pipeline/parts.ts';
import { receiverFactories } from './registry.ts';
import { GatewayMetrics } from './telemetry/metrics.ts';

/** The components and per-receiver routers one config produces. */
interface Generation {
  config: ResolvedConfig;
  exporters: Map<string, Exporter>;
  /** Processors and connectors, in start order. */
  stages: Lifecycle[];
  routers: Map<string, ReceiverRouter>;
}

/**
 * The running gateway: builds the components a config references, starts exporters first and
 * receivers last, and shuts down in reverse order so every stage drains into consumers that still
 * run. Components the config defines but no pipeline uses are not started.
 *
 * Hot reload (`reload`) builds the new exporters and pipelines beside the running ones, points
 * receivers whose settings did not change at them without closing their sockets, restarts only
 * receivers whose settings changed, and then drains the old exporters: nothing accepted before the
 * reload is lost, and clients of unchanged receivers never see a refused connection.
 */
export class Service {
  readonly metrics: GatewayMetrics;
  private readonly logger: Logger;
  private current: Generation;
  private readonly receivers = new Map<string, Receiver>();
  private readonly memory: MemoryGuard;
  private admin: AdminServer;
  private serving = false;
  private stopping = false;

  constructor(config: ResolvedConfig, logger: Logger, metrics = new GatewayMetrics()) {
    this.logger = logger;
    this.metrics = metrics;
    const { soft_limit_mib: soft, hard_limit_mib: hard } = config.service.memory;
    this.memory = new MemoryGuard(soft, hard, {
      onCollection: () => metrics.memoryCollections.inc(),
    });
    this.setMemoryLimits(config);
    metrics.watchMemory(() => {
      const sample = this.memory.sample();
      return {
        heap: sample.heapBytes,
        external: sample.externalBytes,
        reading: this.memory.reservedBytes,
      };
    });
    this.current = this.build(config);
    for (const [id, router] of this.current.routers)
      this.receivers.set(id, this.createReceiver(config, id, router));
    this.admin = this.createAdmin(config);
  }

  /** Refusals that hold for every pipeline; memory only when asked (before a request is read). */
  private pressure = (checkMemory: boolean): Refusal | undefined =>
    this.stopping
      ? { retryable: true, reason: 'shutting_down' }
      : checkMemory && this.memory.saturated()
        ? { retryable: true, reason: 'memory' }
        : undefined;

  private settings(id: string, pipeline?: string): Settings {
    return {
      id,
      logger: this.logger.child(pipeline ? { component: id, pipeline } : { component: id }),
      metrics: this.metrics,
      memory: this.memory,
    };
  }

  private setMemoryLimits(config: ResolvedConfig): void {
    const { soft_limit_mib: soft, hard_limit_mib: hard } = config.service.memory;
    this.memory.configure(soft, hard);
    this.metrics.memoryLimit.set({ limit: 'soft' }, soft * 1024 * 1024);
    this.metrics.memoryLimit.set({ limit: 'hard' }, hard * 1024 * 1024);
  }

  private build(config: ResolvedConfig): Generation {
    const graph = buildGraph(
      config.service.pipelines,
      registryParts(config, (id, pipeline) => this.settings(id, pipeline)),
      this.pressure,
    );
    return { config, ...graph };
  }

  /** Starts a generation's exporters, then its processors and connectors (downstream first). */
  private async startGeneration(generation: Generation): Promise<void> {
    for (const exporter of generation.exporters.values()) await exporter.start();
    for (const stage of generation.stages) await stage.start();
  }

  /** Stops what `startGeneration` started, in reverse; exporters drain until the deadline. */
  private async stopGeneration(generation: Generation, deadline: AbortSignal): Promise<void> {
    for (const stage of [...generation.stages].reverse()) await stage.shutdown(deadline);
    await Promise.all([...generation.exporters.values()].map((e) => e.shutdown(deadline)));
  }

  private createReceiver(config: ResolvedConfig, id: string, router: ReceiverRouter): Receiver {
    const { type, config: receiverConfig } = config.receiverConfigs.get(id)!;
    return receiverFactories.get(type)!.create(this.settings(id), receiverConfig, router);
  }

  private createAdmin(config: ResolvedConfig): AdminServer {
    return new AdminServer(
      config.service.admin.endpoint,
      this.metrics,
      {
        serving: () => this.serving,
        exportersHealthy: () => [...this.current.exporters.values()].some((e) => e.healthy()),
        memoryAvailable: () => !this.memory.saturated(),
      },
      this.logger.child({ component: 'admin' }),
    );
  }

  /** The bound port of a receiver (tests listen on port 0). */
  receiverPort(id: string): number {
    return this.receivers.get(id)?.port ?? 0;
  }

  get adminPort(): number {
    return this.admin.port;
  }

  async start(): Promise<void> {
    await this.startGeneration(this.current);
    await this.admin.start();
    for (const receiver of this.receivers.values()) await receiver.start();
    this.serving = true;
  }

  /**
   * Switches to `config`; see the class comment. If a new or changed receiver cannot start (its
   * port is taken, say), the reload is rolled back: the receivers it stopped are started again on
   * the running pipelines, the new exporters are drained, and the call rejects.
   */
  async reload(config: ResolvedConfig): Promise<void> {
    const old = this.current;
    const next = this.build(config);
    await this.startGeneration(next);
    const deadline = AbortSignal.timeout(config.service.shutdown_timeout_ms);

    // Receivers: keep unchanged ones (retarget), replace changed ones, stop removed ones.
    const stopped: string[] = [];
    const replaced: [string, Receiver][] = [];
    const kept: string[] = [];
    for (const [id, receiver] of this.receivers) {
      const router = next.routers.get(id);
      const same =
        router &&
        isDeepStrictEqual(old.config.receiverConfigs.get(id), config.receiverConfigs.get(id));
      if (same) kept.push(id);
      else {
        await receiver.shutdown(deadline);
        this.receivers.delete(id);
        stopped.push(id);
      }
    }
    try {
      for (const [id, router] of next.routers) {
        if (this.receivers.has(id)) continue;
        const receiver = this.createReceiver(config, id, router);
        await receiver.start();
        this.receivers.set(id, receiver);
        replaced.push([id, receiver]);
      }
    } catch (error) {
      await this.rollBack(old, stopped, replaced, next, deadline);
      throw error;
    }
    for (const id of kept) this.receivers.get(id)!.retarget(next.routers.get(id)!);
    this.current = next;

    this.setMemoryLimits(config);
    if (old.config.service.admin.endpoint !== config.service.admin.endpoint) {
      await this.admin.stop();
      this.admin = this.createAdmin(config);
      await this.admin.start();
    }
    // What the old exporters accepted still goes out (or is counted) before they close.
    await this.stopGeneration(old, deadline);
    this.logger.info(
      {
        receivers: [...this.receivers.keys()],
        restarted: replaced.map(([id]) => id),
        exporters: [...next.exporters.keys()],
      },
      'config reloaded',
    );
  }

  /** Undoes a failed reload: the old receivers serve the old pipelines again. */
  private async rollBack(
    old: Generation,
    stopped: string[],
    started: [string, Receiver][],
    next: Generation,
    deadline: AbortSignal,
  ): Promise<void> {
    for (const [id, receiver] of started) {
      await receiver.shutdown(deadline);
      this.receivers.delete(id);
    }
    for (const id of stopped) {
      const receiver = this.createReceiver(old.config, id, old.routers.get(id)!);
      try {
        await receiver.start();
        this.receivers.set(id, receiver);
      } catch (error) {
        this.logger.error({ receiver: id, err: error }, 'receiver could not be restarted');
      }
    }
    await this.stopGeneration(next, deadline);
  }

  /** Stops receivers (in-flight requests finish), then drains exporters until the deadline. */
  async shutdown(timeoutMs = this.current.config.service.shutdown_timeout_ms): Promise<void> {
    this.stopping = true;
    this.serving = false;
    const deadline = AbortSignal.timeout(timeoutMs);
    await Promise.all([...this.receivers.values()].map((r) => r.shutdown(deadline)));
    await this.stopGeneration(this.current, deadline);
    await this.admin.stop();
  }
}
