const DEFAULT_API_BASE_URL = "http://127.0.0.1:8000";

declare global {
  interface Window {
    /** Set by the root layout from the server's API_BASE_URL at request time. */
    __TMF_API_BASE_URL__?: string;
  }
}

const trim = (u: string) => u.replace(/\/+$/, "");

/**
 * The gateway URL the server was started with: API_BASE_URL (read at request time, so one
 * build serves any environment), else NEXT_PUBLIC_API_BASE_URL (inlined at build), else the
 * local default. Server side only.
 */
export function serverApiBaseUrl(): string {
  return trim(process.env.API_BASE_URL || process.env.NEXT_PUBLIC_API_BASE_URL || DEFAULT_API_BASE_URL);
}

/** Base URL of the API gateway; the browser talks to nothing else. */
export function apiBaseUrl(): string {
  if (typeof window !== "undefined" && window.__TMF_API_BASE_URL__) return trim(window.__TMF_API_BASE_URL__);
  return trim(process.env.NEXT_PUBLIC_API_BASE_URL || DEFAULT_API_BASE_URL);
}

/** How often the publish progress view polls, in milliseconds. */
export const SAGA_POLL_MS = 1500;

/** After this long without a final state the progress view says the saga is slow. */
export const SAGA_SLOW_AFTER_MS = 150_000;
