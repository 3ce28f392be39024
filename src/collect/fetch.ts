// One HTTP GET with node's own http and https modules: a time limit on the whole exchange (not only idle
// time, so a service that trickles bytes still ends), a size cap enforced while downloading, a body checked
// against its Content-Length, and an AbortSignal that ends the request at once. Certificate checks are off
// only when the user asked with --insecure. No keep-alive: each request has its own connection, so no idle
// socket keeps the process alive after the last round.

import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LeakdiffError } from '../errors.js';

/** A request that failed, or an answer that is not the profile asked for. The file is the URL. */
export class CollectError extends LeakdiffError {
  readonly code = 'collect';
  constructor(
    url: string,
    detail: string,
    /** True when trying again may help: timeouts, resets, 5xx, cut answers. */
    readonly transient: boolean,
    /** The HTTP status when the service answered with an error status. */
    readonly status: number | null = null,
  ) {
    super(url, 'collect', detail);
  }
}

export interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface GetOptions {
  readonly headers: readonly (readonly [string, string])[];
  readonly insecure: boolean;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly signal: AbortSignal;
}

/** The URL as messages show it: without user and password. */
export function shown(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

export function get(url: URL, o: GetOptions): Promise<Answer> {
  const name = shown(url);
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, answer?: Answer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      if (err !== null) {
        req.destroy();
        reject(err);
      } else resolve(answer as Answer);
    };
    const onAbort = (): void => finish(new AbortedError());
    const timer = setTimeout(() => finish(new CollectError(name, `no complete answer within ${o.timeoutMs / 1000} s (--timeout)`, true)), o.timeoutMs);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'GET',
      agent: false,
      headers: Object.fromEntries(o.headers),
      // Only an explicit --insecure turns certificate verification off.
      ...(url.protocol === 'https:' ? { rejectUnauthorized: !o.insecure } : {}),
    });
    req.on('error', (err) => finish(networkError(name, err)));
    req.on('response', (res) => readBody(name, res, o.maxBytes, finish));
    if (o.signal.aborted) return onAbort();
    o.signal.addEventListener('abort', onAbort, { once: true });
    req.end();
  });
}

/** The run was interrupted; not a failure of the service. */
export class AbortedError extends Error {
  constructor() {
    super('interrupted');
    this.name = 'AbortedError';
  }
}

function readBody(name: string, res: IncomingMessage, maxBytes: number, finish: (err: Error | null, answer?: Answer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const declared = res.headers['content-length'] === undefined ? null : Number(res.headers['content-length']);
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes)
      finish(new CollectError(name, `the answer is larger than ${maxBytes} bytes, more than any profile leakdiff reads (--max-inflated)`, false));
    else chunks.push(chunk);
  });
  // A body cut short ends with 'aborted' (and an ECONNRESET error) rather than 'end'.
  res.on('error', () => finish(cutShort(name, size, declared)));
  res.on('close', () => {
    if (!res.complete) finish(cutShort(name, size, declared));
  });
  res.on('end', () => {
    if (declared !== null && size !== declared) return finish(cutShort(name, size, declared));
    finish(null, { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks, size) });
  });
}

function cutShort(name: string, got: number, declared: number | null): CollectError {
  const of = declared === null ? '' : ` of the ${declared} bytes its Content-Length announced`;
  return new CollectError(name, `the answer was cut short after ${got} bytes${of} (connection closed early)`, true);
}

/** Node's error codes as a sentence; certificate problems are not retried and point at --insecure. */
function networkError(name: string, err: Error): CollectError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return new CollectError(name, 'connection refused (is the service listening there, with net/http/pprof imported?)', true);
    case 'ECONNRESET':
    case 'EPIPE':
      return new CollectError(name, 'the connection was reset before an answer came', true);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CollectError(name, `the host name does not resolve (${code})`, code === 'EAI_AGAIN');
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new CollectError(name, `the host cannot be reached (${code})`, true);
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_HEADER_TOKEN':
      return new CollectError(name, `the answer is not HTTP (${code}); is this port serving TLS or another protocol?`, false);
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new CollectError(name, `the TLS certificate is not trusted (${code}); pass --insecure to skip verification deliberately`, false);
  }
  return new CollectError(name, `the request failed: ${code === '' ? '' : `${code}: `}${err.message}`, true);
}
