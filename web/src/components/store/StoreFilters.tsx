"use client";

import { Icon } from "@/components/ui/Icon";
import { inputClass } from "@/components/ui/Field";
import type { StoreFacets, StoreQuery } from "@/lib/api/store";
import { cn } from "@/lib/cn";
import { channelLabel } from "@/lib/format";

interface Props {
  query: StoreQuery;
  /** What the keyword and price boxes show (ahead of the debounced query). */
  draft: Pick<StoreQuery, "q" | "minPrice" | "maxPrice">;
  onDraft: (patch: Partial<Pick<StoreQuery, "q" | "minPrice" | "maxPrice">>) => void;
  onChange: (patch: Partial<StoreQuery>) => void;
  onReset: () => void;
  facets: StoreFacets | null;
}

/** The store's filter panel: keyword, price range, channel and characteristic facets. */
export function StoreFilters({ query, draft, onDraft, onChange, onReset, facets }: Props) {
  const toggleChar = (pair: string) =>
    onChange({
      characteristics: query.characteristics.includes(pair) ? query.characteristics.filter((c) => c !== pair) : [...query.characteristics, pair],
    });
  const channels = facets?.channels ?? [];
  // Keep a selected channel visible even when the facet list no longer has it.
  const channelRows = query.channel && !channels.some((c) => c.value === query.channel) ? [...channels, { value: query.channel, count: 0 }] : channels;
  return (
    <aside aria-label="Filters" className="flex flex-col gap-6 rounded-3xl border border-slate-200 bg-white p-6 shadow-sm">
      <div className="flex items-center justify-between">
        <h2 className="flex items-center gap-2 text-base font-bold text-slate-900">
          <span className="rounded-lg bg-orange-50 p-1.5 text-orange-600">
            <Icon name="filter" />
          </span>
          Filters
        </h2>
        <button type="button" onClick={onReset} className="inline-flex items-center gap-1 rounded px-1 text-sm font-semibold text-slate-600 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-orange-600">
          <Icon name="refresh" className="h-3.5 w-3.5" /> Reset
        </button>
      </div>
      <div className="flex flex-col gap-2">
        <label htmlFor="store-q" className="text-xs font-bold tracking-wider text-slate-600 uppercase">
          Keyword
        </label>
        <div className="relative">
          <Icon name="search" className="pointer-events-none absolute top-1/2 left-3 h-4 w-4 -translate-y-1/2 text-slate-500" />
          <input id="store-q" type="search" placeholder="Search offerings…" value={draft.q} onChange={(e) => onDraft({ q: e.target.value })} className={cn(inputClass, "border-slate-200 pl-9")} />
        </div>
      </div>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-2 text-xs font-bold tracking-wider text-slate-600 uppercase">Price range</legend>
        <div className="grid grid-cols-2 gap-2">
          <label className="sr-only" htmlFor="store-min">
            Minimum price
          </label>
          <input id="store-min" inputMode="decimal" placeholder="Min" value={draft.minPrice} onChange={(e) => onDraft({ minPrice: e.target.value.replace(/[^\d.]/g, "") })} className={cn(inputClass, "border-slate-200")} />
          <label className="sr-only" htmlFor="store-max">
            Maximum price
          </label>
          <input id="store-max" inputMode="decimal" placeholder="Max" value={draft.maxPrice} onChange={(e) => onDraft({ maxPrice: e.target.value.replace(/[^\d.]/g, "") })} className={cn(inputClass, "border-slate-200")} />
        </div>
        {facets?.priceRanges.length ? (
          <ul className="mt-1 flex flex-wrap gap-1.5">
            {facets.priceRanges.map((r) => {
              const active = query.minPrice === (r.min === null ? "" : String(r.min)) && query.maxPrice === (r.max === null ? "" : String(r.max));
              if (r.count === 0 && !active) return null;
              return (
                <li key={r.label}>
                  <button
                    type="button"
                    aria-pressed={active}
                    onClick={() => onChange(active ? { minPrice: "", maxPrice: "" } : { minPrice: r.min === null ? "" : String(r.min), maxPrice: r.max === null ? "" : String(r.max) })}
                    className={cn(
                      "rounded-full border px-2.5 py-1 text-xs font-semibold focus-visible:outline-2 focus-visible:outline-orange-600",
                      active ? "border-orange-400 bg-orange-50 text-orange-900" : "border-slate-200 text-slate-700 hover:bg-slate-50",
                    )}
                  >
                    {r.label} <span className="text-slate-500">({r.count})</span>
                  </button>
                </li>
              );
            })}
          </ul>
        ) : null}
      </fieldset>
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-2 text-xs font-bold tracking-wider text-slate-600 uppercase">Sales channel</legend>
        {channelRows.length === 0 ? <p className="text-sm text-slate-600">No channels in these results.</p> : null}
        {channelRows.map((c) => {
          const active = query.channel === c.value;
          return (
            <label
              key={c.value}
              className={cn(
                "flex cursor-pointer items-center justify-between gap-2 rounded-xl border px-3 py-2.5 text-sm font-semibold has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-orange-600",
                active ? "border-orange-400 bg-orange-50 text-orange-900" : "border-slate-200 text-slate-800",
              )}
            >
              <span className="flex items-center gap-2">
                <input type="checkbox" className="h-4 w-4 accent-orange-600" checked={active} onChange={() => onChange({ channel: active ? "" : c.value })} />
                {channelLabel(c.value)}
              </span>
              <span className="text-xs font-medium text-slate-500">{c.count}</span>
            </label>
          );
        })}
      </fieldset>
      {facets?.characteristics.length || query.characteristics.length ? (
        <div className="flex flex-col gap-4">
          {(facets?.characteristics ?? []).map((f) => (
            <fieldset key={f.name} className="flex flex-col gap-1.5">
              <legend className="mb-1 text-xs font-bold tracking-wider text-slate-600 uppercase">{f.name}</legend>
              {f.values.map((v) => {
                const pair = `${f.name}:${v.value}`;
                return (
                  <label key={pair} className="flex cursor-pointer items-center justify-between gap-2 text-sm text-slate-800">
                    <span className="flex items-center gap-2">
                      <input type="checkbox" className="h-4 w-4 accent-orange-600" checked={query.characteristics.includes(pair)} onChange={() => toggleChar(pair)} />
                      {v.value}
                    </span>
                    <span className="text-xs text-slate-500">{v.count}</span>
                  </label>
                );
              })}
            </fieldset>
          ))}
        </div>
      ) : null}
    </aside>
  );
}
