"use client";

import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { Skeleton } from "@/components/ui/Skeleton";
import { useAuth } from "@/contexts/AuthContext";

export default function Home() {
  const { ready, user } = useAuth();
  const router = useRouter();
  useEffect(() => {
    if (ready) router.replace(user ? "/builder" : "/login");
  }, [ready, user, router]);
  return <Skeleton className="h-40 w-full" />;
}
