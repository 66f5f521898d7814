import { z } from 'zod';
import type { RequestContext } from '../signal.ts';

/** Credentials: never passed on, whatever the config says. */
const CREDENTIALS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export const metadataHeadersSchema = z
  .array(
    z
      .string()
      .regex(/^[a-z0-9-]+$/, 'a lowercase header name')
      .refine((name) => !CREDENTIALS.has(name), 'a credential header is never passed on'),
  )
  .default([])
  .describe(
    'Request headers (HTTP) or metadata keys (gRPC) passed on to processors and connectors with each batch, e.g. x-team for routing. Credential headers are refused.',
  );

/** Rejects passing on the header that carries an API key (the receiver's auth.api_key_header). */
export function refineMetadataHeaders(
  config: { metadata_headers: string[]; auth?: { api_key_header: string } | undefined },
  ctx: z.RefinementCtx,
): void {
  const key = config.auth?.api_key_header;
  const index = key === undefined ? -1 : config.metadata_headers.indexOf(key);
  if (index >= 0)
    ctx.addIssue({
      code: 'custom',
      path: ['metadata_headers', index],
      message: `${key} carries an API key (auth.api_key_header) and is never passed on`,
    });
}

/** The context of one request: receiver, tenant, and the configured headers it carried. */
export function requestContext(
  receiver: string,
  tenant: string | undefined,
  names: readonly string[],
  header: (name: string) => string | undefined,
): RequestContext {
  const headers = new Map<string, string>();
  for (const name of names) {
    const value = header(name);
    if (value !== undefined) headers.set(name, value);
  }
  return { receiver, tenant, headers };
}
