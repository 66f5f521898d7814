import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanStatusCode, context, propagation } from '@opentelemetry/api';
import type { RPCMetadata } from '@opentelemetry/core';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import { queryNames, redactQuery } from '@org/redaction';
import type { RequestDurations } from './request-durations.ts';
import { errorTypeOf } from './request-durations.ts';
import { ServerSpan } from './server-span.ts';
import type { ServerSpans } from './server-spans.ts';
import { SpanContextOver } from './server-spans.ts';

/** What the server instrumentation records and leaves alone. */
export interface HttpServerOptions {
  /** Lowercased request/response headers recorded as `http.{request,response}.header.*`. */
  capturedHeaders: readonly string[];
  /** Query parameters whose values are recorded as REDACTED. */
  redactedQueryParams: readonly string[];
  /** Requests that get no span and no metric (the preload's own endpoints). */
  ignore: (req: IncomingMessage) => boolean;
  /**
   * Whether a framework instrumentation that reports routes through the context's RPC metadata
   * (Express's) is active; until one is, requests skip that extra context.
   */
  routesReported: () => boolean;
  /** Where the server spans come from. */
  spans: ServerSpans;
  /** Where `http.server.request.duration` is recorded; none when metrics are off. */
  durations: RequestDurations | undefined;
}

/** Methods the semantic conventions name; anything else is recorded as `_OTHER`. */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/** A Host header's address and port (`[::1]:8080`, `example.com`). */
function parseHost(header: string): { header: string; address: string; port?: number } {
  const colon = header.lastIndexOf(':');
  return colon > header.lastIndexOf(']')
    ? { header, address: header.slice(0, colon), port: Number(header.slice(colon + 1)) }
    : { header, address: header };
}

/**
 * The server span whose request listener has just thrown, until the end of the current tick: the
 * exception is left to propagate untouched (caught and rethrown, Node would report the preload's
 * rethrow as the place it was thrown), so the span learns what it was only if it becomes an
 * uncaught exception, which happens before the next tick (see {@link endFailedSpan}).
 */
let failing: Span | undefined;
/** Spans ended by their listener's exception: their response, if the app survives, must not end them again. */
const endedEarly = new WeakSet<Span>();

function noteFailure(span: Span): void {
  failing = span;
  process.nextTick(() => {
    if (failing === span) failing = undefined;
  });
}

/**
 * For an uncaught exception: if it was thrown out of a request listener just now, ends that
 * listener's server span with it (recorded as an exception event, error status and
 * `error.type`) and returns the span.
 */
export function endFailedSpan(error: unknown): Span | undefined {
  const span = failing;
  failing = undefined;
  if (span === undefined) return undefined;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  span.setAttribute('error.type', error instanceof Error ? error.name : typeof error);
  span.end();
  endedEarly.add(span);
  return span;
}

type Emit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;

/** What a response's end needs of its request, kept on the response under {@link IN_FLIGHT}. */
interface InFlight {
  span: Span;
  rpc: RPCMetadata | undefined;
  method: string;
  scheme: string;
  version: string;
  started: number;
}

const IN_FLIGHT = Symbol('@org/otel-preload.in-flight');
type WithInFlight = ServerResponse & { [IN_FLIGHT]?: InFlight | undefined };

/**
 * Server spans and the `http.server.request.duration` histogram for every `http` and `https`
 * server, with the stable HTTP semantic conventions. One span per request, started before the
 * app's `request` listeners run and made active for them (so the app's own spans and logs join
 * the trace), ended when the response closes. It does the work of the server half of
 * @opentelemetry/instrumentation-http (whose client half the preload keeps) for a fraction of the
 * cost per request: no per-request wrapping of event emitters, no per-request closures beyond
 * the one end listener, spans from {@link ServerSpans} (the SDK's rules, without its generic
 * per-attribute validation). Frameworks that report a route through the RPC
 * metadata in the context (the Express instrumentation does) get it as `http.route` and in the
 * span name. Returns a function that removes the instrumentation.
 */
