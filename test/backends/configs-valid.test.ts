// Every config the project ships is checked by the real server's own validator: a broken config
// fails the suite. Collector configs: `otelcol validate`; overlays (*.local.yaml) on top of their
// base; Jaeger: `jaeger validate`; Prometheus rules: `promtool check rules`; Alertmanager:
// `amtool check-config`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/stack.ts';

const configDir = join(repoRoot, 'collector-config');
const localDir = join(repoRoot, 'deploy', 'local');

/** Placeholder values for the variables production configs require; the shape is what matters. */
const productionEnv = {
  JAEGER_OTLP_GRPC_ENDPOINT: 'jaeger-collector.observability:4317',
  PROMETHEUS_REMOTE_WRITE_URL: 'https://prometheus.observability/api/v1/write',
  ELASTICSEARCH_ENDPOINT: 'https://elasticsearch.observability:9200',
};

function tool(script: string): string {
  const result = spawnSync('bash', [join(localDir, script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 45 * 60_000,
  });
  if (result.status !== 0) throw new Error(`${script} failed (exit ${result.status})`);
  return result.stdout.trim().split('\n').pop()!;
}

function check(command: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('shipped configs pass the real validators', () => {
  let otelcol: string;
  let jaeger: string;
  let promBin: string;
  const scratch = mkdtempSync(join(tmpdir(), 'configs-valid-'));

  beforeAll(() => {
    otelcol = tool('build-collector.sh');
    jaeger = tool('build-jaeger.sh');
    promBin = join(tool('fetch-prometheus.sh'), 'bin');
  });

  const collectorConfigs = readdirSync(configDir).filter(
    (name) => /^otelcol.*\.yaml$/.test(name) && !name.endsWith('.local.yaml'),
  );

  it('finds the collector configs it must validate', () => {
    expect(collectorConfigs).toContain('otelcol.yaml');
  });

  it.each(collectorConfigs)('%s is valid alone and with its local overlay', (name) => {
    const base = join(configDir, name);
    const alone = check(otelcol, ['validate', `--config=${base}`], productionEnv);
    expect(alone.output).toBe('');
    expect(alone.status).toBe(0);
    const overlay = join(configDir, name.replace(/\.yaml$/, '.local.yaml'));
    if (readdirSync(configDir).includes(overlay.split('/').pop()!)) {
      const both = check(
        otelcol,
        ['validate', `--config=${base}`, `--config=${overlay}`],
        productionEnv,
      );
      expect(both.output).toBe('');
      expect(both.status).toBe(0);
    }
  });

  it('rejects a config with a missing required endpoint or an unknown key', () => {
    const missing = check(otelcol, ['validate', `--config=${join(configDir, 'otelcol.yaml')}`], {
      ...productionEnv,
      JAEGER_OTLP_GRPC_ENDPOINT: '',
    });
    expect(missing.status).not.toBe(0);
    expect(missing.output).toContain('otlp_grpc/jaeger');

    const broken = join(scratch, 'broken.yaml');
    writeFileSync(broken, 'exporters:\n  elasticsearch:\n    bogus_key: 1\n');
    const unknown = check(
      otelcol,
      ['validate', `--config=${join(configDir, 'otelcol.yaml')}`, `--config=${broken}`],
      productionEnv,
    );
    expect(unknown.status).not.toBe(0);
    expect(unknown.output).toContain('bogus_key');
  });

  it('the local Jaeger config is valid', () => {
    const result = check(jaeger, ['validate', `--config=${join(localDir, 'jaeger.yaml')}`], {
      STACK_HOST: '127.0.0.1',
      JAEGER_TELEMETRY_PORT: '18889',
      JAEGER_HEALTH_PORT: '13135',
      JAEGER_QUERY_PORT: '16686',
      JAEGER_QUERY_GRPC_PORT: '16685',
      JAEGER_OTLP_GRPC_PORT: '24317',
      JAEGER_OTLP_HTTP_PORT: '24318',
    });
    expect(result.output).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  });

  it('the Prometheus alert rules and the Alertmanager routing are valid', () => {
    const rulesDir = join(configDir, 'prometheus');
    const rules = readdirSync(rulesDir)
      .filter((name) => name.endsWith('.yml'))
      .map((name) => join(rulesDir, name));
    expect(rules.length).toBeGreaterThan(0);
    const promtool = check(join(promBin, 'promtool'), ['check', 'rules', ...rules]);
    expect(promtool.output).toContain('SUCCESS');
    expect(promtool.status).toBe(0);

    const amtool = check(join(promBin, 'amtool'), [
      'check-config',
      join(configDir, 'alertmanager.yml'),
    ]);
    expect(amtool.output).toContain('SUCCESS');
    expect(amtool.status).toBe(0);

    const badRules = join(scratch, 'bad-rules.yml');
    writeFileSync(
      badRules,
      'groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: rate(\n',
    );
    expect(check(join(promBin, 'promtool'), ['check', 'rules', badRules]).status).not.toBe(0);
  });
});
