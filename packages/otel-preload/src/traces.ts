import type { TextMapPropagator } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Sampler } from '@opentelemetry/sdk-trace';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { PreloadEnv } from './config/env.ts';
import type { Diagnostics } from './diag.ts';

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
