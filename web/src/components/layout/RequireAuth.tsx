"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Skeleton } from "@/components/ui/Skeleton";
import { EmptyState } from "@/components/ui/States";
import { useAuth } from "@/contexts/AuthContext";

/** Renders children only for a signed-in user (and only for ADMIN when admin is set). */
export function RequireAuth({ children, admin = false }: { children: ReactNode; admin?: boolean }) {
  const { ready, user, isAdmin } = useAuth();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const redirected = useRef(false);

  useEffect(() => {
    if (ready && !user && !redirected.current) {
      redirected.current = true;
      const qs = search.toString();
      router.replace(`/login?next=${encodeURIComponent(pathname + (qs ? `?${qs}` : ""))}`);
    }
    if (user) redirected.current = false;
  }, [ready, user, router, pathname, search]);

  if (!ready || !user) {
    return (
      <div role="status" aria-label="Loading" className="space-y-4">
        <Skeleton className="h-10 w-64" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  if (admin && !isAdmin) {
    return (
      <EmptyState title="Administrators only" icon="lock">
        You are signed in as {user.username} ({user.role}). This page needs the ADMIN role.
      </EmptyState>
    );
  }
  return <>{children}</>;
}
