import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  envSchema,
  formatWarning,
  logRecordLimits,
  otlpExporterSettings,
  parseEnv,
  redactedConfig,
  signalUrl,
  spanLimits,
} from './env.ts';
import { readReadmeSection } from '../../../../scripts/readme-section.ts';
import { configTable } from './table.ts';

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
      OTEL_TRACES_EXPORTER: 'otlp, none',
      OTEL_RESOURCE_ATTRIBUTES: 'team=payments,region=eu%2Dwest',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fs,dns,',
      OTEL_SDK_DISABLED: 'TRUE',
    });
    expect(warnings).toEqual([]);
    expect(config.OTEL_TRACES_EXPORTER).toEqual(['otlp', 'none']);
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

  it('applies the spec defaults to the batch, metric and limit variables', () => {
    const { config, warnings } = parseEnv({});
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
      OTEL_BSP_EXPORT_TIMEOUT: 30_000,
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 512,
      OTEL_BLRP_SCHEDULE_DELAY: 1000,
      OTEL_BLRP_EXPORT_TIMEOUT: 30_000,
      OTEL_BLRP_MAX_QUEUE_SIZE: 2048,
      OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: 512,
      OTEL_METRIC_EXPORT_INTERVAL: 60_000,
      OTEL_METRIC_EXPORT_TIMEOUT: 30_000,
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
      OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'explicit_bucket_histogram',
      OTEL_ATTRIBUTE_COUNT_LIMIT: 128,
      OTEL_SPAN_EVENT_COUNT_LIMIT: 128,
      OTEL_SPAN_LINK_COUNT_LIMIT: 128,
      OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: 128,
      OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: 128,
      OTEL_NODE_RESOURCE_DETECTORS: [
        'host',
        'os',
        'process',
        'serviceinstance',
        'container',
        'env',
      ],
    });
    for (const unset of [
      'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
      'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT',
      'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT',
      'OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT',
      'OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT',
      'OTEL_EXPORTER_OTLP_CERTIFICATE',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
      'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
    ] as const) {
      expect(config[unset], unset).toBeUndefined();
    }
  });

  it('documents every variable in the schema', () => {
    for (const [name, schema] of Object.entries(envSchema.shape)) {
      expect(z.globalRegistry.get(schema)?.description, name).toMatch(/\w/);
    }
  });

  it('says grpc is unsupported and falls back to http/protobuf', () => {
    const { config, warnings } = parseEnv({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc',
    });
    expect(config.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
    expect(config.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL).toBeUndefined();
    expect(otlpExporterSettings(config, 'logs').protocol).toBe('http/protobuf');
    expect(warnings.map((w) => [w.variable, w.value, w.fallback])).toEqual([
      ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', 'http/protobuf'],
      [
        'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
        'grpc',
        'http/protobuf (from OTEL_EXPORTER_OTLP_PROTOCOL)',
      ],
    ]);
    for (const warning of warnings) expect(warning.reason).toMatch(/grpc is not supported/);

    // A rejected per-signal value is treated as unset: the generic protocol applies.
    const json = parseEnv({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
    });
    expect(otlpExporterSettings(json.config, 'traces').protocol).toBe('http/json');
    expect(json.warnings[0]!.fallback).toBe('http/json (from OTEL_EXPORTER_OTLP_PROTOCOL)');
  });

  it('keeps a batch size within its queue size', () => {
    const { config, warnings } = parseEnv({
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '200',
      OTEL_BLRP_MAX_QUEUE_SIZE: '50',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
    });
    expect(config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE).toBe(100);
    // Defaults above a configured bound are lowered silently: the user set nothing wrong.
    expect(config.OTEL_BLRP_MAX_EXPORT_BATCH_SIZE).toBe(50);
    expect(config.OTEL_METRIC_EXPORT_TIMEOUT).toBe(5000);
    expect(warnings).toEqual([
      {
        variable: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
        value: '200',
        reason: 'must not exceed OTEL_BSP_MAX_QUEUE_SIZE',
        fallback: '100',
      },
    ]);
    expect(formatWarning(warnings[0]!)).toBe(
      'invalid OTEL_BSP_MAX_EXPORT_BATCH_SIZE="200" (must not exceed OTEL_BSP_MAX_QUEUE_SIZE); using 100',
    );

    const logs = parseEnv({
      OTEL_BLRP_MAX_QUEUE_SIZE: '10',
      OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '20',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_METRIC_EXPORT_TIMEOUT: '2000',
    });
    expect(logs.config.OTEL_BLRP_MAX_EXPORT_BATCH_SIZE).toBe(10);
    expect(logs.config.OTEL_METRIC_EXPORT_TIMEOUT).toBe(1000);
    expect(logs.warnings.map((w) => [w.variable, w.fallback])).toEqual([
      ['OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', '10'],
      ['OTEL_METRIC_EXPORT_TIMEOUT', '1000'],
    ]);
  });

  it('names the bounded fallback when an invalid batch size exceeds the queue', () => {
    const { config, warnings } = parseEnv({
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'lots',
    });
    expect(config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE).toBe(100);
    expect(warnings.map((w) => [w.variable, w.value, w.fallback])).toEqual([
      ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'lots', '100'],
    ]);
  });

  it('rejects negative or fractional limits, naming the variable and the fallback', () => {
    const { config, warnings } = parseEnv({
      OTEL_ATTRIBUTE_COUNT_LIMIT: '64',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'unlimited',
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '-5',
      OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: '1.5',
      OTEL_SPAN_LINK_COUNT_LIMIT: '0',
    });
    expect(config.OTEL_SPAN_LINK_COUNT_LIMIT).toBe(0);
    expect(warnings.map((w) => [w.variable, w.value, w.fallback])).toEqual([
      ['OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'unlimited', 'unset'],
      ['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', '-5', '64 (from OTEL_ATTRIBUTE_COUNT_LIMIT)'],
      ['OTEL_LINK_ATTRIBUTE_COUNT_LIMIT', '1.5', '128'],
    ]);
    expect(formatWarning(warnings[2]!)).toBe(
      'invalid OTEL_LINK_ATTRIBUTE_COUNT_LIMIT="1.5" (expected a non-negative integer); using 128',
    );
    expect(spanLimits(config).attributeCountLimit).toBe(64);
  });

  it('lets model-specific limits win over the general ones', () => {
    const general = parseEnv({
      OTEL_ATTRIBUTE_COUNT_LIMIT: '32',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '1024',
    }).config;
    expect(spanLimits(general)).toStrictEqual({
      attributeCountLimit: 32,
      attributeValueLengthLimit: 1024,
      eventCountLimit: 128,
      linkCountLimit: 128,
      attributePerEventCountLimit: 128,
      attributePerLinkCountLimit: 128,
    });
    expect(logRecordLimits(general)).toStrictEqual({
      attributeCountLimit: 32,
      attributeValueLengthLimit: 1024,
    });

    const specific = parseEnv({
      OTEL_ATTRIBUTE_COUNT_LIMIT: '32',
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '16',
      OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: '256',
    }).config;
    expect(spanLimits(specific)).toMatchObject({ attributeCountLimit: 16 });
    expect(spanLimits(specific)).not.toHaveProperty('attributeValueLengthLimit');
    expect(logRecordLimits(specific)).toStrictEqual({
      attributeCountLimit: 32,
      attributeValueLengthLimit: 256,
    });
  });

  it('never echoes per-signal headers, in warnings or in the effective config', () => {
    const { warnings } = parseEnv({
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20s3cr3t,x-key s3cr3t',
      OTEL_EXPORTER_OTLP_HEADERS: 'Bearer s3cr3t',
    });
    expect(warnings.map((w) => [w.variable, w.value])).toEqual([
      ['OTEL_EXPORTER_OTLP_HEADERS', '[REDACTED]'],
      ['OTEL_EXPORTER_OTLP_TRACES_HEADERS', '[REDACTED]'],
    ]);
    expect(JSON.stringify(warnings)).not.toContain('s3cr3t');
    expect(warnings.map(formatWarning).join('\n')).not.toContain('s3cr3t');

    const { config } = parseEnv({
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=t-s3cr3t',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'authorization=m-s3cr3t',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'authorization=l-s3cr3t',
    });
    expect(config.OTEL_EXPORTER_OTLP_LOGS_HEADERS).toEqual({ authorization: 'l-s3cr3t' });
    const logged = redactedConfig(config);
    expect(JSON.stringify(logged)).not.toContain('s3cr3t');
    expect(logged.OTEL_EXPORTER_OTLP_METRICS_HEADERS).toBe('[REDACTED]');
  });

  it('warns that OTEL_CONFIG_FILE is ignored and still reads the environment', () => {
    const { config, warnings } = parseEnv({
      OTEL_CONFIG_FILE: '/etc/otel/sdk.yaml',
      OTEL_SERVICE_NAME: 'checkout',
    });
    expect(config.OTEL_SERVICE_NAME).toBe('checkout');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      variable: 'OTEL_CONFIG_FILE',
      value: '/etc/otel/sdk.yaml',
    });
    expect(formatWarning(warnings[0]!)).toMatch(/not supported by the preload.*ignored/);
    expect(redactedConfig(config)).not.toHaveProperty('OTEL_CONFIG_FILE');
    expect(parseEnv({ OTEL_CONFIG_FILE: ' ' }).warnings).toEqual([]);
  });

  it('drops unknown resource detectors and keeps the rest in order', () => {
    const { config, warnings } = parseEnv({
      OTEL_NODE_RESOURCE_DETECTORS: 'env, k8s,host ,aws,nope',
    });
    expect(config.OTEL_NODE_RESOURCE_DETECTORS).toEqual(['env', 'host', 'aws']);
    expect(warnings).toEqual([
      {
        variable: 'OTEL_NODE_RESOURCE_DETECTORS',
        value: 'env, k8s,host ,aws,nope',
        reason:
          'unknown "k8s", "nope" dropped; expected one of host, os, process, serviceinstance, container, env, alibaba, aws, azure, gcp, all, none',
        fallback: 'env,host,aws',
      },
    ]);

    expect(
      parseEnv({ OTEL_NODE_RESOURCE_DETECTORS: 'none' }).config.OTEL_NODE_RESOURCE_DETECTORS,
    ).toEqual(['none']);
    const allUnknown = parseEnv({ OTEL_NODE_RESOURCE_DETECTORS: 'k8s' });
    expect(allUnknown.config.OTEL_NODE_RESOURCE_DETECTORS).toEqual(
      parseEnv({}).config.OTEL_NODE_RESOURCE_DETECTORS,
    );
    expect(allUnknown.warnings[0]!.fallback).toBe('host,os,process,serviceinstance,container,env');
  });

  it('keeps the known exporters and propagators of a list, whatever their case', () => {
    const { config, warnings } = parseEnv({
      OTEL_METRICS_EXPORTER: 'OTLP,console',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_PROPAGATORS: 'TraceContext,xray',
    });
    expect(config.OTEL_METRICS_EXPORTER).toEqual(['otlp']);
    expect(config.OTEL_TRACES_EXPORTER).toEqual(['otlp']);
    expect(config.OTEL_PROPAGATORS).toEqual(['tracecontext']);
    expect(warnings.map(formatWarning)).toEqual([
      'invalid OTEL_TRACES_EXPORTER="console" (unknown "console" dropped; expected one of otlp, none); using otlp',
      'invalid OTEL_METRICS_EXPORTER="OTLP,console" (unknown "console" dropped; expected one of prometheus, otlp, none); using otlp',
      'invalid OTEL_PROPAGATORS="TraceContext,xray" (unknown "xray" dropped; expected one of tracecontext, baggage, b3, b3multi, none); using tracecontext',
    ]);
  });

  it('names the headers that are never captured, and captures the rest', () => {
    const { config, warnings } = parseEnv({
      OTEL_PRELOAD_CAPTURE_HEADERS: 'x-request-id,Cookie,authorization',
    });
    expect(config.OTEL_PRELOAD_CAPTURE_HEADERS).toEqual(['x-request-id']);
    expect(warnings.map(formatWarning)).toEqual([
      'invalid OTEL_PRELOAD_CAPTURE_HEADERS="x-request-id,Cookie,authorization" (Cookie, authorization never captured, by rule http.headers); using x-request-id',
    ]);
  });

  it('reads the sampler and log level ignoring case, and says what a bad ratio falls back to', () => {
    const { config, warnings } = parseEnv({
      OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio',
      OTEL_TRACES_SAMPLER_ARG: 'abc',
      OTEL_LOG_LEVEL: 'DEBUG',
    });
    expect(config.OTEL_TRACES_SAMPLER).toBe('parentbased_traceidratio');
    expect(config.OTEL_LOG_LEVEL).toBe('debug');
    expect(warnings.map(formatWarning)).toEqual([
      'invalid OTEL_TRACES_SAMPLER_ARG="abc" (expected a number from 0 to 1); using 1 (the ratio samplers keep every trace)',
    ]);
    expect(parseEnv({ OTEL_LOG_LEVEL: 'loud' }).warnings.map(formatWarning)).toEqual([
      'invalid OTEL_LOG_LEVEL="loud" (expected one of none, error, warn, info, debug, verbose, all); using warn',
    ]);
  });

  it('reads the case-insensitive metric enums and falls back on unknown ones', () => {
    const { config, warnings } = parseEnv({
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'LowMemory',
      OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION:
        'Base2_Exponential_Bucket_Histogram',
      OTEL_METRICS_EXEMPLAR_FILTER: 'sometimes',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli',
    });
    expect(config.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE).toBe('lowmemory');
    expect(config.OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION).toBe(
      'base2_exponential_bucket_histogram',
    );
    expect(warnings.map((w) => [w.variable, w.fallback])).toEqual([
      ['OTEL_METRICS_EXEMPLAR_FILTER', 'the OTEL_* environment variables'],
      ['OTEL_EXPORTER_OTLP_COMPRESSION', 'none'],
    ]);
    expect(warnings[0]!.reason).toContain('records no exemplars');
  });
});