export function instrumentHttpServers(
  prototypes: readonly object[],
  options: HttpServerOptions,
): () => void {
  const redacted = queryNames(options.redactedQueryParams);
  const { capturedHeaders, ignore, spans, durations } = options;
  // Attribute names of the captured headers, built once rather than per request.
  const headerKeys = capturedHeaders.map((name) => [name, `http.request.header.${name}`] as const);
  const responseHeaderKeys = capturedHeaders.map(
    (name) => [name, `http.response.header.${name}`] as const,
  );
  // Most requests carry no trace context; extracting from them only builds an empty context.
  const propagated = propagation.fields();

  let lastHost = parseHost('');

  /** The semantic-convention attributes of a request, on its server span. */
  const recordStart = (
    span: ServerSpan,
    req: IncomingMessage,
    method: string,
    rawMethod: string,
    scheme: string,
  ): void => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    span.put('http.request.method', method);
    span.put('url.scheme', scheme);
    span.put('url.path', queryAt < 0 ? url : url.slice(0, queryAt));
    span.put('network.protocol.version', req.httpVersion);
    if (method === '_OTHER') span.put('http.request.method_original', rawMethod);
    if (queryAt >= 0) span.put('url.query', redactQuery(url.slice(queryAt + 1), redacted));
    const host = req.headers.host;
    if (host) {
      // A server's requests mostly name the same host: the last one's parts are kept.
      if (host !== lastHost.header) lastHost = parseHost(host);
      span.put('server.address', lastHost.address);
      if (lastHost.port !== undefined) span.put('server.port', lastHost.port);
    }
    if (req.socket.remoteAddress) span.put('client.address', req.socket.remoteAddress);
    const agent = req.headers['user-agent'];
    if (agent) span.put('user_agent.original', agent);
    for (let i = 0; i < headerKeys.length; i++) {
      const [name, key] = headerKeys[i]!;
      const value = req.headers[name];
      if (value !== undefined) span.put(key, Array.isArray(value) ? value : [value]);
    }
  };

  const handle = (server: Server, emit: Emit, args: [string, ...unknown[]]): boolean => {
    const req = args[1] as IncomingMessage;
    const res = args[2] as ServerResponse;
    // A response already in flight is one request emitted again (a server handing its requests
    // to another): it keeps its one span and one duration.
    if (ignore(req) || (res as WithInFlight)[IN_FLIGHT] !== undefined)
      return emit.apply(server, args);
    const started = performance.now();
    const rawMethod = req.method ?? 'GET';
    const method = KNOWN_METHODS.has(rawMethod) ? rawMethod : '_OTHER';
    const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    let parent = ROOT_CONTEXT;
    // Indexed loops on the per-request path: an iterator is an allocation until it is optimised.
    for (let i = 0; i < propagated.length; i++) {
      if (req.headers[propagated[i]!] !== undefined) {
        parent = propagation.extract(ROOT_CONTEXT, req.headers);
        break;
      }
    }
    // Attributes go on after the start: the samplers the preload configures decide without
    // them, and a span that is not sampled needs none.
    const span = spans.start(method, parent, started);
    if (span instanceof ServerSpan) recordStart(span, req, method, rawMethod, scheme);
    const rpc: RPCMetadata | undefined = options.routesReported()
      ? { type: RPCType.HTTP, span }
      : undefined;
    const inFlight: InFlight = { span, rpc, method, scheme, version: req.httpVersion, started };
    (res as WithInFlight)[IN_FLIGHT] = inFlight;
    res.on('close', onClose);
    const withSpan = new SpanContextOver(parent, span);
    const active = rpc ? setRPCMetadata(withSpan, rpc) : withSpan;
    // A throw out of a request listener is an uncaught exception: no response will follow, and
    // the process usually dies next. It passes through here uncaught (see noteFailure).
    let threw = true;
    try {
      const handled = context.with(active, () => emit.apply(server, args));
      threw = false;
      return handled;
    } finally {
      if (threw) noteFailure(span);
    }
  };

  /** The response's one 'close' listener, shared by every response (no closure per request). */
  const onClose = function (this: ServerResponse) {
    const inFlight = (this as WithInFlight)[IN_FLIGHT];
    if (inFlight === undefined) return;
    (this as WithInFlight)[IN_FLIGHT] = undefined;
    finish(inFlight, this);
  };

  const finish = (
    { span, rpc, method, scheme, version, started }: InFlight,
    res: ServerResponse,
  ) => {
    // Already ended when a listener threw (see handle); the app may have survived that.
    if (endedEarly.has(span)) return;
    const status = res.statusCode;
    const aborted = !res.writableFinished;
    const recording = span instanceof ServerSpan ? span : undefined;
    recording?.put('http.response.status_code', status);
    const route = rpc?.type === RPCType.HTTP ? rpc.route : undefined;
    if (route) {
      recording?.put('http.route', route);
      span.updateName(`${method} ${route}`);
    }
    if (recording) {
      for (let i = 0; i < responseHeaderKeys.length; i++) {
        const [name, key] = responseHeaderKeys[i]!;
        const value = res.getHeader(name);
        if (value !== undefined) recording.put(key, Array.isArray(value) ? value : [String(value)]);
      }
    }
    const errorType = errorTypeOf(status, aborted);
    if (errorType) {
      recording?.put('error.type', errorType);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
    durations?.record(
      (performance.now() - started) / 1000,
      method,
      scheme,
      version,
      status,
      aborted,
      route,
    );
  };

  const restores = prototypes.map((proto) => {
    const target = proto as { emit: Emit };
    const own = Object.prototype.hasOwnProperty.call(proto, 'emit');
    const original = target.emit;
    // `arguments` rather than rest parameters: every event of every server passes through
    // here, and forwarding them must not allocate.
    target.emit = function emit(this: Server, event: string | symbol) {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments as unknown as [string, ...unknown[]];
      if (event !== 'request') return original.apply(this, args);
      return handle(this, original, args);
    };
    return () => {
      if (own) target.emit = original;
      else delete (target as { emit?: Emit }).emit;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}
