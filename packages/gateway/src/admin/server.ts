import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../telemetry/metrics.ts';

export interface AdminState {
  /** Receivers listen and the gateway is not shutting down. */
  serving(): boolean;
  /** At least one exporter is not failing. */
  exportersHealthy(): boolean;
  /** Receivers take new requests as far as memory goes (the same check they apply). */
  memoryAvailable(): boolean;
}

/**
 * The admin endpoint: `/healthz` (the process is alive), `/readyz` (receivers listen, not every
 * exporter is failing, memory in use under the soft limit: exactly when receivers take new
 * requests), `/metrics` (Prometheus text).
 */
export class AdminServer {
  private readonly server: Server;
  private readonly endpoint: string;
  private readonly logger: Logger;

  constructor(endpoint: string, metrics: GatewayMetrics, state: AdminState, logger: Logger) {
    this.endpoint = endpoint;
    this.logger = logger;
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const text = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (path === '/healthz') return text(200, 'ok\n');
      if (path === '/readyz') {
        if (!state.serving()) return text(503, 'not serving\n');
        if (!state.exportersHealthy()) return text(503, 'every exporter is failing\n');
        if (!state.memoryAvailable())
          return text(503, 'memory in use over the soft limit: receivers refuse new data\n');
        return text(200, 'ready\n');
      }
      if (path === '/metrics') {
        metrics.registry.metrics().then(
          (body) => text(200, body, metrics.registry.contentType),
          (error: unknown) => text(500, `metrics failed: ${String(error)}\n`),
        );
        return;
      }
      text(404, 'not found: use /healthz, /readyz or /metrics\n');
    });
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  start(): Promise<void> {
    const colon = this.endpoint.lastIndexOf(':');
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(
        Number(this.endpoint.slice(colon + 1)),
        this.endpoint.slice(0, colon),
        () => {
          this.server.off('error', reject);
          this.logger.info(
            { endpoint: `${this.endpoint.slice(0, colon)}:${this.port}` },
            'admin server listening',
          );
          resolve();
        },
      );
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
