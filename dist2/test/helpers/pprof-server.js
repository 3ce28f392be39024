// A stand-in for a Go service's net/http/pprof on 127.0.0.1 (port 0): it serves real captured profiles in
// sequence, one route at a time, and misbehaves on demand the ways real endpoints and proxies do (error
// statuses, login pages, slow answers, bodies cut short, reset connections). It records every request and
// every complete profile it served, so tests can compare saved files byte for byte.
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
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
export const LOGIN_PAGE = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action="/login"></form></body></html>\n';
/** Route: the path, plus `?debug=N` when asked, e.g. `/debug/pprof/goroutine?debug=2`. */
export function routeOf(url) {
    const debug = url.searchParams.get('debug');
    return debug === null || debug === '0' ? url.pathname : `${url.pathname}?debug=${debug}`;
}
export class PprofServer {
    bodies;
    tls;
    seen = [];
    /** Complete 200 profile answers, per route, in the order served. */
    served = new Map();
    /** Called on each request before it is answered (for example to abort the client mid-request). */
    onRequest = null;
    faults = new Map();
    timers = new Set();
    server;
    constructor(bodies, tls) {
        this.bodies = bodies;
        this.tls = tls;
        const handler = (req, res) => this.handle(req, res);
        this.server = tls ? createTlsServer(TEST_TLS, handler) : createServer(handler);
    }
    /** Listens on 127.0.0.1 only, on a free port; https with the self-signed TEST_TLS when `tls`. */
    static async start(bodies, tls = false) {
        const s = new PprofServer(bodies, tls);
        await new Promise((resolve, reject) => {
            s.server.once('error', reject);
            s.server.listen(0, '127.0.0.1', () => resolve());
        });
        return s;
    }
    get url() {
        return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.server.address().port}`;
    }
    /** The next requests on `route` get these faults, one per request, before answers are normal again. */
    inject(route, ...faults) {
        this.faults.set(route, [...(this.faults.get(route) ?? []), ...faults]);
    }
    requests(route) {
        return this.seen.filter((s) => s.route === route).length;
    }
    async close() {
        for (const t of this.timers)
            clearTimeout(t);
        this.server.closeAllConnections();
        await new Promise((resolve) => this.server.close(() => resolve()));
    }
    handle(req, res) {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const route = routeOf(url);
        this.seen.push({ route, query: url.searchParams, headers: req.headers });
        this.onRequest?.(route, this.requests(route));
        const fault = this.faults.get(route)?.shift();
        const list = this.bodies.get(route);
        if (list === undefined && fault === undefined)
            return void res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
        const body = list === undefined ? Buffer.alloc(0) : list[(this.served.get(route)?.length ?? 0) % list.length];
        if (fault === undefined)
            return this.serve(route, res, body);
        this.misbehave(fault, route, req, res, body);
    }
    misbehave(fault, route, req, res, body) {
        switch (fault.kind) {
            case 'status':
                res.writeHead(fault.status, { 'content-type': fault.type ?? 'text/plain; charset=utf-8', ...(fault.location === undefined ? {} : { location: fault.location }) });
                return void res.end(fault.body);
            case 'login':
                return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
            case 'slow': {
                const timer = setTimeout(() => {
                    this.timers.delete(timer);
                    if (!req.socket.destroyed)
                        this.serve(route, res, body);
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
    serve(route, res, body) {
        const type = route.includes('debug=') ? 'text/plain; charset=utf-8' : 'application/octet-stream';
        res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
        this.served.set(route, [...(this.served.get(route) ?? []), body]);
    }
}
//# sourceMappingURL=pprof-server.js.map