/** http.request against a real node:http server on 127.0.0.1 (ephemeral port). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequestParams } from '../../../src/steps/http/definitions.js';
import { createHttpRequest, httpRequest } from '../../../src/steps/http/request.js';
import { stepContext } from '../shell/step-context.js';

let server: Server;
let base: string;
const hits = new Map<string, number>();
const fastRetry = createHttpRequest({ attempts: 3, baseDelayMs: 10, maxDelayMs: 20 });

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const count = (hits.get(url.pathname + url.search) ?? 0) + 1;
    hits.set(url.pathname + url.search, count);
    const send = (status: number, body: string, type = 'text/plain') => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    switch (url.pathname) {
      case '/ok':
        return send(200, 'status: ok\n');
      case '/fail':
        return send(500, 'internal error\n');
      case '/throttled-once':
        return count === 1 ? send(429, 'slow down\n') : send(200, 'status: ok\n');
      case '/throttled':
        return send(429, 'slow down\n');
      case '/unavailable':
        return send(503, 'maintenance\n');
      case '/slow':
        return void setTimeout(() => send(200, 'late\n'), Number(url.searchParams.get('ms') ?? 300));
      case '/private':
        return request.headers.authorization === 'Bearer good' ? send(200, 'welcome\n') : send(401, 'who are you?\n');
      case '/basic':
        return request.headers.authorization === `Basic ${Buffer.from('user:pa55word').toString('base64')}` ? send(200, 'welcome\n') : send(401, 'who are you?\n');
      case '/forbidden':
        return send(403, 'no\n');
      case '/json':
        return send(200, JSON.stringify({ status: 'ok', replicas: [{ name: 'r1', lagSeconds: 3 }] }), 'application/json');
      case '/big':
        return send(200, 'y'.repeat(10_000));
      case '/reset':
        return void request.socket.destroy();
      default:
        return send(404, 'not here\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const params = (raw: Record<string, unknown>) => httpRequestParams.parse(raw);

describe('http.request expectations', () => {
  it('passes on the expected status within the latency bound, with status, latency and body as outputs', async () => {
    const result = await httpRequest.run(params({ url: `${base}/ok`, expect: { maxLatency: '5s', bodyMatches: 'status: ok' } }), stepContext());
    expect(result.ok).toBe(true);
    expect(result.outputs.status).toBe(200);
    expect(result.outputs.body).toBe('status: ok\n');
    expect(typeof result.outputs.latencyMs).toBe('number');
    expect(result.expected).toBe('status 200; latency <= 5000 ms; body matches /status: ok/');
    expect(result.detail).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/ok answered 200 in \d+ ms\.$/);
  });

  it('fails an unexpected 500 as an unmet expectation, without retrying', async () => {
    const result = await fastRetry.run(params({ url: `${base}/fail?case=1` }), stepContext());
    expect(result.ok).toBe(false);
    expect(result.failure).toBeUndefined();
    expect(result.observed).toMatch(/^status 500; \d+ ms$/);
    expect(result.outputs.body).toBe('internal error\n');
    expect(hits.get('/fail?case=1')).toBe(1);
  });

  it('passes when the status is in the expected list', async () => {
    const result = await fastRetry.run(params({ url: `${base}/fail?case=2`, expect: { status: [500, 503] } }), stepContext());
    expect(result.ok).toBe(true);
  });

  it('fails when the answer is slower than maxLatency', async () => {
    const result = await httpRequest.run(params({ url: `${base}/slow?ms=300`, expect: { maxLatency: '100ms' } }), stepContext());
    expect(result.ok).toBe(false);
    expect(result.expected).toBe('status 200; latency <= 100 ms');
    expect(result.detail).toMatch(/expected latency <= 100 ms, observed latency \d{3,} ms/);
  });

  it('checks a value inside a JSON body', async () => {
    const pass = await httpRequest.run(params({ url: `${base}/json`, expect: { json: { path: '$.replicas[0].lagSeconds', max: 10 } } }), stepContext());
    expect(pass.ok).toBe(true);
    const fail = await httpRequest.run(params({ url: `${base}/json`, expect: { json: { path: 'status', equals: 'degraded' } } }), stepContext());
    expect(fail.ok).toBe(false);
    expect(fail.detail).toContain('expected json status = "degraded", observed json status = "ok"');
  });

  it('keeps only the first 4 KiB of the body in the outputs', async () => {
    const result = await httpRequest.run(params({ url: `${base}/big` }), stepContext());
    expect((result.outputs.body as string).length).toBe(4096);
  });

  it('sends headers', async () => {
    const result = await httpRequest.run(params({ url: `${base}/private`, headers: { Authorization: 'Bearer good' } }), stepContext());
    expect(result.ok).toBe(true);
  });
});

describe('http.request failure classes', () => {
  it('401 is authentication, 403 permission, 404 not-found', async () => {
    const unauthorized = await httpRequest.run(params({ url: `${base}/private` }), stepContext());
    expect(unauthorized.failure?.class).toBe('authentication');
    expect(unauthorized.failure?.advice).toContain('Authorization header');
    expect((await httpRequest.run(params({ url: `${base}/forbidden` }), stepContext())).failure?.class).toBe('permission');
    const missing = await httpRequest.run(params({ url: `${base}/nowhere` }), stepContext());
    expect(missing.failure?.class).toBe('not-found');
    expect(missing.detail).toContain('answered 404 Not Found');
  });

  it('404 passes when it is the expected status', async () => {
    const result = await httpRequest.run(params({ url: `${base}/nowhere`, expect: { status: 404 } }), stepContext());
    expect(result.ok).toBe(true);
  });

  it('retries a 429 with backoff, reports the retry through progress, and passes', async () => {
    const context = stepContext();
    const result = await httpRequest.run(params({ url: `${base}/throttled-once` }), context);
    expect(result.ok).toBe(true);
    expect(hits.get('/throttled-once')).toBe(2);
    expect(context.progress).toHaveLength(1);
    expect(context.progress[0]).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/throttled-once: HTTP 429 Too Many Requests; retrying in \d\.\ds \(attempt 2 of 5\)$/);
  });

  it('classifies throttling that outlasts the retries as throttled', async () => {
    const context = stepContext();
    const result = await fastRetry.run(params({ url: `${base}/throttled` }), context);
    expect(result.failure?.class).toBe('throttled');
    expect(hits.get('/throttled')).toBe(3);
    expect(context.progress).toHaveLength(2);
  });

  it('classifies a service that stays unavailable (503) as unreachable after retrying', async () => {
    const result = await fastRetry.run(params({ url: `${base}/unavailable` }), stepContext());
    expect(result.failure?.class).toBe('unreachable');
    expect(result.detail).toContain('answered 503 Service Unavailable 3 times');
    expect(hits.get('/unavailable')).toBe(3);
  });

  it('retries a reset connection, then classifies it as unreachable', async () => {
    const context = stepContext();
    const result = await fastRetry.run(params({ url: `${base}/reset` }), context);
    expect(result.failure?.class).toBe('unreachable');
    expect(result.detail).toContain('the connection was reset');
    expect(hits.get('/reset')).toBe(3);
    expect(context.progress).toHaveLength(2);
  });

  it('classifies a refused connection as unreachable, without retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const context = stepContext();
    const result = await fastRetry.run(params({ url: `http://127.0.0.1:${port}/health` }), context);
    expect(result.failure?.class).toBe('unreachable');
    expect(result.detail).toContain('connection refused');
    expect(result.failure?.advice).toBe(`nothing listens at 127.0.0.1:${port}; check the URL and that the service is running`);
    expect(context.progress).toEqual([]);
  });

  it('classifies an answer slower than the step timeout as timeout', async () => {
    const result = await httpRequest.run(params({ url: `${base}/slow?ms=2000` }), stepContext({ timeoutMs: 200 }));
    expect(result.failure?.class).toBe('timeout');
  });

  it('stops at once when the operator cancels', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await httpRequest.run(params({ url: `${base}/slow?ms=3000` }), stepContext({ signal: controller.signal }));
    expect(result.failure?.class).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('sends credentials written in the URL as Basic authentication, and never shows them', async () => {
    const port = (server.address() as AddressInfo).port;
    const welcome = await httpRequest.run(params({ url: `http://user:pa55word@127.0.0.1:${port}/basic` }), stepContext());
    expect(welcome.ok).toBe(true);
    expect(welcome.detail).toBe(`GET http://127.0.0.1:${port}/basic answered 200 in ${welcome.outputs.latencyMs} ms.`);
    const forbidden = await httpRequest.run(params({ url: `http://user:pa55word@127.0.0.1:${port}/forbidden` }), stepContext());
    expect(forbidden.failure?.class).toBe('permission');
    expect(forbidden.detail).not.toContain('pa55word');
  });
});
