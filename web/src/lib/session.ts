/**
 * Session storage of the access token. The token lives for the browser tab's session only
 * (sessionStorage), never in localStorage or a cookie.
 */
const TOKEN_KEY = "tmf.token";
const NOTICE_KEY = "tmf.notice";

function storage(): Storage | null {
  if (typeof window === "undefined") return null;
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return storage()?.getItem(TOKEN_KEY) ?? null;
}

export function setToken(token: string): void {
  storage()?.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  storage()?.removeItem(TOKEN_KEY);
}

/** Leaves a one-time message for the login page (e.g. "your session expired"). */
export function setLoginNotice(message: string): void {
  storage()?.setItem(NOTICE_KEY, message);
}

/** Reads and forgets the one-time login message. */
export function takeLoginNotice(): string | null {
  const s = storage();
  const msg = s?.getItem(NOTICE_KEY) ?? null;
  s?.removeItem(NOTICE_KEY);
  return msg;
}
