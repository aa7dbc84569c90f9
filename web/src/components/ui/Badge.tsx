import type { ReactNode } from "react";
import { cn } from "@/lib/cn";

const TONES = {
  gray: "border-slate-300 bg-slate-100 text-slate-700",
  green: "border-emerald-300 bg-emerald-50 text-emerald-800",
  red: "border-red-300 bg-red-50 text-red-800",
  amber: "border-amber-300 bg-amber-50 text-amber-900",
  blue: "border-sky-300 bg-sky-50 text-sky-800",
  orange: "border-orange-300 bg-orange-50 text-orange-800",
} as const;

export type Tone = keyof typeof TONES;

export function Badge({ tone = "gray", children, className }: { tone?: Tone; children: ReactNode; className?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-1 rounded-md border px-2 py-0.5 text-xs font-bold tracking-wide uppercase", TONES[tone], className)}>
      {children}
    </span>
  );
}

const STATUS_TONE: Record<string, Tone> = {
  DRAFT: "gray",
  PUBLISHING: "amber",
  PUBLISHED: "green",
  RETIRED: "red",
};

/** Lifecycle status of an offering as a coloured badge. */
export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? "gray"}>{status}</Badge>;
}
