// What components count (redactions, routed and dropped items) is counted only for requests that
// are accepted. A request refused after its processors ran (here: a full destination found by a
// routing connector behind them) is retried by the client, and counting it then would count the
// same data once per retry.
import { describe, expect, it } from 'vitest';
import { build } from '../../test-support/compact.ts';
import { sampleValue } from '../../test-support/prometheus.ts';
import { runConfig } from '../../test-support/run-config.ts';
import { parseConfig } from '../config/load.ts';

const CONFIG = `
receivers: { otlp_http: {} }
processors: { redact: {} }
exporters: { debug/a: {}, debug/b: {} }
connectors:
  routing:
    table:
      - { name: health, condition: { attribute: url.path, equals: /healthz }, action: drop }
      - { name: b, condition: { attribute: group, equals: b }, pipelines: [traces/b] }
    default_pipelines: [traces/a]
service:
  pipelines:
    traces/in: { receivers: [otlp_http], processors: [redact], exporters: [routing] }
    traces/a: { receivers: [routing], exporters: [debug/a] }
    traces/b: { receivers: [routing], exporters: [debug/b] }
`;

describe('counts of a refused request', () => {
  it('are not made, and are made once when the retry is accepted', async () => {
    const gateway = runConfig(parseConfig(CONFIG, 'deferred.yaml'));
    const request = () =>
      build('traces', {
        records: [
          { group: 'a', 'user.email': 'jane@example.com' },
          { group: 'a', 'url.path': '/healthz' },
          { group: 'b' },
        ],
      });
    const counts = async () => {
      const text = await gateway.metrics.registry.metrics();
      const labels = { connector: 'routing', signal: 'traces' };
      return {
        redactions: sampleValue(text, 'otelgw_redactions_total', {
          processor: 'redact',
          rule: 'email',
          signal: 'traces',
        }),
        health: sampleValue(text, 'otelgw_routing_dropped_items_total', {
          ...labels,
          route: 'health',
          reason: 'drop_route',
        }),
        routedB: sampleValue(text, 'otelgw_routing_routed_items_total', { ...labels, route: 'b' }),
      };
    };

    gateway.exporters.get('debug/b')!.room = false;
    for (let retry = 0; retry < 3; retry++)
      expect(gateway.send('otlp_http', request())).toMatchObject({ reason: 'backpressure' });
    expect(gateway.exporters.get('debug/a')!.batches).toEqual([]);
    expect(await counts()).toEqual({
      redactions: undefined,
      health: undefined,
      routedB: undefined,
    });

    gateway.exporters.get('debug/b')!.room = true;
    expect(gateway.send('otlp_http', request())).toBeUndefined();
    expect(await counts()).toEqual({ redactions: 1, health: 1, routedB: 1 });
  });
});
