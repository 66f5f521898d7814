import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { arch, hostname, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
/** Resource attribute values the preload detects. */
type Attr = string | number | boolean;

/** The nearest package.json at or above `from`, parsed (name and version only). */
function nearestPackage(from: string): { name?: string; version?: string } | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The container id from the cgroup file (cgroup v1 and v2 layouts), if any. */
function containerId(): string | undefined {
  for (const file of ['/proc/self/cgroup', '/proc/self/mountinfo']) {
    try {
      const match = /([0-9a-f]{64})/.exec(readFileSync(file, 'utf8'));
      if (match) return match[1];
    } catch {
      // not Linux, or not readable: no container id
    }
  }
  return undefined;
}

/**
 * Resource attributes from what the process can see without a network call: service (env, then
 * the app's package.json), deployment environment (NODE_ENV fallback), a fresh instance id, host,
 * process, container id, and Kubernetes attributes from the usual downward-API variables.
 * OTEL_RESOURCE_ATTRIBUTES entries win over everything but OTEL_SERVICE_NAME (as the spec says).
 */
export function detectResource(
  env: NodeJS.ProcessEnv,
  serviceName: string | undefined,
  extra: Record<string, string>,
): Record<string, Attr> {
  const main = process.argv[1] ? dirname(resolve(process.argv[1])) : process.cwd();
  const pkg = nearestPackage(main) ?? nearestPackage(process.cwd());
  const attributes: Record<string, Attr | undefined> = {
    'service.name': pkg?.name ?? `unknown_service:node`,
    'service.version': pkg?.version,
    'service.instance.id': randomUUID(),
    'deployment.environment.name': env.NODE_ENV,
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.distro.name': '@org/otel-preload',
    'host.name': hostname(),
    'host.arch': arch(),
    'os.type': platform(),
    'process.pid': process.pid,
    'process.executable.name': process.title,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'container.id': containerId(),
    'k8s.pod.name': env.K8S_POD_NAME ?? env.POD_NAME,
    'k8s.namespace.name': env.K8S_NAMESPACE_NAME ?? env.POD_NAMESPACE,
    'k8s.node.name': env.K8S_NODE_NAME ?? env.NODE_NAME,
    'k8s.pod.uid': env.K8S_POD_UID ?? env.POD_UID,
    'k8s.container.name': env.K8S_CONTAINER_NAME ?? env.CONTAINER_NAME,
    ...extra,
  };
  if (serviceName) attributes['service.name'] = serviceName;
  const out: Record<string, Attr> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}
