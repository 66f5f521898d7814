import { accessSync, constants, readFileSync } from 'node:fs';
import { z } from 'zod';

/** A PEM file path; checked readable when the config is validated, read when a component is built. */
const pemFile = z
  .string()
  .min(1)
  .refine(
    (path) => {
      try {
        accessSync(path, constants.R_OK);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'file not found or not readable' },
  );

export const tlsServerConfigSchema = z
  .strictObject({
    cert_file: pemFile.describe('PEM certificate chain the listener presents.'),
    key_file: pemFile.describe('PEM private key of that certificate (a secret: never logged).'),
    client_ca_file: pemFile
      .optional()
      .describe('PEM CA bundle; when set, clients must present a certificate it signed (mTLS).'),
  })
  .optional()
  .describe('Serve TLS instead of plaintext.');

export type TlsServerConfig = z.infer<typeof tlsServerConfigSchema>;

export const tlsClientConfigSchema = z
  .strictObject({
    insecure: z
      .boolean()
      .default(false)
      .describe('gRPC only: plaintext to a host:port endpoint (http:// endpoints are plaintext).'),
    ca_file: pemFile
      .optional()
      .describe('PEM CA bundle to verify the server (default: system CAs).'),
    cert_file: pemFile.optional().describe('PEM client certificate, for mTLS.'),
    key_file: pemFile.optional().describe('PEM key of the client certificate (never logged).'),
    insecure_skip_verify: z
      .boolean()
      .default(false)
      .describe('Accept any server certificate. For tests only: it defeats TLS.'),
    server_name: z.string().optional().describe('Name to verify the certificate against (SNI).'),
  })
  .refine((tls) => (tls.cert_file === undefined) === (tls.key_file === undefined), {
    message: 'cert_file and key_file go together',
  })
  .default({ insecure: false, insecure_skip_verify: false });

export type TlsClientConfig = z.infer<typeof tlsClientConfigSchema>;

/** The PEM material of a server config, read once when the component is built. */
export function serverTls(config: NonNullable<TlsServerConfig>) {
  return {
    cert: readFileSync(config.cert_file),
    key: readFileSync(config.key_file),
    ca: config.client_ca_file === undefined ? undefined : readFileSync(config.client_ca_file),
  };
}

/** The PEM material of a client config, read once when the component is built. */
export function clientTls(config: TlsClientConfig) {
  const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path));
  return {
    ca: read(config.ca_file),
    cert: read(config.cert_file),
    key: read(config.key_file),
    rejectUnauthorized: !config.insecure_skip_verify,
    servername: config.server_name,
  };
}
