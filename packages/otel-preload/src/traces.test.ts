import type { Context } from '@opentelemetry/api';
import {
  ROOT_CONTEXT,
  SpanKind,
  TraceFlags,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  trace,
} from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { parseEnv } from './config/env.ts';
import { propagatorsFrom, samplerFrom } from './traces.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
/** A trace id a 0.5 ratio samples and one it does not (the SDK sampler XORs the 32-bit words). */
const LOW_ID = '00000000000000000000000000000001';
const HIGH_ID = '000000000000000000000000ffffffff';

/** A context whose parent is a remote span, sampled or not. */
const remoteParent = (sampled: boolean): Context =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: '00f067aa0ba902b7',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });

/** The sampler's decision for a root span and under a sampled and an unsampled remote parent. */
function decisions(env: Record<string, string>, traceId = TRACE_ID) {
  const sampler = samplerFrom(parseEnv(env).config);
  const decide = (parent: Context) =>
    SamplingDecision[
      sampler.shouldSample(parent, traceId, 'GET', SpanKind.SERVER, {}, []).decision
    ];
  return {
    root: decide(ROOT_CONTEXT),
    sampledParent: decide(remoteParent(true)),
    unsampledParent: decide(remoteParent(false)),
  };
}

describe('samplerFrom', () => {
  it('follows the parent, sampling roots, by default', () => {
    expect(decisions({})).toEqual({
      root: 'RECORD_AND_SAMPLED',
      sampledParent: 'RECORD_AND_SAMPLED',
      unsampledParent: 'NOT_RECORD',
    });
  });

  it('ignores the parent for always_on and always_off', () => {
    expect(decisions({ OTEL_TRACES_SAMPLER: 'always_on' })).toEqual({
      root: 'RECORD_AND_SAMPLED',
      sampledParent: 'RECORD_AND_SAMPLED',
      unsampledParent: 'RECORD_AND_SAMPLED',
    });
    expect(decisions({ OTEL_TRACES_SAMPLER: 'always_off' })).toEqual({
      root: 'NOT_RECORD',
      sampledParent: 'NOT_RECORD',
      unsampledParent: 'NOT_RECORD',
    });
  });

  it('follows the parent and drops roots for parentbased_always_off', () => {
    expect(decisions({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' })).toEqual({
      root: 'NOT_RECORD',
      sampledParent: 'RECORD_AND_SAMPLED',
      unsampledParent: 'NOT_RECORD',
    });
  });

  it('samples by trace id with the ratio in OTEL_TRACES_SAMPLER_ARG', () => {
    const ratio = { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' };
    expect(decisions(ratio, LOW_ID)).toEqual({
      root: 'RECORD_AND_SAMPLED',
      sampledParent: 'RECORD_AND_SAMPLED',
      unsampledParent: 'RECORD_AND_SAMPLED',
    });
    expect(decisions(ratio, HIGH_ID).root).toBe('NOT_RECORD');
    expect(decisions(ratio, HIGH_ID).sampledParent).toBe('NOT_RECORD');
  });

  it('applies the ratio to roots only for parentbased_traceidratio', () => {
    const ratio = {
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.5',
    };
    expect(decisions(ratio, LOW_ID).root).toBe('RECORD_AND_SAMPLED');
    expect(decisions(ratio, HIGH_ID)).toEqual({
      root: 'NOT_RECORD',
      sampledParent: 'RECORD_AND_SAMPLED',
      unsampledParent: 'NOT_RECORD',
    });
  });

  it('samples every root for a ratio sampler without OTEL_TRACES_SAMPLER_ARG', () => {
    expect(decisions({ OTEL_TRACES_SAMPLER: 'traceidratio' }, HIGH_ID).root).toBe(
      'RECORD_AND_SAMPLED',
    );
  });
});

describe('propagatorsFrom', () => {
  /** The headers the named propagators inject for a sampled span carrying one baggage entry. */
  function injected(value: string | undefined) {
    const env = value === undefined ? {} : { OTEL_PROPAGATORS: value };
    const propagators = propagatorsFrom(parseEnv(env).config);
    const active = propagation.setBaggage(
      remoteParent(true),
      propagation.createBaggage({ tenant: { value: 'acme' } }),
    );
    const headers: Record<string, string> = {};
    for (const propagator of propagators) propagator.inject(active, headers, defaultTextMapSetter);
    return headers;
  }

  it('injects W3C trace context and baggage by default', () => {
    expect(injected(undefined)).toEqual({
      traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
      baggage: 'tenant=acme',
    });
  });

  it('uses only the propagators named, and none for `none`', () => {
    expect(injected('baggage')).toEqual({ baggage: 'tenant=acme' });
    expect(injected('none')).toEqual({});
  });

  it('injects B3 as one header for b3 and as X-B3-* headers for b3multi', () => {
    expect(injected('b3')).toEqual({ b3: `${TRACE_ID}-00f067aa0ba902b7-1` });
    expect(injected('b3multi')).toEqual({
      'x-b3-traceid': TRACE_ID,
      'x-b3-spanid': '00f067aa0ba902b7',
      'x-b3-sampled': '1',
    });
  });

  it('extracts the parent from the W3C header, and from B3 when b3 is named', () => {
    const extract = (value: string, carrier: Record<string, string>) => {
      const propagators = propagatorsFrom(parseEnv({ OTEL_PROPAGATORS: value }).config);
      let extracted = ROOT_CONTEXT;
      for (const propagator of propagators)
        extracted = propagator.extract(extracted, carrier, defaultTextMapGetter);
      return trace.getSpanContext(extracted);
    };
    const parent = { traceId: TRACE_ID, isRemote: true, traceFlags: TraceFlags.SAMPLED };
    expect(
      extract('tracecontext', { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` }),
    ).toMatchObject(parent);
    expect(
      extract('b3', {
        'x-b3-traceid': TRACE_ID,
        'x-b3-spanid': '00f067aa0ba902b7',
        'x-b3-sampled': '1',
      }),
    ).toMatchObject(parent);
    expect(extract('tracecontext', { b3: `${TRACE_ID}-00f067aa0ba902b7-1` })).toBeUndefined();
  });
});
