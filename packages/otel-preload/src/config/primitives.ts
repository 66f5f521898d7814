// Building blocks of the environment schema (schema.ts): value types with the messages a
// warning quotes, documentation attached through zod's registry, per-signal OTLP variables.
import { accessSync, constants, statSync } from 'node:fs';
import * as z from 'zod/mini';

/** Attaches the variable's documentation to its schema. */
export const doc = <T extends z.ZodMiniType>(schema: T, description: string): T => {
  z.globalRegistry.add(schema, { description });
  return schema;
};

export const boolean = z.pipe(
  z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False', '1', '0']),
  z.transform((value) => value.toLowerCase() === 'true' || value === '1'),
);

// zod/mini ships no English messages (loading them costs startup time), so the numeric and URL
// checks name their expectation themselves: it is the `reason` of the warning. Building schemas
// is most of this module's startup cost, so variables share these instances; each still gets its
// own default/optional wrapper, which is what carries its description. Timeouts are positive
// too: the spec lets 0 mean "no limit", but the SDK's exporters and metric reader throw on 0.
export const int = (error: string) => z.coerce.number({ error }).check(z.int({ error }));
export const positiveInt = int('expected a positive integer').check(
  z.positive({ error: 'expected a positive integer' }),
);
export const nonNegativeInt = int('expected a non-negative integer').check(
  z.minimum(0, { error: 'expected a non-negative integer' }),
);
export const port = int('expected a port number (0-65535)').check(
  z.minimum(0, { error: 'expected a port number (0-65535)' }),
  z.maximum(65535, { error: 'expected a port number (0-65535)' }),
);

export const url = z.url({ protocol: /^https?$/, error: 'expected an http or https URL' });
/** A file the process can read: checked at startup, so a wrong path is named before any export. */
export const filePath = z.string().check(
  z.minLength(1),
  z.refine(
    (path: string) => {
      try {
        accessSync(path, constants.R_OK);
        return statSync(path).isFile();
      } catch {
        return false;
      }
    },
    { error: 'no readable file at that path' },
  ),
);

/** One of `values`, with a warning reason that lists them. */
export const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` });

const lowercase = z.pipe(
  z.string(),
  z.transform((value: string) => value.toLowerCase()),
);

/** An enum value, read ignoring case as the spec asks of every enum; the output is lower case. */
export const lowercaseEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.pipe(lowercase, choice(values));

/** OTLP encodings the preload can send; grpc gets its own reason because users do try it. */
export const protocol = z.pipe(
  lowercase,
  z.enum(['http/protobuf', 'http/json'], {
    error: (issue) =>
      issue.input === 'grpc'
        ? 'grpc is not supported by the preload, which exports over OTLP/HTTP only'
        : 'expected one of http/protobuf, http/json',
  }),
);
export const compression = lowercaseEnum(['gzip', 'none']);

/** Comma-separated entries, trimmed, empty ones dropped (`a, b,` → `['a', 'b']`). */
export const splitList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

export const list = z.pipe(z.string(), z.transform(splitList));

/**
 * `key=value,key2=value2` with percent-decoding, as the spec defines for headers and attributes.
 * Messages give the entry's position, never its text: header values are often secrets.
 */
export const keyValueList = z.pipe(
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

/**
 * A list of names from `allowed`, read ignoring case. An unknown entry is dropped with a warning
 * and the rest kept (see env.ts): one typo must not turn off every exporter.
 */
export const exporterList = <const T extends readonly [string, ...string[]]>(allowed: T) =>
  z.pipe(z.pipe(lowercase, list), z.array(choice(allowed)));

export const withDefault = <T extends z.ZodMiniType>(
  schema: T,
  value: Exclude<z.output<T>, undefined>,
  description: string,
) => doc(z._default(schema, value as never), description);

export const SIGNAL_KEYS = { traces: 'TRACES', metrics: 'METRICS', logs: 'LOGS' } as const;
export type SignalKey = (typeof SIGNAL_KEYS)[keyof typeof SIGNAL_KEYS];

/**
 * The per-signal OTLP exporter variables (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`…). Unset means
 * "use the generic variable"; {@link otlpExporterSettings} applies that precedence.
 */
export const signalOverrides = <S extends SignalKey>(signal: S, items: string) => {
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
