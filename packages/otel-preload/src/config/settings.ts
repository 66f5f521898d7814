// What the exporters and providers take from the parsed environment, after the spec's
// precedence rules: per-signal OTLP settings over generic ones, model-specific limits over
// general ones.
import { SIGNAL_KEYS } from './primitives.ts';
import type { PreloadEnv } from './schema.ts';

export type OtlpSignal = keyof typeof SIGNAL_KEYS;

/**
 * The OTLP/HTTP URL of one signal: its per-signal endpoint as-is (a URL without a path gets the
 * root path `/`, as the spec requires), otherwise OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/<signal>`.
 */
export function signalUrl(config: PreloadEnv, signal: OtlpSignal): string {
  const own = config[`OTEL_EXPORTER_OTLP_${SIGNAL_KEYS[signal]}_ENDPOINT` as const];
  if (own !== undefined) return /^https?:\/\/[^/?#]*$/i.test(own) ? `${own}/` : own;
  return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/${signal}`;
}

/** Everything an OTLP/HTTP exporter of one signal needs, after the spec's precedence rules. */
export interface OtlpExporterSettings {
  url: string;
  /** Generic headers with the per-signal ones over them (names compared case-insensitively). */
  headers: Record<string, string>;
  protocol: 'http/protobuf' | 'http/json';
  timeoutMs: number;
  compression: 'gzip' | 'none';
  /** Paths of PEM files, as given (not read here). */
  certificateFile?: string;
  clientKeyFile?: string;
  clientCertificateFile?: string;
}

/**
 * The exporter settings of one signal: each per-signal variable wins over its generic one
 * (OTEL_EXPORTER_OTLP_TRACES_TIMEOUT over OTEL_EXPORTER_OTLP_TIMEOUT…); headers merge, the
 * per-signal value winning per header name. See {@link signalUrl} for the URL.
 */
export function otlpExporterSettings(config: PreloadEnv, signal: OtlpSignal): OtlpExporterSettings {
  const key = SIGNAL_KEYS[signal];
  const ownHeaders = config[`OTEL_EXPORTER_OTLP_${key}_HEADERS` as const] ?? {};
  const overridden = new Set(Object.keys(ownHeaders).map((name) => name.toLowerCase()));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.OTEL_EXPORTER_OTLP_HEADERS)) {
    if (!overridden.has(name.toLowerCase())) headers[name] = value;
  }
  const settings: OtlpExporterSettings = {
    url: signalUrl(config, signal),
    headers: Object.assign(headers, ownHeaders),
    protocol:
      config[`OTEL_EXPORTER_OTLP_${key}_PROTOCOL` as const] ?? config.OTEL_EXPORTER_OTLP_PROTOCOL,
    timeoutMs:
      config[`OTEL_EXPORTER_OTLP_${key}_TIMEOUT` as const] ?? config.OTEL_EXPORTER_OTLP_TIMEOUT,
    compression:
      config[`OTEL_EXPORTER_OTLP_${key}_COMPRESSION` as const] ??
      config.OTEL_EXPORTER_OTLP_COMPRESSION,
  };
  const certificateFile =
    config[`OTEL_EXPORTER_OTLP_${key}_CERTIFICATE` as const] ??
    config.OTEL_EXPORTER_OTLP_CERTIFICATE;
  const clientKeyFile =
    config[`OTEL_EXPORTER_OTLP_${key}_CLIENT_KEY` as const] ?? config.OTEL_EXPORTER_OTLP_CLIENT_KEY;
  const clientCertificateFile =
    config[`OTEL_EXPORTER_OTLP_${key}_CLIENT_CERTIFICATE` as const] ??
    config.OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE;
  if (certificateFile !== undefined) settings.certificateFile = certificateFile;
  if (clientKeyFile !== undefined) settings.clientKeyFile = clientKeyFile;
  if (clientCertificateFile !== undefined) settings.clientCertificateFile = clientCertificateFile;
  return settings;
}

/** Attribute limits of one kind of record; no `attributeValueLengthLimit` means unlimited. */
export interface AttributeLimits {
  attributeCountLimit: number;
  attributeValueLengthLimit?: number;
}

export interface SpanLimitSettings extends AttributeLimits {
  eventCountLimit: number;
  linkCountLimit: number;
  attributePerEventCountLimit: number;
  attributePerLinkCountLimit: number;
}

function attributeLimits(count: number, valueLength: number | undefined): AttributeLimits {
  return valueLength === undefined
    ? { attributeCountLimit: count }
    : { attributeCountLimit: count, attributeValueLengthLimit: valueLength };
}

/** Span limits in the SDK's `SpanLimits` shape: span-specific variables over the general ones. */
export function spanLimits(config: PreloadEnv): SpanLimitSettings {
  return {
    ...attributeLimits(
      config.OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT ?? config.OTEL_ATTRIBUTE_COUNT_LIMIT,
      config.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT ?? config.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT,
    ),
    eventCountLimit: config.OTEL_SPAN_EVENT_COUNT_LIMIT,
    linkCountLimit: config.OTEL_SPAN_LINK_COUNT_LIMIT,
    attributePerEventCountLimit: config.OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT,
    attributePerLinkCountLimit: config.OTEL_LINK_ATTRIBUTE_COUNT_LIMIT,
  };
}

/** Log record limits in the SDK's `LogRecordLimits` shape, log-specific over general. */
export function logRecordLimits(config: PreloadEnv): AttributeLimits {
  return attributeLimits(
    config.OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT ?? config.OTEL_ATTRIBUTE_COUNT_LIMIT,
    config.OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT ?? config.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  );
}
