// The last-chance sender: a short-lived child process the preload runs synchronously when the
// app is about to die of an uncaught exception, so the crash's span and log record (and whatever
// was still queued) reach the collector before the process exits. Reads
// {"deadlineMs":N,"requests":[{"url","headers","body" (base64)}]} from stdin, posts each request
// in turn, and exits when all are answered or the deadline passes. Never prints anything.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One request to post; `tls` names PEM files (the exporter's certificate settings). */
export interface CrashRequest {
  url: string;
  headers: Record<string, string>;
  /** base64 */
  body: string;
  tls: { ca?: string | undefined; key?: string | undefined; cert?: string | undefined };
}

interface Job {
  deadlineMs: number;
  requests: CrashRequest[];
}

function main(): void {
  const job = JSON.parse(readFileSync(0, 'utf8')) as Job;
  setTimeout(() => process.exit(0), job.deadlineMs).unref();
  void sendAll(job).finally(() => process.exit(0));
}

const pem = (file: string | undefined) => (file ? readFileSync(file) : undefined);

const post = ({ url, headers, body, tls }: CrashRequest) =>
  new Promise<void>((resolve) => {
    const secure = url.startsWith('https:');
    const send = secure ? httpsRequest : httpRequest;
    const options = secure
      ? { method: 'POST', headers, ca: pem(tls.ca), key: pem(tls.key), cert: pem(tls.cert) }
      : { method: 'POST', headers };
    const req = send(url, options, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => resolve());
    req.end(Buffer.from(body, 'base64'));
  });

async function sendAll(job: Job): Promise<void> {
  for (const request of job.requests) {
    try {
      await post(request);
    } catch {
      // An unreadable certificate file: this request cannot go; the others still may.
    }
  }
}

main();
