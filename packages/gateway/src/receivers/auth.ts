import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { forEachResource } from '@org/otlp';
import type { Batch } from '../signal.ts';

export const authConfigSchema = z
  .strictObject({
    tenants: z
      .record(
        z.string().regex(/^[A-Za-z0-9_.-]+$/, 'tenant ids use letters, digits, _ . -'),
        z
          .strictObject({
            bearer_token: z
              .string()
              .min(16, 'use at least 16 characters')
              .optional()
              .describe('Accepted as `Authorization: Bearer <token>`.'),
            api_key: z
              .string()
              .min(16, 'use at least 16 characters')
              .optional()
              .describe('Accepted in the api_key_header header.'),
          })
          .refine((t) => t.bearer_token !== undefined || t.api_key !== undefined, {
            message: 'give a bearer_token or an api_key',
          }),
      )
      .refine((tenants) => Object.keys(tenants).length > 0, { message: 'list at least one tenant' })
      .describe('Credentials per tenant id (secrets: load them with ${env:…}).'),
    api_key_header: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'a lowercase header name')
      .default('x-api-key'),
  })
  .optional()
  .describe(
    'When set, requests without a known credential get 401 / UNAUTHENTICATED; the tenant id becomes the tenant.id resource attribute.',
  );

export type AuthConfig = z.infer<typeof authConfigSchema>;

/** The resource attribute that carries the authenticated tenant; clients cannot set it themselves. */
export const TENANT_ATTRIBUTE = 'tenant.id';

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * Maps credentials to tenants. Secrets are kept only as SHA-256 digests and compared in constant
 * time; nothing here ever logs a credential.
 */
export class Authenticator {
  private readonly entries: { digest: Buffer; tenant: string; kind: 'bearer' | 'api_key' }[] = [];
  readonly apiKeyHeader: string;

  constructor(config: NonNullable<AuthConfig>) {
    this.apiKeyHeader = config.api_key_header;
    for (const [tenant, credentials] of Object.entries(config.tenants)) {
      if (credentials.bearer_token)
        this.entries.push({ digest: digest(credentials.bearer_token), tenant, kind: 'bearer' });
      if (credentials.api_key)
        this.entries.push({ digest: digest(credentials.api_key), tenant, kind: 'api_key' });
    }
  }

  /** The tenant of the request's credential, or undefined when it has none that matches. */
  tenantOf(header: (name: string) => string | undefined): string | undefined {
    const authorization = header('authorization');
    const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const apiKey = header(this.apiKeyHeader);
    let found: string | undefined;
    for (const [kind, secret] of [
      ['bearer', bearer],
      ['api_key', apiKey],
    ] as const) {
      if (secret === undefined) continue;
      const candidate = digest(secret);
      for (const entry of this.entries) {
        // Every entry is compared, so timing does not reveal which one matched.
        if (entry.kind === kind && timingSafeEqual(entry.digest, candidate)) found ??= entry.tenant;
      }
    }
    return found;
  }
}

/** Stamps the tenant on every resource of the batch, replacing any client-sent value. */
export function applyTenant(batch: Batch, tenant: string): void {
  batch.wire = undefined;
  forEachResource(batch.request, (resource) => {
    const attributes = resource.attributes.filter((a) => a.key !== TENANT_ATTRIBUTE);
    attributes.push({ key: TENANT_ATTRIBUTE, value: { stringValue: tenant } });
    resource.attributes = attributes;
  });
}
