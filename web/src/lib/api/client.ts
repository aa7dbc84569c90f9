import { apiBaseUrl } from "@/lib/config";
import { clearToken, getToken, setLoginNotice } from "@/lib/session";
import { ApiError, errorFromBody } from "./errors";

type UnauthorizedHandler = (message: string) => void;

let unauthorizedHandler: UnauthorizedHandler | null = null;

/** Registers what happens when any authenticated call answers 401 (the app sends the user to /login). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler;
}

export type QueryValue = string | number | boolean | null | undefined | Array<string | number>;

/** Options of one API call. */
export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, QueryValue>;
  /** JSON body. */
  json?: unknown;
  /** application/x-www-form-urlencoded body. */
  form?: Record<string, string>;
  /** Send the bearer token and treat 401 as "session over" (default true). */
  auth?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Expect a text body instead of JSON. */
  text?: boolean;
}

/** Builds the query string, repeating keys for arrays and skipping empty values. */
export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      for (const v of value) params.append(key, String(v));
    } else {
      params.append(key, String(value));
    }
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** Full URL of a gateway path. */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  return `${apiBaseUrl()}${path}${buildQuery(query)}`;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Calls the gateway. Resolves with the parsed JSON body (undefined for 204), rejects with an
 * ApiError for any non-2xx answer or network failure.
 */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const auth = opts.auth ?? true;
  const headers: Record<string, string> = { Accept: opts.text ? "*/*" : "application/json" };
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(opts.form).toString();
  }
  const token = auth ? getToken() : null;
  if (token) headers.Authorization = `Bearer ${token}`;

  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), opts.timeoutMs ?? 30_000);
  const onOuterAbort = () => controller.abort();
  opts.signal?.addEventListener("abort", onOuterAbort);

  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method: opts.method ?? "GET",
      headers,
      body,
      signal: controller.signal,
      cache: "no-store",
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const timedOut = controller.signal.aborted;
    throw new ApiError({
      status: 0,
      code: timedOut ? "GATEWAY_TIMEOUT" : "NETWORK_ERROR",
      message: timedOut ? "The server took too long to answer." : "Cannot reach the server. Check your connection and try again.",
    });
  } finally {
    clearTimeout(timeout);
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }

  if (res.status === 204) return undefined as T;
  if (opts.text && res.ok) return (await res.text()) as T;
  const parsed = await readBody(res);
  if (!res.ok) {
    const err = errorFromBody(res.status, parsed, res.headers.get("Retry-After"));
    if (res.status === 401 && auth && token) {
      clearToken();
      const msg = "Your session has ended. Please sign in again.";
      setLoginNotice(msg);
      unauthorizedHandler?.(msg);
    }
    throw err;
  }
  return parsed as T;
}
