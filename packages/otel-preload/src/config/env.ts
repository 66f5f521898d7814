import type * as z from 'zod/mini';
import { splitList } from './primitives.ts';
import type { PreloadEnv } from './schema.ts';
import { envSchema } from './schema.ts';
import type { OtlpSignal } from './settings.ts';
import { signalUrl } from './settings.ts';
import { capturableHeaders, scrubUrls } from '@org/redaction';

// Parsing the environment against the schema (schema.ts): never throws; every invalid variable
// falls back to its default with one warning naming it. Also the `@org/otel-preload/config`
// entry point, so the schema and the OTLP settings resolver are exported from here too.
export type { PreloadEnv } from './schema.ts';
export { CLOUD_DETECTORS, envSchema, LOCAL_DETECTORS } from './schema.ts';
export type {
  AttributeLimits,
  OtlpExporterSettings,
  OtlpSignal,
  SpanLimitSettings,
} from './settings.ts';
export { logRecordLimits, otlpExporterSettings, signalUrl, spanLimits } from './settings.ts';

/** Variables whose values are never echoed in warnings or in the effective-config log line. */
const SENSITIVE = new Set<string>([
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
]);

/** Lists where an unknown entry is dropped with a warning instead of rejecting the whole value. */
const FORGIVING_LISTS = new Set<string>([
  'OTEL_NODE_RESOURCE_DETECTORS',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_LOGS_EXPORTER',
  'OTEL_PROPAGATORS',
]);

/** Variables the spec defines that the preload deliberately ignores, with the reason it gives. */
const UNSUPPORTED: Record<string, string> = {
  OTEL_CONFIG_FILE:
    'declarative configuration files are not supported by the preload; the file is ignored',
  OTEL_EXPERIMENTAL_CONFIG_FILE:
    'declarative configuration files are not supported by the preload; the file is ignored',
  OTEL_METRICS_EXEMPLAR_FILTER:
    'the OpenTelemetry JS metrics SDK records no exemplars; the filter has nothing to apply to',
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

/** What an unset optional variable means, where "unset" alone would not say. */
const UNSET_MEANS: Partial<Record<keyof PreloadEnv, string>> = {
  OTEL_EXPORTER_OTLP_CERTIFICATE: "the system's CA certificates",
  OTEL_EXPORTER_OTLP_CLIENT_KEY: 'no client certificate',
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: 'no client certificate',
  OTEL_TRACES_SAMPLER_ARG: '1 (the ratio samplers keep every trace)',
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'every instrumentation',
};

function describeFallback(variable: keyof PreloadEnv, config: PreloadEnv): string {
  const value = config[variable];
  if (value === undefined) {
    // An unset per-signal or model-specific variable inherits: name what it resolves to.
    const perSignal = PER_SIGNAL.exec(variable);
    if (perSignal?.[2] === 'ENDPOINT') {
      const signal = perSignal[1]!.toLowerCase() as OtlpSignal;
      return `${scrubUrls(signalUrl(config, signal))} (from OTEL_EXPORTER_OTLP_ENDPOINT)`;
    }
    const parent = perSignal
      ? (`OTEL_EXPORTER_OTLP_${perSignal[2]}` as keyof PreloadEnv)
      : GENERAL_LIMIT[variable];
    if (parent) return `${describeFallback(parent, config)} (from ${parent})`;
    return UNSET_MEANS[variable] ?? 'unset';
  }
  if (SENSITIVE.has(variable)) return '[REDACTED]';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return scrubUrls(String(value));
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
  /** Per forgiving list, what its entries may be (the entry issue's message). */
  const expected = new Map<string, string>();
  for (const issue of issues) {
    const variable = String(issue.path[0]);
    const entry = issue.path[1];
    if (FORGIVING_LISTS.has(variable) && typeof entry === 'number') {
      unknownEntries.set(variable, (unknownEntries.get(variable) ?? new Set()).add(entry));
      expected.set(variable, issue.message);
    } else if (!rejected.has(variable)) rejected.set(variable, issue.message);
  }
  for (const variable of rejected.keys()) delete input[variable];
  for (const [variable, indices] of unknownEntries) {
    if (rejected.has(variable)) continue;
    const entries = splitList(input[variable]!);
    const unknown = entries.filter((_, i) => indices.has(i)).map((e) => JSON.stringify(e));
    const kept = entries.filter((_, i) => !indices.has(i));
    rejected.set(variable, `unknown ${unknown.join(', ')} dropped; ${expected.get(variable)}`);
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
      value: SENSITIVE.has(variable) ? '[REDACTED]' : scrubUrls(env[variable] ?? ''),
      reason,
      fallback: describeFallback(variable as keyof PreloadEnv, config),
    });
  }
  warnings.push(...clamped);
  // The headers really captured (lower case, the deny-list removed); the rest is named.
  const requested = config.OTEL_PRELOAD_CAPTURE_HEADERS;
  config.OTEL_PRELOAD_CAPTURE_HEADERS = capturableHeaders(requested);
  const denied = requested.filter(
    (name) => !config.OTEL_PRELOAD_CAPTURE_HEADERS.includes(name.toLowerCase()),
  );
  if (denied.length > 0) {
    warnings.push({
      variable: 'OTEL_PRELOAD_CAPTURE_HEADERS',
      value: env.OTEL_PRELOAD_CAPTURE_HEADERS ?? '',
      reason: `${denied.join(', ')} never captured, by rule http.headers`,
      fallback: describeFallback('OTEL_PRELOAD_CAPTURE_HEADERS', config),
    });
  }
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
    out[name] = SENSITIVE.has(name)
      ? '[REDACTED]'
      : typeof value === 'string'
        ? scrubUrls(value)
        : value;
  }
  return out;
}
