import type { TextMapPropagator } from '@opentelemetry/api';
import {
  ExportResultCode,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Sampler, SpanExporter } from '@opentelemetry/sdk-trace';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { PreloadEnv } from './config/env.ts';
import { signalUrl } from './config/env.ts';
import type { Diagnostics } from './diag.ts';
import { loadLazy } from './lazy/load.ts';

/** The sampler OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG describe. */
export function samplerFrom(config: PreloadEnv): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG ?? 1);
  switch (config.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** The propagators OTEL_PROPAGATORS names; ones that need extra packages are reported. */
export function propagatorsFrom(config: PreloadEnv, diag: Diagnostics): TextMapPropagator[] {
  const out: TextMapPropagator[] = [];
  for (const name of config.OTEL_PROPAGATORS) {
    if (name === 'tracecontext') out.push(new W3CTraceContextPropagator());
    else if (name === 'baggage') out.push(new W3CBaggagePropagator());
    else if (name !== 'none')
      diag.warn(`OTEL_PROPAGATORS: "${name}" is not bundled with the preload; ignored`);
  }
  return out;
}

/**
 * The OTLP trace exporter, loaded on the first export rather than at startup (the exporter and
 * its serializer are the largest part of the SDK). Failures are reported as one rate-limited
 * warning; the batch is dropped, never retried without bound.
 */
export class LazyOtlpTraceExporter implements SpanExporter {
  private exporter: SpanExporter | undefined;
  private readonly config: PreloadEnv;
  private readonly diag: Diagnostics;

  constructor(config: PreloadEnv, diag: Diagnostics) {
    this.config = config;
    this.diag = diag;
  }

  private load(): SpanExporter {
    if (this.exporter) return this.exporter;
    const { config } = this;
    const lazy = loadLazy('trace-exporter');
    const Exporter =
      config.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json'
        ? lazy.OtlpJsonTraceExporter
        : lazy.OtlpProtoTraceExporter;
    this.exporter = new Exporter({
      url: signalUrl(config, 'traces'),
      headers: config.OTEL_EXPORTER_OTLP_HEADERS,
      timeoutMillis: config.OTEL_EXPORTER_OTLP_TIMEOUT,
    });
    return this.exporter;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.load().export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) {
        this.diag.warnLimited(
          'trace-export',
          `could not export ${spans.length} spans to ${this.config.OTEL_EXPORTER_OTLP_ENDPOINT}: ${result.error?.message ?? 'failed'}`,
        );
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.exporter?.shutdown() ?? Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return this.exporter?.forceFlush?.() ?? Promise.resolve();
  }
}
