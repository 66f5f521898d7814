import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from './diag.ts';
import { CLOUD } from './lazy/cloud-detectors.ts';
import { appPackage, detectResource, localDetectors, withCloud } from './resource.ts';

const env = { OTEL_RESOURCE_ATTRIBUTES: 'team=payments', K8S_POD_NAME: 'web-1', NODE_ENV: 'prod' };

describe('resource detection', () => {
  it('runs every local detector by default, OTEL_SERVICE_NAME winning', () => {
    const attributes = detectResource(env, 'checkout', { team: 'payments' });
    expect(attributes).toMatchObject({
      'service.name': 'checkout',
      'deployment.environment.name': 'prod',
      'k8s.pod.name': 'web-1',
      team: 'payments',
      'process.pid': process.pid,
    });
    expect(attributes['host.name']).toBeTypeOf('string');
    expect(attributes['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads unprefixed downward-API variables only inside Kubernetes', () => {
    const outside = { NODE_NAME: 'ci-agent-3', POD_NAME: 'x', CONTAINER_NAME: 'y' };
    const attributes = detectResource(outside, 'checkout', {});
    expect(Object.keys(attributes).filter((key) => key.startsWith('k8s.'))).toEqual([]);
    const inside = detectResource(
      { ...outside, KUBERNETES_SERVICE_HOST: '10.0.0.1', K8S_POD_NAME: 'web-1' },
      'checkout',
      {},
    );
    expect(inside).toMatchObject({
      'k8s.node.name': 'ci-agent-3',
      'k8s.pod.name': 'web-1',
      'k8s.container.name': 'y',
    });
  });

  it('names the service after the nearest package.json that has a name', () => {
    const root = mkdtempSync(join(tmpdir(), 'resource-test-'));
    const dist = join(root, 'dist', 'esm');
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"name":"shop","version":"1.2.3"}');
    writeFileSync(join(root, 'dist', 'package.json'), '{"type":"commonjs"}');
    writeFileSync(join(dist, 'package.json'), 'not json');
    expect(appPackage(dist)).toEqual({ name: 'shop', version: '1.2.3' });
    writeFileSync(join(dist, 'package.json'), '{"name":"shop-esm"}');
    expect(appPackage(dist)).toEqual({ name: 'shop-esm' });
  });

  it('runs only the detectors named, and none for `none`', () => {
    const some = detectResource(env, 'checkout', { team: 'payments' }, localDetectors(['host']));
    expect(some['host.name']).toBeTypeOf('string');
    expect(some).not.toHaveProperty('process.pid');
    expect(some).not.toHaveProperty('team');
    expect(some).not.toHaveProperty('k8s.pod.name');
    const none = detectResource(env, 'checkout', {}, localDetectors(['none', 'host']));
    for (const key of Object.keys(none)) {
      expect([
        'deployment.environment.name',
        'service.name',
        'service.version',
        'telemetry.distro.name',
        'telemetry.sdk.language',
        'telemetry.sdk.name',
      ]).toContain(key);
    }
    expect(localDetectors(['all']).size).toBe(6);
  });

  it('adds cloud detectors only when named; their lookups never lose the local attributes', async () => {
    const local = resourceFromAttributes({ 'service.name': 'checkout' });
    const diag = new Diagnostics('none');
    expect(withCloud(local, ['host', 'env'], diag)).toBe(local);
    const merged = withCloud(local, ['alibaba'], diag, () => CLOUD);
    expect(merged).not.toBe(local);
    await merged.waitForAsyncAttributes?.();
    expect(merged.attributes['service.name']).toBe('checkout');
  }, 15_000);
});
