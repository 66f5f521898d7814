import { detectResource } from './resource.ts';

/** Where the running preload publishes its resource, for the logger and helpers in other bundles. */
const RESOURCE = Symbol.for('@org/otel-preload.resource');

type Attributes = Record<string, string | number | boolean>;
const state = globalThis as { [RESOURCE]?: Attributes };

/** Makes the preload's resource the one {@link serviceFields} reports. */
export function publishResource(attributes: Attributes): void {
  state[RESOURCE] = attributes;
}

const SERVICE_KEYS = [
  'service.name',
  'service.version',
  'service.instance.id',
  'deployment.environment.name',
] as const;

/**
 * The service's identifying resource attributes: the running preload's (so logs and spans agree
 * on service.instance.id), or, without the preload, detected once the same way.
 */
export function serviceFields(): Record<string, string> {
  const resource = (state[RESOURCE] ??= detectResource(
    process.env,
    process.env.OTEL_SERVICE_NAME?.trim() || undefined,
    {},
  ));
  const out: Record<string, string> = {};
  for (const key of SERVICE_KEYS) if (resource[key] !== undefined) out[key] = String(resource[key]);
  return out;
}
