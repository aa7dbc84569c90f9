"use client";

import Link from "next/link";
import { useRef, type KeyboardEvent } from "react";
import { cn } from "@/lib/cn";
import { Icon, type IconName } from "./Icon";

export interface TabDef {
  id: string;
  label: string;
  icon?: IconName;
}

/** Tabs that are links (?tab=…), so each tab is bookmarkable; arrow keys move between them. */
export function LinkTabs({ tabs, active, basePath, label }: { tabs: TabDef[]; active: string; basePath: string; label: string }) {
  const refs = useRef<Array<HTMLAnchorElement | null>>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    e.preventDefault();
    const n = (i + (e.key === "ArrowRight" ? 1 : -1) + tabs.length) % tabs.length;
    refs.current[n]?.focus();
  };
  return (
    <nav aria-label={label} className="inline-flex max-w-full flex-wrap gap-1 rounded-2xl bg-slate-200/60 p-1.5">
      {tabs.map((t, i) => {
        const selected = t.id === active;
        return (
          <Link
            key={t.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            href={`${basePath}?tab=${t.id}`}
            aria-current={selected ? "page" : undefined}
            onKeyDown={(e) => onKey(e, i)}
            className={cn(
              "inline-flex items-center gap-2 rounded-xl px-4 py-2 text-sm font-semibold transition-colors focus-visible:outline-2 focus-visible:outline-orange-600",
              selected ? "bg-white text-orange-700 shadow-sm" : "text-slate-700 hover:text-slate-900",
            )}
          >
            {t.icon ? <Icon name={t.icon} /> : null}
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
