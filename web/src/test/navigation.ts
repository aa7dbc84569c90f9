/**
 * A stand-in for next/navigation in component tests: the URL lives in a module variable,
 * router.replace/push change it, and every call is recorded.
 */
import { vi } from "vitest";

export const nav = {
  pathname: "/",
  search: new URLSearchParams(),
  replace: vi.fn(),
  push: vi.fn(),
  listeners: new Set<() => void>(),
};

export function setUrl(url: string) {
  const u = new URL(url, "http://localhost");
  nav.pathname = u.pathname;
  nav.search = new URLSearchParams(u.search);
  nav.listeners.forEach((l) => l());
}

export function resetNavigation(url = "/") {
  nav.replace.mockReset();
  nav.push.mockReset();
  nav.replace.mockImplementation((href: string) => setUrl(href));
  nav.push.mockImplementation((href: string) => setUrl(href));
  setUrl(url);
}
