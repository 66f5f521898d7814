// Request headers passed on to processors and connectors: only those configured, never a
// credential, and the receiver's config says which one was refused.
import { describe, expect, it } from 'vitest';
import { otlpGrpcReceiverConfigSchema } from './otlp-grpc/config.ts';
import { otlpHttpReceiverConfigSchema } from './otlp-http/config.ts';
import { requestContext } from './metadata.ts';

describe('metadata_headers', () => {
  it('passes on the configured headers the request carries, and nothing else', () => {
    const sent: Record<string, string> = {
      'x-team': 'payments',
      'x-other': 'no',
      authorization: 'Bearer t',
    };
    const context = requestContext(
      'otlp_http',
      'acme',
      ['x-team', 'x-region'],
      (name) => sent[name],
    );
    expect(context).toEqual({
      receiver: 'otlp_http',
      tenant: 'acme',
      headers: new Map([['x-team', 'payments']]),
    });
  });

  it.each([otlpHttpReceiverConfigSchema, otlpGrpcReceiverConfigSchema])(
    'refuses credential headers',
    (schema) => {
      const result = schema.safeParse({ metadata_headers: ['x-team', 'authorization', 'Cookie'] });
      expect(result.success).toBe(false);
      const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      expect(issues).toEqual([
        'metadata_headers.1: a credential header is never passed on',
        'metadata_headers.2: a lowercase header name',
      ]);
    },
  );

  it('refuses the header that carries the API key', () => {
    const result = otlpHttpReceiverConfigSchema.safeParse({
      metadata_headers: ['x-key'],
      auth: { tenants: { a: { api_key: 'k'.repeat(16) } }, api_key_header: 'x-key' },
    });
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'x-key carries an API key (auth.api_key_header) and is never passed on',
    ]);
  });
});
