"use client";

import { useCallback, useEffect, useState } from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Button } from "@/components/ui/Button";
import { inputClass } from "@/components/ui/Field";
import { Pagination } from "@/components/ui/Pagination";
import { Skeleton } from "@/components/ui/Skeleton";
import { EmptyState, ErrorState, PageHeader } from "@/components/ui/States";
import { describeError } from "@/lib/api/errors";
import { EMPTY_QUERY, PAGE_SIZE, queryFromUrl, queryToUrl, searchStore, SORTS, type StoreQuery } from "@/lib/api/store";
import { useDebounced, useLoader } from "@/lib/hooks";
import { OfferingCard } from "./OfferingCard";
import { StoreFilters } from "./StoreFilters";

export const SEARCH_DEBOUNCE_MS = 300;

type Draft = Pick<StoreQuery, "q" | "minPrice" | "maxPrice">;

/** The public store: every filter lives in the URL, so a search can be bookmarked or shared. */
export function StoreView({ debounceMs = SEARCH_DEBOUNCE_MS }: { debounceMs?: number }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const urlKey = params.toString();
  const query = queryFromUrl(new URLSearchParams(urlKey));

  const navigate = useCallback(
    (q: StoreQuery) => {
      const qs = queryToUrl(q);
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  // What the shopper is typing (keyword and price bounds); it reaches the URL after a pause.
  const [draft, setDraft] = useState<Draft>({ q: query.q, minPrice: query.minPrice, maxPrice: query.maxPrice });
  const [filtersOpen, setFiltersOpen] = useState(false);
  const debounced = useDebounced(draft, debounceMs);
  useEffect(() => {
    const current = queryFromUrl(new URLSearchParams(urlKey));
    if (debounced.q.trim() !== current.q.trim() || debounced.minPrice !== current.minPrice || debounced.maxPrice !== current.maxPrice) {
      navigate({ ...current, ...debounced, page: 1 });
    }
    // Only the debounced draft drives this; URL changes from other filters must not re-run it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  const editDraft = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const change = (patch: Partial<StoreQuery>) => {
    const next = { ...query, ...draft, page: 1, ...patch };
    setDraft({ q: next.q, minPrice: next.minPrice, maxPrice: next.maxPrice });
    navigate(next);
  };
  const reset = () => {
    setDraft({ q: "", minPrice: "", maxPrice: "" });
    navigate(EMPTY_QUERY);
  };

  const result = useLoader((signal) => searchStore(query, signal), queryToUrl(query));
  const data = result.data;
  const shown = data?.items.length ?? 0;
  const total = data?.total ?? 0;
  const from = shown ? (query.page - 1) * PAGE_SIZE + 1 : 0;

  return (
    <>
      <PageHeader
        icon="bag"
        title="Marketplace"
        subtitle="Discover our latest telecommunication products"
        aside={
          <p className="rounded-xl border border-slate-200 bg-white px-4 py-2 text-xs font-bold tracking-wider text-slate-700 uppercase" aria-live="polite" data-testid="result-count">
            {data ? `Showing ${shown ? `${from}–${from + shown - 1}` : 0} of ${total} results` : result.error ? "No results" : "Searching…"}
          </p>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
        <div>
          <Button
            variant="secondary"
            className="mb-3 w-full lg:hidden"
            aria-expanded={filtersOpen}
            aria-controls="store-filters"
            onClick={() => setFiltersOpen((o) => !o)}
          >
            {filtersOpen ? "Hide filters" : "Show filters"}
          </Button>
          <div id="store-filters" className={filtersOpen ? "block" : "hidden lg:block"}>
            <StoreFilters query={query} draft={draft} onDraft={editDraft} onChange={change} onReset={reset} facets={data?.facets ?? null} />
          </div>
        </div>
        <section aria-label="Results" aria-busy={result.loading || undefined} className="flex flex-col gap-4">
          <div className="flex justify-end">
            <label className="flex items-center gap-2 text-sm font-semibold whitespace-nowrap text-slate-700">
              Sort by
              <select className={`${inputClass} w-auto border-slate-200 bg-white py-2`} value={query.sort} onChange={(e) => change({ sort: e.target.value })}>
                {SORTS.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {result.error ? (
            <div className="rounded-3xl border border-slate-200 bg-white">
              <ErrorState message={`The store could not be searched: ${describeError(result.error)}`} onRetry={result.reload} />
            </div>
          ) : !data ? (
            <div role="status" aria-label="Loading offerings" className="grid gap-6 sm:grid-cols-2 xl:grid-cols-3">
              {Array.from({ length: 6 }, (_, i) => (
                <Skeleton key={i} className="h-64 rounded-3xl" />
              ))}
            </div>
          ) : data.items.length === 0 ? (
            <div className="rounded-3xl border border-slate-200 bg-white">
              <EmptyState title="No offerings match" icon="search">
                <p>Try other words or remove some filters.</p>
                <Button variant="secondary" size="sm" className="mt-3" onClick={reset}>
                  Clear all filters
                </Button>
              </EmptyState>
            </div>
          ) : (
            <>
              <div className="grid gap-6 sm:grid-cols-2 xl:grid-cols-3">
                {data.items.map((o) => (
                  <OfferingCard key={o.id} offering={o} />
                ))}
              </div>
              {total > PAGE_SIZE || query.page > 1 ? (
                <Pagination page={query.page} hasMore={query.page * PAGE_SIZE < total} onPage={(p) => navigate({ ...query, page: p })} label="Result pages" />
              ) : null}
            </>
          )}
        </section>
      </div>
    </>
  );
}
