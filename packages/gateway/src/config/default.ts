/**
 * The embedded default config, used when no --config is given: OTLP/HTTP and gRPC in on the default ports,
 * out to OTEL_GATEWAY_UPSTREAM (an OTLP/HTTP endpoint) when set, otherwise to files under ./data/
 * plus a one-line-per-batch summary on stdout.
 */
export function DEFAULT_CONFIG_YAML(env: NodeJS.ProcessEnv): string {
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
${exporters}
service:
  pipelines:
    traces:
      receivers: [otlp_http, otlp_grpc]
      exporters: ${out}
    metrics:
      receivers: [otlp_http, otlp_grpc]
      exporters: ${out}
    logs:
      receivers: [otlp_http, otlp_grpc]
      exporters: ${out}
`;
}
