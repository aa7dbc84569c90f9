/** The claims of our access token the UI cares about. */
export interface TokenClaims {
  sub?: string;
  username: string;
  role: string;
  /** Expiry, seconds since the epoch. */
  exp?: number;
}

function base64UrlDecode(part: string): string {
  const b64 = part.replace(/-/g, "+").replace(/_/g, "/");
  const padded = b64 + "=".repeat((4 - (b64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * Reads the payload of a JWT without verifying it (the services verify; the UI only needs to
 * know whom to greet and which buttons to show). Returns null for anything that is not a JWT.
 */
export function decodeToken(token: string): TokenClaims | null {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const raw: unknown = JSON.parse(base64UrlDecode(parts[1]));
    if (!raw || typeof raw !== "object") return null;
    const c = raw as Record<string, unknown>;
    const username = typeof c.username === "string" ? c.username : typeof c.sub === "string" ? c.sub : "";
    const role = typeof c.role === "string" ? c.role.toUpperCase() : "USER";
    return {
      sub: typeof c.sub === "string" ? c.sub : undefined,
      username,
      role,
      exp: typeof c.exp === "number" ? c.exp : undefined,
    };
  } catch {
    return null;
  }
}

/** True when the token's exp lies in the past (with a small allowance for clock skew). */
export function isExpired(claims: TokenClaims, nowMs: number = Date.now()): boolean {
  if (claims.exp === undefined) return false;
  return claims.exp * 1000 < nowMs - 5_000;
}