describe('otlpExporterSettings', () => {
  it('derives every signal from the generic variables by default', () => {
    const { config } = parseEnv({});
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      expect(otlpExporterSettings(config, signal)).toStrictEqual({
        url: `http://localhost:4318/v1/${signal}`,
        headers: {},
        protocol: 'http/protobuf',
        timeoutMs: 10_000,
        compression: 'none',
      });
    }
  });

  it('names a certificate file that is not there, at startup', () => {
    const { config, warnings } = parseEnv({
      OTEL_EXPORTER_OTLP_CERTIFICATE: '/nonexistent/ca.pem',
      OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: '/nonexistent/traces.key',
    });
    expect(otlpExporterSettings(config, 'traces').certificateFile).toBeUndefined();
    expect(warnings.map(formatWarning)).toEqual([
      'invalid OTEL_EXPORTER_OTLP_CERTIFICATE="/nonexistent/ca.pem" (no readable file at that path); using the system\'s CA certificates',
      'invalid OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY="/nonexistent/traces.key" (no readable file at that path); using no client certificate (from OTEL_EXPORTER_OTLP_CLIENT_KEY)',
    ]);
  });

  it('prefers each per-signal variable over its generic one', () => {
    const ssl = mkdtempSync(join(tmpdir(), 'env-test-ssl-'));
    for (const name of [
      'ca.pem',
      'client.key',
      'client.pem',
      'traces-ca.pem',
      'traces.key',
      'traces.pem',
    ])
      writeFileSync(join(ssl, name), 'PEM');
    const { config, warnings } = parseEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://gateway:4318/otlp/',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_CERTIFICATE: join(ssl, 'ca.pem'),
      OTEL_EXPORTER_OTLP_CLIENT_KEY: join(ssl, 'client.key'),
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: join(ssl, 'client.pem'),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/custom/path',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none',
      OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: join(ssl, 'traces-ca.pem'),
      OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: join(ssl, 'traces.key'),
      OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: join(ssl, 'traces.pem'),
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:4318',
    });
    expect(warnings).toEqual([]);
    expect(otlpExporterSettings(config, 'traces')).toStrictEqual({
      url: 'https://traces.example.com/custom/path',
      headers: {},
      protocol: 'http/protobuf',
      timeoutMs: 2500,
      compression: 'none',
      certificateFile: join(ssl, 'traces-ca.pem'),
      clientKeyFile: join(ssl, 'traces.key'),
      clientCertificateFile: join(ssl, 'traces.pem'),
    });
    expect(otlpExporterSettings(config, 'metrics')).toStrictEqual({
      url: 'https://gateway:4318/otlp/v1/metrics',
      headers: {},
      protocol: 'http/json',
      timeoutMs: 5000,
      compression: 'gzip',
      certificateFile: join(ssl, 'ca.pem'),
      clientKeyFile: join(ssl, 'client.key'),
      clientCertificateFile: join(ssl, 'client.pem'),
    });
    // A per-signal URL without a path gets the root path, nothing else (spec example 2).
    expect(otlpExporterSettings(config, 'logs').url).toBe('http://logs:4318/');
    expect(signalUrl(config, 'traces')).toBe('https://traces.example.com/custom/path');
    expect(signalUrl(config, 'metrics')).toBe('https://gateway:4318/otlp/v1/metrics');
  });

  it('merges headers, the per-signal value winning per name whatever its case', () => {
    const { config } = parseEnv({
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20shared,x-team=payments',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'authorization=Bearer%20metrics,x-extra=1',
    });
    expect(otlpExporterSettings(config, 'metrics').headers).toStrictEqual({
      'x-team': 'payments',
      authorization: 'Bearer metrics',
      'x-extra': '1',
    });
    expect(otlpExporterSettings(config, 'traces').headers).toStrictEqual({
      Authorization: 'Bearer shared',
      'x-team': 'payments',
    });
    // The resolver must not hand out the config's own object.
    otlpExporterSettings(config, 'traces').headers.injected = 'x';
    expect(config.OTEL_EXPORTER_OTLP_HEADERS).not.toHaveProperty('injected');
  });

  it('falls back to the generic endpoint when the per-signal one is invalid', () => {
    const { config, warnings } = parseEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://gateway:4318',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'collector:4318',
    });
    expect(otlpExporterSettings(config, 'metrics').url).toBe('http://gateway:4318/v1/metrics');
    expect(warnings.map((w) => [w.variable, w.fallback])).toEqual([
      [
        'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
        'http://gateway:4318/v1/metrics (from OTEL_EXPORTER_OTLP_ENDPOINT)',
      ],
    ]);
  });
});

describe('README configuration table', () => {
  it('is the one generated from the schema (run `node scripts/config-table.ts` after a change)', () => {
    const readme = join(import.meta.dirname, '..', '..', 'README.md');
    expect(readReadmeSection(readme, 'config')).toBe(configTable());
  });
});

describe('URL credentials in what the preload prints', () => {
  it('never echoes user:password or query values of endpoints', () => {
    const { config, warnings } = parseEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:pa55@gateway.example:4318/?token=t0k',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://admin:hunter2@nowhere',
    });
    const printed = [...warnings.map(formatWarning), JSON.stringify(redactedConfig(config))].join(
      '\n',
    );
    expect(printed).toContain('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
    expect(printed).toContain('https://REDACTED@gateway.example:4318');
    for (const secret of ['pa55', 'hunter2', 't0k', 'user:', 'admin:'])
      expect(printed).not.toContain(secret);
    // What the exporters use is untouched.
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(
      'https://user:pa55@gateway.example:4318/?token=t0k',
    );
  });
});
