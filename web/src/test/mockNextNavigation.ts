import { useSyncExternalStore } from "react";
import { nav } from "./navigation";

function subscribe(cb: () => void) {
  nav.listeners.add(cb);
  return () => nav.listeners.delete(cb);
}

const router = {
  replace: (...args: unknown[]) => nav.replace(...args),
  push: (...args: unknown[]) => nav.push(...args),
  back: () => {},
  forward: () => {},
  refresh: () => {},
  prefetch: () => Promise.resolve(),
};

export function useRouter() {
  return router;
}

export function usePathname() {
  return useSyncExternalStore(subscribe, () => nav.pathname);
}

export function useSearchParams() {
  return useSyncExternalStore(subscribe, () => nav.search);
}

export function redirect(href: string): never {
  throw new Error(`redirect to ${href}`);
}

export function notFound(): never {
  throw new Error("notFound");
}
