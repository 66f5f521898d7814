import { hostname } from 'node:os';

/**
 * The embedded default config, used when no --config is given: OTLP/HTTP and gRPC in on the default
 * ports; every batch enriched with the gateway instance (OTEL_GATEWAY_INSTANCE, else the host
 * name), the deployment environment when OTEL_GATEWAY_ENVIRONMENT is set (apps' own values
 * kept), and the service catalog OTEL_GATEWAY_CATALOG names, if any, then redacted with every
 * detector that is on by default; out to
 * OTEL_GATEWAY_UPSTREAM (an OTLP/HTTP endpoint) when set, otherwise to files under ./data/ plus a
 * one-line-per-batch summary on stdout.
 */
export function DEFAULT_CONFIG_YAML(env: NodeJS.ProcessEnv): string {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  const instance = JSON.stringify(
    set('OTEL_GATEWAY_INSTANCE') ? env.OTEL_GATEWAY_INSTANCE : hostname(),
  );
  const environment = set('OTEL_GATEWAY_ENVIRONMENT')
    ? '      - { key: deployment.environment.name, from_env: OTEL_GATEWAY_ENVIRONMENT }\n'
    : '';
  const catalog = set('OTEL_GATEWAY_CATALOG')
    ? '    catalog:\n      path: ${env:OTEL_GATEWAY_CATALOG}\n'
    : '';
  const enrich = `processors:
  enrich:
    actions:
      - { key: gateway.instance, value: ${instance}, action: upsert }
${environment}${catalog}  redact: {}
`;
  const upstream = env.OTEL_GATEWAY_UPSTREAM !== undefined && env.OTEL_GATEWAY_UPSTREAM !== '';
  const exporters = upstream
    ? `exporters:
  otlp_http/upstream:
    endpoint: \${env:OTEL_GATEWAY_UPSTREAM}
`
    : `exporters:
  file:
    path: ./data/otlp.jsonl
  debug:
    verbosity: summary
`;
  const out = upstream ? '[otlp_http/upstream]' : '[file, debug]';
  return `receivers:
  otlp_http:
    endpoint: 127.0.0.1:4318
  otlp_grpc:
    endpoint: 127.0.0.1:4317
${enrich}${exporters}
service:
  pipelines:
    traces:
      receivers: [otlp_http, otlp_grpc]
      processors: [enrich, redact]
      exporters: ${out}
    metrics:
      receivers: [otlp_http, otlp_grpc]
      processors: [enrich, redact]
      exporters: ${out}
    logs:
      receivers: [otlp_http, otlp_grpc]
      processors: [enrich, redact]
      exporters: ${out}
`;
}
