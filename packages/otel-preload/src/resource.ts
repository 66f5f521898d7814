import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { arch, hostname, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Resource } from '@opentelemetry/resources';
import { detectResources } from '@opentelemetry/resources';
import { CLOUD_DETECTORS, LOCAL_DETECTORS } from './config/env.ts';
import type { Diagnostics } from './diag.ts';
import type { CLOUD } from './lazy/cloud-detectors.ts';
import { loadLazy } from './lazy/load.ts';

type CloudDetectors = typeof CLOUD;
/** Resource attribute values the preload detects. */
type Attr = string | number | boolean;

/**
 * The app's package: the nearest package.json at or above `from` that has a name (name and
 * version only). Nameless ones (a build directory's `{"type": "module"}`) and unreadable ones
 * are passed over.
 */
export function appPackage(from: string): { name: string; version?: string } | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      try {
        const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
        if (typeof pkg.name === 'string' && pkg.name !== '') {
          return typeof pkg.version === 'string'
            ? { name: pkg.name, version: pkg.version }
            : { name: pkg.name };
        }
      } catch {
        // not JSON: look further up
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

/** OTEL_NODE_RESOURCE_DETECTORS as the set of local detectors to run (`all` means every one). */
export function localDetectors(names: readonly string[]): Set<string> {
  if (names.includes('none')) return new Set();
  return new Set<string>(names.includes('all') ? LOCAL_DETECTORS : names);
}

/**
 * Resource attributes from what the process can see without a network call, by detector:
 * `serviceinstance` a fresh instance id; `host`, `os`, `process` the usual attributes;
 * `container` the container id and Kubernetes attributes from the usual downward-API variables
 * (K8S_POD_NAME …, or POD_NAME … inside Kubernetes);
 * `env` OTEL_RESOURCE_ATTRIBUTES, which wins over the detected values. The service name and
 * version (OTEL_SERVICE_NAME, then the app's package.json), deployment environment (NODE_ENV
 * fallback) and the telemetry SDK attributes are always set; OTEL_SERVICE_NAME wins over
 * everything, as the spec says.
 */
export function detectResource(
  env: NodeJS.ProcessEnv,
  serviceName: string | undefined,
  extra: Record<string, string>,
  detectors: ReadonlySet<string> = new Set<string>(LOCAL_DETECTORS),
): Record<string, Attr> {
  const main = process.argv[1] ? dirname(resolve(process.argv[1])) : process.cwd();
  const pkg = appPackage(main) ?? appPackage(process.cwd());
  const on = (name: string) => detectors.has(name);
  const attributes: Record<string, Attr | undefined> = {
    'service.name': pkg?.name ?? `unknown_service:node`,
    'service.version': pkg?.version,
    'deployment.environment.name': env.NODE_ENV,
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.distro.name': '@org/otel-preload',
  };
  if (on('serviceinstance')) attributes['service.instance.id'] = randomUUID();
  if (on('host')) Object.assign(attributes, { 'host.name': hostname(), 'host.arch': arch() });
  if (on('os')) attributes['os.type'] = platform();
  if (on('process')) {
    Object.assign(attributes, {
      'process.pid': process.pid,
      'process.executable.name': process.title,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
    });
  }
  if (on('container')) {
    // The unprefixed downward-API names are common elsewhere too (CI runners set NODE_NAME):
    // they count only inside Kubernetes, which sets KUBERNETES_SERVICE_HOST in every pod.
    const k8s = env.KUBERNETES_SERVICE_HOST === undefined ? undefined : env;
    Object.assign(attributes, {
      'container.id': containerId(),
      'k8s.pod.name': env.K8S_POD_NAME ?? k8s?.POD_NAME,
      'k8s.namespace.name': env.K8S_NAMESPACE_NAME ?? k8s?.POD_NAMESPACE,
      'k8s.node.name': env.K8S_NODE_NAME ?? k8s?.NODE_NAME,
      'k8s.pod.uid': env.K8S_POD_UID ?? k8s?.POD_UID,
      'k8s.container.name': env.K8S_CONTAINER_NAME ?? k8s?.CONTAINER_NAME,
    });
  }
  if (on('env')) Object.assign(attributes, extra);
  if (serviceName) attributes['service.name'] = serviceName;
  const out: Record<string, Attr> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * `local` with the attributes of the cloud detectors `names` lists, if any. Those query metadata
 * endpoints over the network, so their attributes arrive asynchronously: the batch queues wait
 * for them before exporting (pendingResources), and the app never does. Local attributes win.
 */
export function withCloud(
  local: Resource,
  names: readonly string[],
  diag: Diagnostics,
  detectorsOf: () => CloudDetectors = () => loadLazy('cloud-detectors').CLOUD,
): Resource {
  const clouds = CLOUD_DETECTORS.filter((name) => names.includes(name));
  if (clouds.length === 0) return local;
  try {
    const table = detectorsOf();
    return detectResources({ detectors: clouds.flatMap((name) => table[name]) }).merge(local);
  } catch (error) {
    diag.warn(`cloud resource detection failed, continuing without it: ${String(error)}`);
    return local;
  }
}
