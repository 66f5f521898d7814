// The configs of the processors benchmark: the gateway's, and the Collector's doing the same
// work. No side effects, so a config can be printed and checked on its own.
import { parse, stringify } from 'yaml';
import { DEFAULT_CONFIG_YAML } from '../src/config/default.ts';
import { SPANS_PER_REQUEST } from './fixture.ts';

export const ENRICH = {
  hash_key_env: 'BENCH_HASH_KEY',
  actions: [
    { key: 'gateway.instance', value: 'bench', action: 'upsert' },
    { key: 'deployment.environment.name', value: 'production' },
    { key: 'enduser.id', action: 'hash', on: 'record' },
  ],
};
export const ROUTING = {
  table: [
    {
      name: 'health',
      condition: { attribute: 'url.path', in: ['/health', '/healthz', '/ready', '/metrics'] },
      action: 'drop',
    },
    {
      name: 'errors',
      condition: { field: 'status.code', equals: 'ERROR' },
      pipelines: ['traces/main', 'traces/errors'],
    },
  ],
  default_pipelines: ['traces/main'],
};
export type Target =
  'gateway-noop' | 'gateway-default' | 'gateway-full' | 'collector-noop' | 'collector-full';
export const TARGETS: readonly Target[] = [
  'gateway-noop',
  'gateway-default',
  'gateway-full',
  'collector-noop',
  'collector-full',
];
/** Spans the sink must receive per request sent. */
export const deliveredPerRequest = (target: Target, routed: number) =>
  target.endsWith('-full') ? routed : SPANS_PER_REQUEST;

export function gatewayConfig(target: Target, port: number, sink: string): string {
  const exporter = {
    endpoint: sink,
    compression: 'none',
    sending_queue: { capacity: 2000, consumers: 16 },
  };
  const service = {
    admin: { endpoint: '127.0.0.1:0' },
    log_level: 'warn',
    memory: { soft_limit_mib: 1024, hard_limit_mib: 1536 },
  };
  const receivers = { otlp_http: { endpoint: `127.0.0.1:${port}` } };
  if (target === 'gateway-default') {
    // The embedded default's processors, exactly; only listeners and the exporter differ.
    const embedded = parse(
      DEFAULT_CONFIG_YAML({
        OTEL_GATEWAY_INSTANCE: 'bench',
        OTEL_GATEWAY_ENVIRONMENT: 'production',
      }),
    ) as { processors: unknown };
    return stringify({
      receivers,
      processors: embedded.processors,
      exporters: { otlp_http: exporter },
      service: {
        ...service,
        pipelines: {
          traces: {
            receivers: ['otlp_http'],
            processors: ['enrich', 'redact'],
            exporters: ['otlp_http'],
          },
        },
      },
    });
  }
  if (target === 'gateway-noop')
    return stringify({
      receivers,
      exporters: { otlp_http: exporter },
      service: {
        ...service,
        pipelines: { traces: { receivers: ['otlp_http'], exporters: ['otlp_http'] } },
      },
    });
  return stringify({
    receivers,
    processors: { enrich: ENRICH, redact: {} },
    exporters: { otlp_http: exporter, 'otlp_http/errors': exporter },
    connectors: { routing: ROUTING },
    service: {
      ...service,
      pipelines: {
        'traces/in': {
          receivers: ['otlp_http'],
          processors: ['enrich', 'redact'],
          exporters: ['routing'],
        },
        'traces/main': { receivers: ['routing'], exporters: ['otlp_http'] },
        'traces/errors': { receivers: ['routing'], exporters: ['otlp_http/errors'] },
      },
    },
  });
}

/**
 * The Collector doing what gateway-full does: resource attributes set, enduser.id hashed, secret
 * keys and the same kinds of values masked (redaction), SQL literals and query tokens replaced
 * (transform), health checks dropped (filter), errors copied to a second route (routing).
 */
