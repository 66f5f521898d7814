import type { ServerUnaryCall, ServiceDefinition, sendUnaryData } from '@grpc/grpc-js';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { DecodeOptions } from '@org/otlp';
import type { Lifecycle, Settings } from '../../component.ts';
import type { BatchConsumer, Refusal } from '../../pipeline/consumer.ts';
import type { Signal } from '../../signal.ts';
import { successBody } from '../otlp-http/responses.ts';
import { serverTls } from '../../tls/config.ts';
import { Authenticator } from '../auth.ts';
import { ingest } from '../ingest.ts';
import type { RefusalReason } from '../reasons.ts';
import { decodeOptions } from '../limits.ts';
import { requestContext } from '../metadata.ts';
import type { OtlpGrpcReceiverConfig } from './config.ts';
import { EXPORT_METHODS, passThrough } from '../../grpc/methods.ts';
import { retryInfoMetadata } from '../../grpc/status.ts';

/**
 * OTLP/gRPC receiver on @grpc/grpc-js with pass-through serializers: grpc-js hands over the raw
 * message and this codec decodes it. Status codes (OTLP spec): OK (with partial_success when
 * items were rejected), UNAUTHENTICATED without a known credential, INVALID_ARGUMENT for
 * malformed data or a request over a decode limit, RESOURCE_EXHAUSTED (from grpc-js) for a
 * message over `max_recv_msg_size_mib` once decompressed, UNAVAILABLE + RetryInfo when
 * saturated, UNIMPLEMENTED for a signal no pipeline takes.
 */
export class OtlpGrpcReceiver implements Lifecycle {
  private readonly server: Server;
  private boundPort = 0;
  private shutdownPromise: Promise<void> | undefined;
  private readonly settings: Settings;
  private readonly config: OtlpGrpcReceiverConfig;
  private next: BatchConsumer;
  private readonly auth: Authenticator | undefined;
  private readonly decode: DecodeOptions;

  constructor(settings: Settings, config: OtlpGrpcReceiverConfig, next: BatchConsumer) {
    this.settings = settings;
    this.config = config;
    this.next = next;
    this.auth = config.auth ? new Authenticator(config.auth) : undefined;
    this.decode = decodeOptions(config.max_depth, config.limits);
    this.server = new Server({
      'grpc.max_receive_message_length': config.max_recv_msg_size_mib * 1024 * 1024,
    });
    for (const [signal, path] of Object.entries(EXPORT_METHODS) as [Signal, string][]) {
      const definition: ServiceDefinition = {
        Export: {
          path,
          requestStream: false,
          responseStream: false,
          requestSerialize: passThrough,
          requestDeserialize: passThrough,
          responseSerialize: passThrough,
          responseDeserialize: passThrough,
        },
      };
      this.server.addService(definition, {
        Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
          const header = (name: string) => {
            const value = call.metadata.get(name)[0];
            return typeof value === 'string' ? value : undefined;
          };
          this.export(signal, call.request, header, callback);
        },
      });
    }
  }

  get port(): number {
    return this.boundPort;
  }

  private refuse(signal: Signal, refusal: Refusal, callback: sendUnaryData<Buffer>): void {
    this.countRefused(signal, refusal.reason);
    if (refusal.retryable) {
      const message = `temporarily refused (${refusal.reason}); retry later`;
      callback({
        code: status.UNAVAILABLE,
        details: message,
        metadata: retryInfoMetadata(status.UNAVAILABLE, message, this.config.retry_after_s),
      });
    } else if (refusal.reason === 'no_pipeline') {
      callback({ code: status.UNIMPLEMENTED, details: refusal.detail ?? refusal.reason });
    } else {
      callback({ code: status.INTERNAL, details: refusal.detail ?? refusal.reason });
    }
  }

  private export(
    signal: Signal,
    body: Buffer,
    header: (name: string) => string | undefined,
    callback: sendUnaryData<Buffer>,
  ): void {
    let tenant: string | undefined;
    if (this.auth) {
      tenant = this.auth.tenantOf(header);
      if (tenant === undefined) {
        this.countRefused(signal, 'unauthorized');
        return callback({ code: status.UNAUTHENTICATED, details: 'missing or unknown credential' });
      }
    }
    const early = this.next.precheck(signal);
    if (early) return this.refuse(signal, early, callback);
    // grpc-js has read the whole message already; reserving it lets concurrent calls and HTTP
    // bodies see each other against the hard limit.
    const { memory } = this.settings;
    if (!memory.reserve(body.length))
      return this.refuse(signal, { retryable: true, reason: 'memory' }, callback);
    let outcome;
    try {
      const context = requestContext(
        this.settings.id,
        tenant,
        this.config.metadata_headers,
        header,
      );
      outcome = ingest(this.settings, this.next, signal, body, 'proto', this.decode, context);
    } finally {
      memory.release(body.length);
    }
    switch (outcome.kind) {
      case 'accepted':
        return callback(null, successBody(signal, outcome.rejected, outcome.message, 'proto'));
      case 'refused':
        return this.refuse(signal, outcome.refusal, callback);
      case 'bad_data':
        // Over a request-wide limit is not retryable either: INVALID_ARGUMENT, as for bad data
        // (RESOURCE_EXHAUSTED without RetryInfo would read as "try again later" to some clients).
        this.countRefused(signal, outcome.rejection.reason);
        return callback({ code: status.INVALID_ARGUMENT, details: outcome.rejection.message });
    }
  }

  private countRefused(signal: Signal, reason: RefusalReason): void {
    this.settings.metrics.receiverRefused.inc({ receiver: this.settings.id, signal, reason });
  }

  /** Points the receiver at new pipelines (hot reload) without closing its listener. */
  retarget(next: BatchConsumer): void {
    this.next = next;
  }

  private credentials(): ServerCredentials {
    if (!this.config.tls) return ServerCredentials.createInsecure();
    const { cert, key, ca } = serverTls(this.config.tls);
    return ServerCredentials.createSsl(ca ?? null, [{ cert_chain: cert, private_key: key }], !!ca);
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(this.config.endpoint, this.credentials(), (error, port) => {
        if (error)
          return reject(new Error(`cannot listen on ${this.config.endpoint}: ${error.message}`));
        this.boundPort = port;
        const host = this.config.endpoint.slice(0, this.config.endpoint.lastIndexOf(':'));
        this.settings.logger.info(
          { tls: this.config.tls !== undefined, endpoint: `${host}:${port}` },
          'OTLP/gRPC receiver listening',
        );
        resolve();
      });
    });
  }

  shutdown(deadline: AbortSignal): Promise<void> {
    this.shutdownPromise ??= new Promise<void>((resolve) => {
      if (this.boundPort === 0) return resolve();
      const force = () => this.server.forceShutdown();
      deadline.addEventListener('abort', force, { once: true });
      this.server.tryShutdown(() => {
        deadline.removeEventListener('abort', force);
        resolve();
      });
    });
    return this.shutdownPromise;
  }
}
