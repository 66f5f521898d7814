import * as z from 'zod/mini';

/**
 * The environment the preload reads: the standard `OTEL_*` variables it honours plus its own
 * `OTEL_PRELOAD_*` ones. This schema is the single truth: defaults, types and documentation
 * (zod's global registry) all come from it. A bad value never stops the host app:
 * {@link parseEnv} falls back to the default and reports a warning that names the variable.
 * It uses zod's tree-shakable "mini" build: the full build alone would triple the preload's
 * startup cost.
 */

/** Attaches the variable's documentation to its schema. */
const doc = <T extends z.ZodMiniType>(schema: T, description: string): T => {
  z.globalRegistry.add(schema, { description });
  return schema;
};

const boolean = z.pipe(
  z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False', '1', '0']),
  z.transform((value) => value.toLowerCase() === 'true' || value === '1'),
);

// zod/mini ships no English messages (loading them costs startup time), so the numeric and URL
// checks name their expectation themselves: it is the `reason` of the warning. Building schemas
// is most of this module's startup cost, so variables share these instances; each still gets its
// own default/optional wrapper, which is what carries its description. Timeouts are positive
// too: the spec lets 0 mean "no limit", but the SDK's exporters and metric reader throw on 0.
const int = (error: string) => z.coerce.number({ error }).check(z.int({ error }));
const positiveInt = int('expected a positive integer').check(
  z.positive({ error: 'expected a positive integer' }),
);
const nonNegativeInt = int('expected a non-negative integer').check(
  z.minimum(0, { error: 'expected a non-negative integer' }),
);
const port = int('expected a port number (0-65535)').check(
  z.minimum(0, { error: 'expected a port number (0-65535)' }),
  z.maximum(65535, { error: 'expected a port number (0-65535)' }),
);

const url = z.url({ protocol: /^https?$/, error: 'expected an http or https URL' });
const filePath = z.string().check(z.minLength(1));

/** OTLP encodings the preload can send; grpc gets its own reason because users do try it. */
const protocol = z.enum(['http/protobuf', 'http/json'], {
  error: (issue) =>
    issue.input === 'grpc'
      ? 'grpc is not supported by the preload, which exports over OTLP/HTTP only'
      : undefined,
});
const compression = z.enum(['gzip', 'none']);

/** An enum the spec declares case-insensitive; the output is lower case. */
const lowercaseEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((value: string) => value.toLowerCase()),
    ),
    z.enum(values),
  );

/** Comma-separated entries, trimmed, empty ones dropped (`a, b,` → `['a', 'b']`). */
const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

const list = z.pipe(z.string(), z.transform(splitList));

/**
 * `key=value,key2=value2` with percent-decoding, as the spec defines for headers and attributes.
 * Messages give the entry's position, never its text: header values are often secrets.
 */
const keyValueList = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => {
    const out: Record<string, string> = {};
    const pairs = value.split(',');
    for (const [index, pair] of pairs.entries()) {
      if (pair.trim() === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        ctx.issues.push({
          code: 'custom',
          message: `entry ${index + 1} is not key=value`,
          input: value,
        });
        return z.NEVER;
      }
      try {
        out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(
          pair.slice(eq + 1).trim(),
        );
      } catch {
        ctx.issues.push({
          code: 'custom',
          message: `entry ${index + 1} has invalid percent-encoding`,
          input: value,
        });
        return z.NEVER;
      }
    }
    return out;
  }),
);

const exporterList = <const T extends readonly [string, ...string[]]>(allowed: T) =>
  z.pipe(list, z.array(z.enum(allowed)));

const withDefault = <T extends z.ZodMiniType>(
  schema: T,
  value: Exclude<z.output<T>, undefined>,
  description: string,
) => doc(z._default(schema, value as never), description);

const SIGNAL_KEYS = { traces: 'TRACES', metrics: 'METRICS', logs: 'LOGS' } as const;
type SignalKey = (typeof SIGNAL_KEYS)[keyof typeof SIGNAL_KEYS];

/**
 * The per-signal OTLP exporter variables (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`…). Unset means
 * "use the generic variable"; {@link otlpExporterSettings} applies that precedence.
 */
