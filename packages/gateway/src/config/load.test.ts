import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from './load.ts';

const testdata = join(import.meta.dirname, '..', '..', 'testdata');

function problemsOf(
  fn: () => unknown,
): { path: string; line: number | undefined; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads testdata/config.yaml with env expansion and defaults', () => {
    const config = loadConfig(join(testdata, 'config.yaml'), { COLLECTOR_TOKEN: 's3cr3t' });
    const collector = config.exporterConfigs.get('otlp_http/collector')!;
    expect(collector.type).toBe('otlp_http');
    expect(collector.config).toMatchObject({
      endpoint: 'http://127.0.0.1:14318',
      encoding: 'proto',
      headers: { authorization: 'Bearer s3cr3t' },
      sending_queue: { capacity: 500, consumers: 8, on_full: 'refuse' },
      retry_on_failure: {
        initial_interval_ms: 500,
        max_interval_ms: 30_000,
        max_elapsed_ms: 120_000,
      },
    });
    expect(config.exporterConfigs.get('otlp_grpc/backup')!.config).toMatchObject({
      endpoint: '127.0.0.1:24317',
      compression: 'gzip',
      tls: { insecure: true, insecure_skip_verify: false },
      batch: { enabled: true, min_items: 4096, max_bytes: 3 * 1024 * 1024, timeout_ms: 500 },
      sending_queue: { capacity: 1000, max_size_mib: 32, consumers: 4, on_full: 'drop' },
    });
    expect(config.exporterConfigs.get('file/archive')!.config).toMatchObject({
      sending_queue: { on_full: 'drop' },
    });
    expect(config.service.admin.endpoint).toBe('127.0.0.1:13133');
    expect(config.service.memory).toEqual({ soft_limit_mib: 400, hard_limit_mib: 600 });
  });

  it('lists every problem of a bad config with its key path and line', () => {
    const problems = problemsOf(() => loadConfig(join(testdata, 'invalid.yaml'), {}));
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(byPath['receivers.otlp_http.endpoint']).toMatchObject({
      line: 3,
      message: 'expected host:port',
    });
    expect(byPath['receivers.otlp_http']!.message).toMatch(/max_bodyy_bytes/);
    expect(byPath['exporters.otlp_http/collector.endpoint']!.line).toBe(7);
    expect(byPath['exporters.kafka']).toMatchObject({
      line: 9,
      message: expect.stringMatching(/unknown exporter type "kafka"/) as string,
    });
    expect(byPath['service.pipelines.traces.exporters[1]']).toMatchObject({
      line: 14,
      message: '"missing" is not defined under exporters or connectors',
    });
    expect(byPath['service.pipelines.spans']!.message).toMatch(
      /must be named traces, metrics or logs/,
    );
    expect(byPath['service.memory']!.message).toMatch(
      /soft_limit_mib must be below hard_limit_mib/,
    );
  });

  it('checks how connectors join pipelines', () => {
    const problems = problemsOf(() =>
      parseConfig(
        `receivers: { otlp_http: {} }
exporters: { debug: {} }
connectors:
  forward/loop: {}
  forward/metrics: {}
  forward/unfed: {}
  forward/unread: {}
  debug: {}
service:
  pipelines:
    traces/a: { receivers: [otlp_http, forward/loop], exporters: [forward/loop, forward/metrics, forward/unread] }
    metrics: { receivers: [forward/metrics, forward/unfed], exporters: [debug] }
`,
        'connectors.yaml',
      ),
    );
    expect(problems.filter((p) => p.path === 'connectors.debug').map((p) => p.message)).toEqual([
      expect.stringMatching(/unknown connector type "debug"/) as string,
      '"debug" is also defined as an exporter; a connector needs an id of its own',
    ]);
    const byPath = Object.fromEntries(
      problems.filter((p) => p.path !== 'connectors.debug').map((p) => [p.path, p.message]),
    );
    expect(byPath).toEqual({
      'connectors.forward/unfed':
        'connector "forward/unfed" is a receiver of metrics but no pipeline exports to it',
      'connectors.forward/unread':
        'connector "forward/unread" is an exporter of traces/a but no pipeline receives from it',
      'service.pipelines.metrics.receivers[0]':
        'connector "forward/metrics" cannot pass traces (from pipeline "traces/a") into a metrics pipeline',
      'service.pipelines.traces/a':
        'pipelines feed each other in a cycle through connectors: traces/a → traces/a',
    });
  });

  it('accepts pipelines joined by a forward connector', () => {
    const config = parseConfig(
      `receivers: { otlp_http: {} }
exporters: { debug: {}, file: {} }
connectors: { forward: {} }
service:
  pipelines:
    traces/in: { receivers: [otlp_http], exporters: [forward] }
    traces/out: { receivers: [forward], exporters: [debug, file] }
`,
      'forward.yaml',
    );
    expect(config.connectorConfigs.get('forward')).toEqual({ type: 'forward', config: {} });
  });

  it('names an unset variable and its key', () => {
    const problems = problemsOf(() => loadConfig(join(testdata, 'config.yaml'), {}));
    expect(problems).toEqual([
      {
        path: 'exporters.otlp_http/collector.headers.authorization',
        line: 15,
        message: expect.stringContaining('COLLECTOR_TOKEN') as string,
      },
    ]);
  });

  it('reports YAML syntax errors and unreadable files', () => {
    expect(
      problemsOf(() => parseConfig('receivers: [\n', 'x.yaml'))[0]!.line,
    ).toBeGreaterThanOrEqual(1);
    expect(problemsOf(() => parseConfig('a: 1\na: 2\n', 'x.yaml'))[0]!.message).toMatch(/unique/i);
    expect(problemsOf(() => loadConfig('/nonexistent/gateway.yaml'))[0]!.message).toMatch(
      /cannot read the file/,
    );
  });

  it('never lets a variable inject YAML structure', () => {
    const text =
      'receivers:\n  otlp_http:\n    endpoint: ${env:EVIL}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces: {receivers: [otlp_http], exporters: [debug]}\n';
    const problems = problemsOf(() =>
      parseConfig(text, 'x.yaml', { EVIL: '127.0.0.1:1\n    max_body_bytes: 1' }),
    );
    expect(problems[0]!.path).toBe('receivers.otlp_http.endpoint');
  });

  it('builds the embedded default: files and a summary, or the upstream when set', () => {
    const local = loadConfig(undefined, {});
    expect([...local.exporterConfigs.keys()]).toEqual(['file', 'debug']);
    expect(local.receiverConfigs.get('otlp_http')!.config).toMatchObject({
      endpoint: '127.0.0.1:4318',
    });
    const upstream = loadConfig(undefined, { OTEL_GATEWAY_UPSTREAM: 'http://collector:4318' });
    expect(upstream.exporterConfigs.get('otlp_http/upstream')!.config).toMatchObject({
      endpoint: 'http://collector:4318',
    });
  });

  it('enriches and redacts in the embedded default: the instance always, environment and catalog when set', () => {
    const bare = loadConfig(undefined, { OTEL_GATEWAY_INSTANCE: 'gw-7' });
    expect(bare.processorConfigs.get('enrich')!.config).toEqual({
      actions: [{ key: 'gateway.instance', value: 'gw-7', action: 'upsert', on: 'resource' }],
    });
    for (const pipeline of Object.values(bare.service.pipelines))
      expect(pipeline.processors).toEqual(['enrich', 'redact']);
    expect(bare.processorConfigs.get('redact')!.config).toMatchObject({
      detectors: {},
      secret_keys: true,
      sql: true,
    });
    const full = loadConfig(undefined, {
      OTEL_GATEWAY_ENVIRONMENT: 'production',
      OTEL_GATEWAY_CATALOG: '/etc/otel/catalog.yaml',
    });
    expect(full.processorConfigs.get('enrich')!.config).toMatchObject({
      actions: [
        { key: 'gateway.instance', action: 'upsert' },
        {
          key: 'deployment.environment.name',
          from_env: 'OTEL_GATEWAY_ENVIRONMENT',
          action: 'insert',
        },
      ],
      catalog: { path: '/etc/otel/catalog.yaml', interval_ms: 1000 },
    });
  });
});
