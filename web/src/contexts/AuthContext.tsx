"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { login as apiLogin } from "@/lib/api/catalog";
import { setUnauthorizedHandler } from "@/lib/api/client";
import { decodeToken, isExpired, type TokenClaims } from "@/lib/jwt";
import { clearToken, getToken, setLoginNotice, setToken } from "@/lib/session";

export interface AuthUser {
  username: string;
  role: string;
}

interface AuthState {
  /** False until the token in sessionStorage has been read (avoids hydration flicker). */
  ready: boolean;
  user: AuthUser | null;
  isAdmin: boolean;
  login: (username: string, password: string) => Promise<AuthUser>;
  logout: (notice?: string) => void;
}

const AuthContext = createContext<AuthState | null>(null);

function userFrom(claims: TokenClaims | null): AuthUser | null {
  if (!claims || isExpired(claims)) return null;
  return { username: claims.username || "user", role: claims.role };
}

/** Reads the current user from the stored token (null when absent, malformed or expired). */
export function currentUser(): AuthUser | null {
  const token = getToken();
  return token ? userFrom(decodeToken(token)) : null;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [ready, setReady] = useState(false);
  const [user, setUser] = useState<AuthUser | null>(null);

  useEffect(() => {
    const u = currentUser();
    if (!u && getToken()) {
      clearToken();
      setLoginNotice("Your session has ended. Please sign in again.");
    }
    // eslint-disable-next-line react-hooks/set-state-in-effect -- sessionStorage is only readable after mount
    setUser(u);
    setReady(true);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setUser(null);
      const here = window.location.pathname + window.location.search;
      router.replace(`/login?next=${encodeURIComponent(here)}`);
    });
    return () => setUnauthorizedHandler(null);
  }, [router]);

  const login = useCallback(async (username: string, password: string) => {
    const token = await apiLogin(username, password);
    const u = userFrom(decodeToken(token));
    if (!u) throw new Error("The server returned a token the app cannot read.");
    setToken(token);
    setUser(u);
    return u;
  }, []);

  const logout = useCallback(
    (notice?: string) => {
      clearToken();
      if (notice) setLoginNotice(notice);
      setUser(null);
      router.replace("/login");
    },
    [router],
  );

  const value = useMemo<AuthState>(
    () => ({ ready, user, isAdmin: user?.role === "ADMIN", login, logout }),
    [ready, user, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth must be used inside AuthProvider");
  return ctx;
}
