import * as z from 'zod/mini';
import {
  boolean,
  compression,
  doc,
  exporterList,
  filePath,
  keyValueList,
  list,
  lowercaseEnum,
  nonNegativeInt,
  port,
  positiveInt,
  protocol,
  signalOverrides,
  url,
  withDefault,
} from './primitives.ts';

/**
 * The environment the preload reads: the standard `OTEL_*` variables it honours plus its own
 * `OTEL_PRELOAD_*` ones. This schema is the single truth: defaults, types and documentation
 * (zod's global registry) all come from it. A bad value never stops the host app:
 * {@link parseEnv} falls back to the default and reports a warning that names the variable.
 * It uses zod's tree-shakable "mini" build: the full build alone would triple the preload's
 * startup cost.
 */

/** Resource detectors that read only what the process can see, in the default order. */
export const LOCAL_DETECTORS = [
  'host',
  'os',
  'process',
  'serviceinstance',
  'container',
  'env',
] as const;
/** Resource detectors that query a cloud metadata endpoint over the network: run only when named. */
export const CLOUD_DETECTORS = ['alibaba', 'aws', 'azure', 'gcp'] as const;

/** The reason a bad OTEL_TRACES_SAMPLER_ARG gives. */
const RATIO = 'expected a number from 0 to 1';

