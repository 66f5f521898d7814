import { describe, expect, it } from 'vitest';
import { formatWarning, parseEnv, redactedConfig } from './env.ts';

describe('parseEnv', () => {
  it('applies the documented defaults to an empty environment', () => {
    const { config, warnings } = parseEnv({});
    expect(warnings).toEqual([]);
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://localhost:4318');
    expect(config.OTEL_METRICS_EXPORTER).toEqual(['prometheus']);
    expect(config.OTEL_LOGS_EXPORTER).toEqual(['none']);
    expect(config.OTEL_EXPORTER_PROMETHEUS_HOST).toBe('127.0.0.1');
    expect(config.OTEL_EXPORTER_PROMETHEUS_PORT).toBe(9464);
    expect(config.OTEL_SDK_DISABLED).toBe(false);
    expect(config.OTEL_SERVICE_NAME).toBeUndefined();
  });

  it('parses lists, key-value lists and numbers', () => {
    const { config, warnings } = parseEnv({
      OTEL_TRACES_EXPORTER: 'otlp, console',
      OTEL_RESOURCE_ATTRIBUTES: 'team=payments,region=eu%2Dwest',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fs,dns,',
      OTEL_SDK_DISABLED: 'TRUE',
    });
    expect(warnings).toEqual([]);
    expect(config.OTEL_TRACES_EXPORTER).toEqual(['otlp', 'console']);
    expect(config.OTEL_RESOURCE_ATTRIBUTES).toEqual({ team: 'payments', region: 'eu-west' });
    expect(config.OTEL_TRACES_SAMPLER_ARG).toBe(0.25);
    expect(config.OTEL_NODE_DISABLED_INSTRUMENTATIONS).toEqual(['fs', 'dns']);
    expect(config.OTEL_SDK_DISABLED).toBe(true);
  });

  it('treats empty values as unset', () => {
    const { config, warnings } = parseEnv({ OTEL_EXPORTER_PROMETHEUS_PORT: '  ' });
    expect(warnings).toEqual([]);
    expect(config.OTEL_EXPORTER_PROMETHEUS_PORT).toBe(9464);
  });

  it('falls back per variable and names the variable, value and fallback', () => {
    const { config, warnings } = parseEnv({
      OTEL_EXPORTER_PROMETHEUS_PORT: '99999',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_SERVICE_NAME: 'checkout',
    });
    expect(config.OTEL_EXPORTER_PROMETHEUS_PORT).toBe(9464);
    expect(config.OTEL_TRACES_SAMPLER).toBe('parentbased_always_on');
    expect(config.OTEL_SERVICE_NAME).toBe('checkout');
    expect(warnings.map((w) => [w.variable, w.value, w.fallback])).toEqual([
      ['OTEL_TRACES_SAMPLER', 'sometimes', 'parentbased_always_on'],
      ['OTEL_EXPORTER_PROMETHEUS_PORT', '99999', '9464'],
    ]);
    expect(formatWarning(warnings[1]!)).toMatch(
      /^invalid OTEL_EXPORTER_PROMETHEUS_PORT="99999" \(.+\); using 9464$/,
    );
  });

  it('never echoes a secret-bearing value', () => {
    const secret = 'authorization=Bearer%20s3cr3t,broken';
    const { warnings } = parseEnv({ OTEL_EXPORTER_OTLP_HEADERS: secret });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.value).toBe('[REDACTED]');
    expect(JSON.stringify(warnings)).not.toContain('s3cr3t');

    const ok = parseEnv({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cr3t' });
    expect(ok.config.OTEL_EXPORTER_OTLP_HEADERS).toEqual({ authorization: 'Bearer s3cr3t' });
    expect(JSON.stringify(redactedConfig(ok.config))).not.toContain('s3cr3t');
  });

  it('rejects non-http endpoints and unknown exporters', () => {
    const { warnings } = parseEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector:21',
      OTEL_METRICS_EXPORTER: 'prometheus,statsd',
    });
    expect(warnings.map((w) => w.variable).sort()).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_METRICS_EXPORTER',
    ]);
  });
});