const signalOverrides = <S extends SignalKey>(signal: S, items: string) => {
  const schemas = {
    ENDPOINT: doc(
      z.optional(url),
      `OTLP/HTTP URL for ${items}, used as-is (no /v1/ path appended); overrides OTEL_EXPORTER_OTLP_ENDPOINT.`,
    ),
    HEADERS: doc(
      z.optional(keyValueList),
      `Headers for ${items} export requests (secret); merged over OTEL_EXPORTER_OTLP_HEADERS, these win per key.`,
    ),
    PROTOCOL: doc(z.optional(protocol), `OTLP wire encoding for ${items}.`),
    TIMEOUT: doc(z.optional(positiveInt), `Per-export timeout for ${items}, milliseconds.`),
    COMPRESSION: doc(z.optional(compression), `Request compression for ${items}.`),
    CERTIFICATE: doc(
      z.optional(filePath),
      `PEM file of the CA certificates trusted for the ${items} endpoint.`,
    ),
    CLIENT_KEY: doc(z.optional(filePath), `PEM file of the mTLS client key for ${items}.`),
    CLIENT_CERTIFICATE: doc(
      z.optional(filePath),
      `PEM file of the mTLS client certificate chain for ${items}.`,
    ),
  };
  return Object.fromEntries(
    Object.entries(schemas).map(([option, schema]) => [
      `OTEL_EXPORTER_OTLP_${signal}_${option}`,
      schema,
    ]),
  ) as { [K in keyof typeof schemas as `OTEL_EXPORTER_OTLP_${S}_${K}`]: (typeof schemas)[K] };
};

