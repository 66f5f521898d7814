import type { ServerUnaryCall, ServiceDefinition, sendUnaryData } from '@grpc/grpc-js';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { OtlpDecodeError } from '@org/otlp';
import type { Lifecycle, Settings } from '../../component.ts';
import type { BatchConsumer, Refusal } from '../../pipeline/consumer.ts';
import type { Signal } from '../../signal.ts';
import { batchOf, codecs } from '../../signal.ts';
import { successBody } from '../otlp-http/responses.ts';
import { serverTls } from '../../tls/config.ts';
import { Authenticator, applyTenant } from '../auth.ts';
import { rejectInvalid } from '../validate.ts';
import type { OtlpGrpcReceiverConfig } from './config.ts';
import { EXPORT_METHODS, passThrough } from '../../grpc/methods.ts';
import { retryInfoMetadata } from '../../grpc/status.ts';

/**
 * OTLP/gRPC receiver on @grpc/grpc-js with pass-through serializers: grpc-js hands over the raw
 * message and this codec decodes it. Status codes (OTLP spec): OK (with partial_success when
 * items were rejected), INVALID_ARGUMENT for malformed data, UNAVAILABLE + RetryInfo when
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

  constructor(settings: Settings, config: OtlpGrpcReceiverConfig, next: BatchConsumer) {
    this.settings = settings;
    this.config = config;
    this.next = next;
    this.auth = config.auth ? new Authenticator(config.auth) : undefined;
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
    this.settings.metrics.receiverRefused.inc({
      receiver: this.settings.id,
      signal,
      reason: refusal.reason,
    });
    if (refusal.retryable) {
      const message = `temporarily refused (${refusal.reason}); retry later`;
      callback({
        code: status.UNAVAILABLE,
        details: message,
        metadata: retryInfoMetadata(status.UNAVAILABLE, message, this.config.retry_after_s),
      });
    } else if (refusal.reason.startsWith('no pipeline')) {
      callback({ code: status.UNIMPLEMENTED, details: refusal.reason });
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
        this.settings.metrics.receiverRefused.inc({
          receiver: this.settings.id,
          signal,
          reason: 'unauthorized',
        });
        return callback({ code: status.UNAUTHENTICATED, details: 'missing or unknown credential' });
      }
    }
    const early = this.next.precheck(signal);
    if (early) return this.refuse(signal, early, callback);
    let request;
    try {
      request = codecs[signal].decode(body, this.config.max_depth);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      this.settings.metrics.receiverRefused.inc({
        receiver: this.settings.id,
        signal,
        reason: 'invalid',
      });
      return callback({
        code: status.INVALID_ARGUMENT,
        details: `invalid OTLP protobuf: ${String(error)}`,
      });
    }
    const batch = batchOf(signal, request);
    batch.wire = body;
    if (tenant !== undefined) applyTenant(batch, tenant);
    const labels = { receiver: this.settings.id, signal };
    this.settings.metrics.receiverReceived.inc(labels, batch.items);
    const { rejected, message } = rejectInvalid(batch);
    const items = batch.items; // the pipelines may change the batch
    if (items > 0 || rejected === 0) {
      const refusal = this.next.accept(batch);
      if (refusal) return this.refuse(signal, refusal, callback);
    }
    this.settings.metrics.receiverAccepted.inc(labels, items);
    callback(null, successBody(signal, rejected, message, 'proto'));
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
