/** Base URL of the API gateway; the browser talks to nothing else. */
export const API_BASE_URL = (process.env.NEXT_PUBLIC_API_BASE_URL || "http://127.0.0.1:8000").replace(/\/+$/, "");

/** How often the publish progress view polls, in milliseconds. */
export const SAGA_POLL_MS = 1500;

/** After this long without a final state the progress view says the saga is slow. */
export const SAGA_SLOW_AFTER_MS = 150_000;
