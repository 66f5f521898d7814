import type { Exporter, Settings } from '../../component.ts';
import type { EncodedBatch } from '../../encoded-batch.ts';
import { resourcesOf } from '@org/otlp';
import type { RequestOf, Signal } from '../../signal.ts';
import { codecs } from '../../signal.ts';
import { QueuedExporter, batchConfigSchema } from '../queued-exporter.ts';
import { retryConfigSchema } from '../retry.ts';
import type { DebugExporterConfig } from './config.ts';

/** Resource service names in a batch, for the summary line. */
function services(request: RequestOf[Signal]): string[] {
  const names = new Set<string>();
  for (const { resource } of resourcesOf(request)) {
    const value = resource?.attributes.find((a) => a.key === 'service.name')?.value;
    if (value && 'stringValue' in value && value.stringValue) names.add(value.stringValue);
  }
  return [...names];
}

/** One stdout line per batch (never per item): counts, or the batch itself in detailed mode. */
export function createDebugExporter(settings: Settings, config: DebugExporterConfig): Exporter {
  const write = (batch: EncodedBatch) => {
    const line =
      config.verbosity === 'detailed'
        ? `{"exporter":${JSON.stringify(settings.id)},"signal":"${batch.signal}","request":${batch.json()}}`
        : JSON.stringify({
            exporter: settings.id,
            signal: batch.signal,
            [codecs[batch.signal].itemName.replace(' ', '_')]: batch.items,
            services: services(batch.decode()),
          });
    process.stdout.write(`${line}\n`);
    return Promise.resolve({ ok: true as const });
  };
  return new QueuedExporter(
    settings,
    {
      queue: { capacity: 1000, max_size_mib: 16, consumers: 1, on_full: 'drop' },
      batch: { ...batchConfigSchema.parse(undefined), timeout_ms: 1000 },
      retry: retryConfigSchema.parse(undefined),
    },
    write,
  );
}
