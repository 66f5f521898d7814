import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from './diag.ts';
import { CLOUD } from './lazy/cloud-detectors.ts';
import { detectResource, localDetectors, withCloud } from './resource.ts';

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