export const envSchema = z.object({
  OTEL_SDK_DISABLED: withDefault(boolean, false, 'Disable the preload entirely.'),
  OTEL_SERVICE_NAME: doc(
    z.optional(z.string().check(z.minLength(1))),
    'service.name; defaults to the app package.json name.',
  ),
  OTEL_RESOURCE_ATTRIBUTES: withDefault(keyValueList, {}, 'Extra resource attributes.'),
  // The Node SDK's own variable. Its default when unset is serviceinstance,process,host,os,env
  // (no container) and `all` means those five; auto-instrumentations-node adds container and
  // the cloud detectors (which query metadata endpoints over the network) and defaults to `all`.
  // The preload defaults to every local detector, `env` last because later detectors win.
  OTEL_NODE_RESOURCE_DETECTORS: withDefault(
    exporterList([...LOCAL_DETECTORS, ...CLOUD_DETECTORS, 'all', 'none']),
    [...LOCAL_DETECTORS],
    'Resource detectors: host, os, process, serviceinstance, container, env (all of them: `all`; none: `none`), and the cloud ones alibaba, aws, azure, gcp, which query a metadata endpoint over the network and run only when named. Unknown names are dropped with a warning.',
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: withDefault(
    url,
    'http://localhost:4318',
    'OTLP/HTTP base URL; /v1/traces etc. are appended unless the per-signal endpoint is set.',
  ),
  OTEL_EXPORTER_OTLP_HEADERS: withDefault(
    keyValueList,
    {},
    'Headers sent with every OTLP request (secret).',
  ),
  OTEL_EXPORTER_OTLP_PROTOCOL: withDefault(
    protocol,
    'http/protobuf',
    'OTLP wire encoding (grpc is not supported).',
  ),
  OTEL_EXPORTER_OTLP_TIMEOUT: withDefault(
    positiveInt,
    10_000,
    'Per-export timeout in milliseconds.',
  ),
  OTEL_EXPORTER_OTLP_COMPRESSION: withDefault(
    compression,
    'none',
    'OTLP request compression (gzip or none).',
  ),
  OTEL_EXPORTER_OTLP_CERTIFICATE: doc(
    z.optional(filePath),
    'PEM file of the CA certificates trusted for OTLP endpoints; system roots when unset.',
  ),
  OTEL_EXPORTER_OTLP_CLIENT_KEY: doc(
    z.optional(filePath),
    'PEM file of the mTLS client key for OTLP requests.',
  ),
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: doc(
    z.optional(filePath),
    'PEM file of the mTLS client certificate chain for OTLP requests.',
  ),
  ...signalOverrides('TRACES', 'spans'),
  ...signalOverrides('METRICS', 'metrics'),
  ...signalOverrides('LOGS', 'log records'),
  OTEL_TRACES_EXPORTER: withDefault(exporterList(['otlp', 'none']), ['otlp'], 'Where spans go.'),
  OTEL_METRICS_EXPORTER: withDefault(
    exporterList(['prometheus', 'otlp', 'none']),
    ['prometheus'],
    'Where metrics go; prometheus by default so nothing is pushed to a missing collector.',
  ),
  OTEL_LOGS_EXPORTER: withDefault(
    exporterList(['otlp', 'none']),
    ['none'],
    'OTLP log export; off by default because stdout JSON is usually collected already.',
  ),
  OTEL_TRACES_SAMPLER: withDefault(
    lowercaseEnum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ]),
    'parentbased_always_on',
    'Sampler.',
  ),
  OTEL_TRACES_SAMPLER_ARG: doc(
    z.optional(
      z.coerce
        .number({ error: RATIO })
        .check(z.minimum(0, { error: RATIO }), z.maximum(1, { error: RATIO })),
    ),
    'Ratio for the traceidratio samplers.',
  ),
  OTEL_PROPAGATORS: withDefault(
    exporterList(['tracecontext', 'baggage', 'b3', 'b3multi', 'none']),
    ['tracecontext', 'baggage'],
    'Context propagators: tracecontext, baggage, b3 (single header), b3multi (X-B3-* headers), none.',
  ),
  OTEL_EXPORTER_PROMETHEUS_HOST: withDefault(
    z.string().check(z.minLength(1)),
    '127.0.0.1',
    'Prometheus endpoint bind address (loopback by default).',
  ),
  OTEL_EXPORTER_PROMETHEUS_PORT: withDefault(port, 9464, 'Prometheus endpoint port.'),
  OTEL_LOG_LEVEL: withDefault(
    lowercaseEnum(['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all']),
    'warn',
    'Diagnostic log level of the preload itself.',
  ),
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: doc(
    z.optional(list),
    'Only these instrumentations (short names, e.g. http,pg).',
  ),
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: withDefault(list, [], 'Instrumentations to skip.'),
  OTEL_BSP_MAX_QUEUE_SIZE: withDefault(
    positiveInt,
    2048,
    'Most spans waiting for export; beyond it new spans are dropped (bounded memory).',
  ),
  // The spec's default is 5000; the preload exports sooner so short-lived processes lose less.
  OTEL_BSP_SCHEDULE_DELAY: withDefault(positiveInt, 1000, 'Milliseconds between span exports.'),
  OTEL_BSP_EXPORT_TIMEOUT: withDefault(
    positiveInt,
    30_000,
    'Most milliseconds one span export may take.',
  ),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: withDefault(
    positiveInt,
    512,
    'Most spans per export; at most OTEL_BSP_MAX_QUEUE_SIZE.',
  ),
  OTEL_BLRP_SCHEDULE_DELAY: withDefault(
    positiveInt,
    1000,
    'Milliseconds between log record exports.',
  ),
  OTEL_BLRP_EXPORT_TIMEOUT: withDefault(
    positiveInt,
    30_000,
    'Most milliseconds one log record export may take.',
  ),
  OTEL_BLRP_MAX_QUEUE_SIZE: withDefault(
    positiveInt,
    2048,
    'Most log records waiting for export; beyond it new ones are dropped (bounded memory).',
  ),
  OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: withDefault(
    positiveInt,
    512,
    'Most log records per export; at most OTEL_BLRP_MAX_QUEUE_SIZE.',
  ),
  OTEL_METRIC_EXPORT_INTERVAL: withDefault(
    positiveInt,
    60_000,
    'Milliseconds between the starts of two pushed metric exports.',
  ),
  OTEL_METRIC_EXPORT_TIMEOUT: withDefault(
    positiveInt,
    30_000,
    'Most milliseconds one metric export may take; at most OTEL_METRIC_EXPORT_INTERVAL.',
  ),
  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: withDefault(
    lowercaseEnum(['cumulative', 'delta', 'lowmemory']),
    'cumulative',
    'Aggregation temporality of OTLP metrics by instrument kind (case-insensitive).',
  ),
  OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: withDefault(
    lowercaseEnum(['explicit_bucket_histogram', 'base2_exponential_bucket_histogram']),
    'explicit_bucket_histogram',
    'Default aggregation of histograms in OTLP metrics (case-insensitive).',
  ),
  // Attribute limits. The model-specific ones have no default of their own: when unset the
  // general limit applies, as the spec requires (see spanLimits and logRecordLimits).
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: doc(
    z.optional(nonNegativeInt),
    'Longest attribute value kept (longer ones are truncated); unlimited when unset.',
  ),
  OTEL_ATTRIBUTE_COUNT_LIMIT: withDefault(
    nonNegativeInt,
    128,
    'Most attributes per span or log record.',
  ),
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: doc(
    z.optional(nonNegativeInt),
    'Longest span attribute value kept; OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT when unset.',
  ),
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: doc(
    z.optional(nonNegativeInt),
    'Most attributes per span; OTEL_ATTRIBUTE_COUNT_LIMIT (128) when unset.',
  ),
  OTEL_SPAN_EVENT_COUNT_LIMIT: withDefault(nonNegativeInt, 128, 'Most events per span.'),
  OTEL_SPAN_LINK_COUNT_LIMIT: withDefault(nonNegativeInt, 128, 'Most links per span.'),
  OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: withDefault(
    nonNegativeInt,
    128,
    'Most attributes per span event.',
  ),
  OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: withDefault(
    nonNegativeInt,
    128,
    'Most attributes per span link.',
  ),
  OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: doc(
    z.optional(nonNegativeInt),
    'Longest log record attribute value kept; OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT when unset.',
  ),
  OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: doc(
    z.optional(nonNegativeInt),
    'Most attributes per log record; OTEL_ATTRIBUTE_COUNT_LIMIT (128) when unset.',
  ),
  OTEL_PRELOAD_CAPTURE_HEADERS: withDefault(
    list,
    ['x-request-id', 'x-correlation-id'],
    'Allow-list of HTTP headers recorded on spans; cookie, set-cookie, authorization and proxy-authorization are never recorded.',
  ),
  OTEL_PRELOAD_REDACT_QUERY_PARAMS: withDefault(
    list,
    [
      'token',
      'access_token',
      'id_token',
      'refresh_token',
      'code',
      'password',
      'passwd',
      'secret',
      'client_secret',
      'api_key',
      'apikey',
      'key',
      'sig',
      'signature',
      'X-Amz-Signature',
      'X-Amz-Credential',
      'X-Goog-Signature',
      'AWSAccessKeyId',
    ],
    'Query parameters whose values are replaced by REDACTED in recorded URLs.',
  ),
  OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS: withDefault(
    positiveInt,
    2000,
    'How long SIGTERM/SIGINT/beforeExit wait for the final flush.',
  ),
});

export type PreloadEnv = z.infer<typeof envSchema>;