/** Detectors that read only the process's own surroundings (no network call). */
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
  OTEL_TRACES_EXPORTER: withDefault(
    exporterList(['otlp', 'console', 'none']),
    ['otlp'],
    'Where spans go.',
  ),
  OTEL_METRICS_EXPORTER: withDefault(
    exporterList(['prometheus', 'otlp', 'console', 'none']),
    ['prometheus'],
    'Where metrics go; prometheus by default so nothing is pushed to a missing collector.',
  ),
  OTEL_LOGS_EXPORTER: withDefault(
    exporterList(['otlp', 'console', 'none']),
    ['none'],
    'OTLP log export; off by default because stdout JSON is usually collected already.',
  ),
  OTEL_TRACES_SAMPLER: withDefault(
    z.enum([
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
    z.optional(z.coerce.number().check(z.minimum(0), z.maximum(1))),
    'Ratio for the traceidratio samplers.',
  ),
  OTEL_PROPAGATORS: withDefault(
    exporterList(['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'none']),
    ['tracecontext', 'baggage'],
    'Context propagators.',
  ),
  OTEL_EXPORTER_PROMETHEUS_HOST: withDefault(
    z.string().check(z.minLength(1)),
    '127.0.0.1',
    'Prometheus endpoint bind address (loopback by default).',
  ),
  OTEL_EXPORTER_PROMETHEUS_PORT: withDefault(port, 9464, 'Prometheus endpoint port.'),
  OTEL_LOG_LEVEL: withDefault(
    z.enum(['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all']),
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
  OTEL_METRICS_EXEMPLAR_FILTER: withDefault(
    z.enum(['trace_based', 'always_on', 'always_off']),
    'trace_based',
    'Which measurements may become exemplars.',
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

/** Variables whose values are never echoed in warnings or in the effective-config log line. */
const SENSITIVE = new Set<string>([
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
]);

/** Lists where an unknown entry is dropped with a warning instead of rejecting the whole value. */
const FORGIVING_LISTS = new Set<string>(['OTEL_NODE_RESOURCE_DETECTORS']);

/** Variables the spec defines that the preload deliberately ignores, with the reason it gives. */
const UNSUPPORTED: Record<string, string> = {
  OTEL_CONFIG_FILE:
    'declarative configuration files are not supported by the preload; the file is ignored',
  OTEL_EXPERIMENTAL_CONFIG_FILE:
    'declarative configuration files are not supported by the preload; the file is ignored',
};

/**
 * Pairs where the first value may not exceed the second: the spec bounds each batch by its
 * queue, and the SDK's periodic metric reader throws when the timeout exceeds the interval.
 * The remedy is the other variable's value, which a zod refinement cannot supply (it can only
 * reject), so {@link parseEnv} applies these after parsing.
 */
const AT_MOST = [
  ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'OTEL_BSP_MAX_QUEUE_SIZE'],
  ['OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 'OTEL_BLRP_MAX_QUEUE_SIZE'],
  ['OTEL_METRIC_EXPORT_TIMEOUT', 'OTEL_METRIC_EXPORT_INTERVAL'],
] as const;

export interface EnvWarning {
  variable: string;
  /** The offending value, or `[REDACTED]` for secret-bearing variables. */
  value: string;
  reason: string;
  /** What is used instead, as the user would write it. */
  fallback: string;
}

export interface ParsedEnv {
  config: PreloadEnv;
  warnings: EnvWarning[];
}

const known = Object.keys(envSchema.shape) as (keyof PreloadEnv)[];

const PER_SIGNAL =
  /^OTEL_EXPORTER_OTLP_(TRACES|METRICS|LOGS)_(ENDPOINT|HEADERS|PROTOCOL|TIMEOUT|COMPRESSION|CERTIFICATE|CLIENT_KEY|CLIENT_CERTIFICATE)$/;

/** Model-specific limits that take the general limit's value when unset. */
const GENERAL_LIMIT: Record<string, keyof PreloadEnv> = {
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: 'OTEL_ATTRIBUTE_COUNT_LIMIT',
  OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: 'OTEL_ATTRIBUTE_COUNT_LIMIT',
};

function describeFallback(variable: keyof PreloadEnv, config: PreloadEnv): string {
  const value = config[variable];
  if (value === undefined) {
    // An unset per-signal or model-specific variable inherits: name what it resolves to.
    const perSignal = PER_SIGNAL.exec(variable);
    if (perSignal?.[2] === 'ENDPOINT') {
      const signal = perSignal[1]!.toLowerCase() as OtlpSignal;
      return `${signalUrl(config, signal)} (from OTEL_EXPORTER_OTLP_ENDPOINT)`;
    }
    const parent = perSignal
      ? (`OTEL_EXPORTER_OTLP_${perSignal[2]}` as keyof PreloadEnv)
      : GENERAL_LIMIT[variable];
    return parent ? `${describeFallback(parent, config)} (from ${parent})` : 'unset';
  }
  if (SENSITIVE.has(variable)) return '[REDACTED]';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Removes what the schema rejected from `input` (for forgiving lists only the unknown entries)
 * and returns each affected variable with its reason, in schema order.
 */
function dropInvalid(
  input: Record<string, string>,
  issues: readonly z.core.$ZodIssue[],
): Map<string, string> {
  const rejected = new Map<string, string>();
  const unknownEntries = new Map<string, Set<number>>();
  for (const issue of issues) {
    const variable = String(issue.path[0]);
    const entry = issue.path[1];
    if (FORGIVING_LISTS.has(variable) && typeof entry === 'number') {
      unknownEntries.set(variable, (unknownEntries.get(variable) ?? new Set()).add(entry));
    } else if (!rejected.has(variable)) rejected.set(variable, issue.message);
  }
  for (const variable of rejected.keys()) delete input[variable];
  for (const [variable, indices] of unknownEntries) {
    if (rejected.has(variable)) continue;
    const entries = splitList(input[variable]!);
    const unknown = entries.filter((_, i) => indices.has(i)).map((e) => JSON.stringify(e));
    const kept = entries.filter((_, i) => !indices.has(i));
    rejected.set(variable, `unknown ${unknown.join(', ')} dropped`);
    if (kept.length > 0) input[variable] = kept.join(',');
    else delete input[variable];
  }
  return rejected;
}

/** Applies {@link AT_MOST}; warns only about values the user set (`input`), not defaults. */
function clampBounded(
  config: PreloadEnv,
  input: Record<string, string>,
  env: NodeJS.ProcessEnv,
): EnvWarning[] {
  const warnings: EnvWarning[] = [];
  for (const [variable, bound] of AT_MOST) {
    if (config[variable] <= config[bound]) continue;
    config[variable] = config[bound];
    if (variable in input) {
      warnings.push({
        variable,
        value: env[variable] ?? '',
        reason: `must not exceed ${bound}`,
        fallback: String(config[bound]),
      });
    }
  }
  return warnings;
}

/**
 * Parses the preload's environment. Never throws: each invalid variable is replaced by its
 * default and reported once in `warnings` (variable, value — redacted if sensitive — reason,
 * fallback). Empty strings count as unset, as the OpenTelemetry spec requires. Unknown
 * resource detector names are dropped and the rest kept; a batch size above its queue size
 * (or a metric export timeout above its interval) is lowered to it, with a warning when the
 * user set it; a set but unsupported variable such as OTEL_CONFIG_FILE gets a warning.
 */
export function parseEnv(env: NodeJS.ProcessEnv): ParsedEnv {
  const input: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value.trim();
  }
  const first = envSchema.safeParse(input);
  const rejected = first.success
    ? new Map<string, string>()
    : dropInvalid(input, first.error.issues);
  const config = first.success ? first.data : envSchema.parse(input);
  const clamped = clampBounded(config, input, env);

  const warnings: EnvWarning[] = [];
  for (const [variable, reason] of Object.entries(UNSUPPORTED)) {
    const value = env[variable]?.trim();
    if (value) {
      warnings.push({ variable, value, reason, fallback: 'the OTEL_* environment variables' });
    }
  }
  for (const [variable, reason] of rejected) {
    warnings.push({
      variable,
      value: SENSITIVE.has(variable) ? '[REDACTED]' : (env[variable] ?? ''),
      reason,
      fallback: describeFallback(variable as keyof PreloadEnv, config),
    });
  }
  warnings.push(...clamped);
  return { config, warnings };
}

/** One line per warning, for the preload's diagnostic logger. */
export function formatWarning(warning: EnvWarning): string {
  return `invalid ${warning.variable}=${JSON.stringify(warning.value)} (${warning.reason}); using ${warning.fallback}`;
}

/** The effective config with secret-bearing values replaced, safe to log. */
export function redactedConfig(config: PreloadEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of known) {
    const value = config[name];
    if (value === undefined) continue;
    out[name] = SENSITIVE.has(name) ? '[REDACTED]' : value;
  }
  return out;
}

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