const COLLECTOR_BLOCKED_VALUES = [
  '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}', // email
  '\\b(?:\\d[ -]?){12,18}\\d\\b', // payment card
  '\\b\\d{3}-\\d{2}-\\d{4}\\b', // US SSN
  'eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*', // JWT
  '(?i)(?:bearer|basic|token|digest)\\s+[A-Za-z0-9._~+/=-]+', // bearer
  '\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b', // AWS access key
  '\\bgh[pousr]_[A-Za-z0-9]{36,}\\b', // GitHub
  'glpat-[A-Za-z0-9_-]{20,}', // GitLab
  'xox[baprs]-[A-Za-z0-9-]{10,}', // Slack
  'sk_live_[A-Za-z0-9]{24,}', // Stripe
  'AIza[A-Za-z0-9_-]{35}', // Google API key
  'npm_[A-Za-z0-9]{36}', // npm
  '-----BEGIN [A-Z ]*PRIVATE KEY-----', // private key
  '\\b[A-Z]{2}\\d{2}[A-Z0-9]{11,30}\\b', // IBAN
  '[a-z][a-z0-9+.-]*://[^/\\s:@]*:[^/\\s@]*@', // URL credentials
];

export function collectorConfig(target: Target, port: number, sink: string): string {
  const exporter = {
    endpoint: sink,
    compression: 'none',
    sending_queue: { queue_size: 2000, num_consumers: 16 },
  };
  const batch = { send_batch_size: 8192, timeout: '200ms' };
  const base = {
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${port}` } } } },
    service: { telemetry: { metrics: { level: 'none' }, logs: { level: 'warn' } } },
  };
  if (target === 'collector-noop')
    return stringify({
      ...base,
      processors: { batch },
      exporters: { otlp_http: exporter },
      service: {
        ...base.service,
        pipelines: {
          traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlp_http'] },
        },
      },
    });
  return stringify({
    ...base,
    processors: {
      batch,
      'resource/enrich': {
        attributes: [
          { key: 'gateway.instance', value: 'bench', action: 'upsert' },
          { key: 'deployment.environment.name', value: 'production', action: 'insert' },
        ],
      },
      'attributes/hash': { actions: [{ key: 'enduser.id', action: 'hash' }] },
      redaction: {
        allow_all_keys: true,
        blocked_key_patterns: [
          '(?i)(?:pass(?:word|wd)?|secret|token|api[_-]?key|authorization|cookie|session)',
        ],
        blocked_values: COLLECTOR_BLOCKED_VALUES,
        summary: 'silent',
      },
      'transform/sql_url': {
        error_mode: 'ignore',
        trace_statements: [
          {
            context: 'span',
            statements: [
              `replace_pattern(span.attributes["db.query.text"], "'(?:[^']|'')*'", "?")`,
              'replace_pattern(span.attributes["db.query.text"], "\\\\b\\\\d+(?:\\\\.\\\\d+)?\\\\b", "?")',
              'replace_pattern(span.attributes["url.full"], "([?&#](?:token|access_token|api_key|apikey|key|password|secret|signature|sig|code)=)[^&#]*", "$$1[REDACTED]")',
            ],
          },
        ],
      },
      'filter/health': {
        error_mode: 'ignore',
        traces: {
          span: ['IsMatch(span.attributes["url.path"], "^/(?:health|healthz|ready|metrics)$")'],
        },
      },
    },
    exporters: { otlp_http: exporter, 'otlp_http/errors': exporter },
    connectors: {
      routing: {
        default_pipelines: ['traces/main'],
        table: [
          {
            context: 'span',
            condition: 'span.status.code == STATUS_CODE_ERROR',
            pipelines: ['traces/main', 'traces/errors'],
          },
        ],
      },
    },
    service: {
      ...base.service,
      pipelines: {
        'traces/in': {
          receivers: ['otlp'],
          processors: [
            'resource/enrich',
            'attributes/hash',
            'redaction',
            'transform/sql_url',
            'filter/health',
          ],
          exporters: ['routing'],
        },
        'traces/main': { receivers: ['routing'], processors: ['batch'], exporters: ['otlp_http'] },
        'traces/errors': {
          receivers: ['routing'],
          processors: ['batch'],
          exporters: ['otlp_http/errors'],
        },
      },
    },
  });
}
