// Component settings for unit tests: a silent logger, fresh metrics unless given, and a memory
// guard that always has room.
import { pino } from 'pino';
import type { Settings } from '../src/component.ts';
import { GatewayMetrics } from '../src/telemetry/metrics.ts';

export function testSettings(
  id: string,
  metrics: GatewayMetrics = new GatewayMetrics({ processMetrics: false }),
): Settings {
  return {
    id,
    logger: pino({ level: 'silent' }),
    metrics,
    memory: { reserve: () => true, release: () => undefined },
  };
}
