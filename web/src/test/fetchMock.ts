/**
 * A scripted fetch: routes match on method and a regular expression over the URL; every call
 * is recorded so tests can assert on what was sent.
 */
import { vi } from "vitest";

export interface Call {
  method: string;
  url: URL;
  body: unknown;
  headers: Record<string, string>;
}

type Reply = { status?: number; body?: unknown; headers?: Record<string, string> } | ((call: Call) => { status?: number; body?: unknown; headers?: Record<string, string> });

interface Route {
  method: string;
  pattern: RegExp;
  reply: Reply;
  once: boolean;
}

export function mockFetch() {
  const routes: Route[] = [];
  const calls: Call[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? "GET").toUpperCase();
    const headers = (init?.headers ?? {}) as Record<string, string>;
    let body: unknown = init?.body;
    if (typeof body === "string" && headers["Content-Type"] === "application/json") body = JSON.parse(body);
    const call: Call = { method, url, body, headers };
    calls.push(call);
    const idx = routes.findIndex((r) => r.method === method && r.pattern.test(url.pathname + url.search));
    if (idx < 0) return new Response(JSON.stringify({ error: { code: "NOT_FOUND", message: `no mock for ${method} ${url.pathname}` } }), { status: 404 });
    const route = routes[idx]!;
    if (route.once) routes.splice(idx, 1);
    const r = typeof route.reply === "function" ? route.reply(call) : route.reply;
    const status = r.status ?? 200;
    const text = r.body === undefined ? null : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
    return new Response(status === 204 ? null : text, { status, headers: { "Content-Type": "application/json", ...(r.headers ?? {}) } });
  });
  vi.stubGlobal("fetch", fn);
  const api = {
    calls,
    on(method: string, pattern: RegExp, reply: Reply) {
      routes.push({ method, pattern, reply, once: false });
      return api;
    },
    /** A reply used once, ahead of any permanent route for the same URL. */
    once(method: string, pattern: RegExp, reply: Reply) {
      const firstPermanent = routes.findIndex((r) => !r.once);
      routes.splice(firstPermanent < 0 ? routes.length : firstPermanent, 0, { method, pattern, reply, once: true });
      return api;
    },
    callsTo(method: string, pattern: RegExp) {
      return calls.filter((c) => c.method === method && pattern.test(c.url.pathname + c.url.search));
    },
  };
  return api;
}

/** An unsigned JWT carrying the claims the UI reads. */
export function fakeToken(username: string, role: string, expInSeconds = 3600): string {
  const enc = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${enc({ alg: "RS256", typ: "JWT" })}.${enc({ sub: `${username}-id`, username, role, exp: Math.floor(Date.now() / 1000) + expInSeconds })}.sig`;
}

export function envelope(status: number, code: string, message: string, details: Array<{ field: string; message: string }> = []) {
  return { status, body: { error: { code, message, details, correlation_id: "corr-1" } } };
}
