// A stand-in for a Go service's net/http/pprof on 127.0.0.1 (port 0): it serves real captured profiles in
// sequence, one route at a time, and misbehaves on demand the ways real endpoints and proxies do (error
// statuses, login pages, slow answers, bodies cut short, reset connections). It records every request and
// every complete profile it served, so tests can compare saved files byte for byte.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A self-signed certificate for 127.0.0.1 (P-256, valid 2026 to 2126) and its key, made for these tests
 * only with `openssl req -x509 -newkey ec -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1`:
 * it guards nothing, and lets a test see that https is verified unless --insecure is given.
 */
export const TEST_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIG5lGWNouWFHPsYU
9WC6iSrb0YwD3STv6blH/2VgRfuhRANCAARVZ/WcYGD0Ns0tpobSwDU5+io5DKpP
5GCxOMMyByD/8qrQCXhSlNymJVv+AKT24PXDDKjAu7V0Dx6nZJqCNIVI
-----END PRIVATE KEY-----`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUOvWaRfeNGT2YudthBQHB00pQADUwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNjAyNDczNloYDzIxMjYxMTAy
MDI0NzM2WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARVZ/WcYGD0Ns0tpobSwDU5+io5DKpP5GCxOMMyByD/8qrQCXhSlNym
JVv+AKT24PXDDKjAu7V0Dx6nZJqCNIVIo2QwYjAdBgNVHQ4EFgQU8Ylwj5o+lriH
9sY8De+zQqZMVdEwHwYDVR0jBBgwFoAU8Ylwj5o+lriH9sY8De+zQqZMVdEwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
IDL+ZqUogYC7EZjGEfdI3QBxI8pOWe1GwjOINOsprN/BAiA0NBJuGDxM7AD8byrG
yXh2MXbv/ZybLnVnP7jkUnU6dA==
-----END CERTIFICATE-----`,
};

export type Fault =
  /** An error status with a body, as a proxy or the Go mux answers (404 page not found, 502 Bad Gateway). */
  | { readonly kind: 'status'; readonly status: number; readonly body: string; readonly type?: string; readonly location?: string }
  /** 200 with an HTML login page, as an auth proxy answers. */
  | { readonly kind: 'login' }
  /** The profile, but only after `ms`. */
  | { readonly kind: 'slow'; readonly ms: number }
  /** Content-Length of the whole profile, half of it sent, then the connection closed. */
  | { readonly kind: 'short-body' }
  /** A consistent Content-Length, but the gzip stream cut in the middle. */
  | { readonly kind: 'cut-gzip' }
  /** The connection destroyed as soon as the request arrives. */
  | { readonly kind: 'reset' };

export interface Seen {
  readonly route: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
}

export const LOGIN_PAGE = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action="/login"></form></body></html>\n';

/** Route: the path, plus `?debug=N` when asked, e.g. `/debug/pprof/goroutine?debug=2`. */
export function routeOf(url: URL): string {
  const debug = url.searchParams.get('debug');
  return debug === null || debug === '0' ? url.pathname : `${url.pathname}?debug=${debug}`;
}

export class PprofServer {
  readonly seen: Seen[] = [];
  /** Complete 200 profile answers, per route, in the order served. */
  readonly served = new Map<string, Buffer[]>();
  /** Called on each request before it is answered (for example to abort the client mid-request). */
  onRequest: ((route: string, n: number) => void) | null = null;
  private readonly faults = new Map<string, Fault[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server;

  private constructor(
    private readonly bodies: ReadonlyMap<string, readonly Buffer[]>,
    private readonly tls: boolean,
  ) {
    const handler = (req: IncomingMessage, res: ServerResponse): void => this.handle(req, res);
    this.server = tls ? createTlsServer(TEST_TLS, handler) : createServer(handler);
  }

  /** Listens on 127.0.0.1 only, on a free port; https with the self-signed TEST_TLS when `tls`. */
  static async start(bodies: ReadonlyMap<string, readonly Buffer[]>, tls = false): Promise<PprofServer> {
    const s = new PprofServer(bodies, tls);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(0, '127.0.0.1', () => resolve());
    });
    return s;
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next requests on `route` get these faults, one per request, before answers are normal again. */
  inject(route: string, ...faults: Fault[]): void {
    this.faults.set(route, [...(this.faults.get(route) ?? []), ...faults]);
  }

  requests(route: string): number {
    return this.seen.filter((s) => s.route === route).length;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routeOf(url);
    this.seen.push({ route, query: url.searchParams, headers: req.headers });
    this.onRequest?.(route, this.requests(route));
    const fault = this.faults.get(route)?.shift();
    const list = this.bodies.get(route);
    if (list === undefined && fault === undefined) return void res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
    const body = list === undefined ? Buffer.alloc(0) : list[(this.served.get(route)?.length ?? 0) % list.length];
    if (fault === undefined) return this.serve(route, res, body);
    this.misbehave(fault, route, req, res, body);
  }

  private misbehave(fault: Fault, route: string, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    switch (fault.kind) {
      case 'status':
        res.writeHead(fault.status, {
          'content-type': fault.type ?? 'text/plain; charset=utf-8',
          ...(fault.location === undefined ? {} : { location: fault.location }),
        });
        return void res.end(fault.body);
      case 'login':
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
      case 'slow': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!req.socket.destroyed) this.serve(route, res, body);
        }, fault.ms);
        this.timers.add(timer);
        return;
      }
      case 'short-body':
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
        return void res.write(body.subarray(0, body.length >> 1), () => req.socket.destroy());
      case 'cut-gzip': {
        const cut = body.subarray(0, Math.floor(body.length * 0.6));
        return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': cut.length }).end(cut);
      }
      case 'reset':
        return void req.socket.destroy();
    }
  }

  private serve(route: string, res: ServerResponse, body: Buffer): void {
    const type = route.includes('debug=') ? 'text/plain; charset=utf-8' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
    this.served.set(route, [...(this.served.get(route) ?? []), body]);
  }
}
