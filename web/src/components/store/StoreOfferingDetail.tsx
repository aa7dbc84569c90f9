"use client";

import Link from "next/link";
import { Icon } from "@/components/ui/Icon";
import { Skeleton } from "@/components/ui/Skeleton";
import { EmptyState, ErrorState } from "@/components/ui/States";
import { ApiError, describeError } from "@/lib/api/errors";
import { getStoreOffering, lowestPrice } from "@/lib/api/store";
import { channelLabel, formatDate, formatMoney } from "@/lib/format";
import { useLoader } from "@/lib/hooks";

export function StoreOfferingDetail({ id }: { id: string }) {
  const r = useLoader((signal) => getStoreOffering(id, signal), id);
  const back = (
    <Link href="/store" className="inline-flex items-center gap-1 rounded text-sm font-semibold text-slate-700 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-orange-600">
      <Icon name="arrowLeft" /> Back to the store
    </Link>
  );
  if (r.error) {
    return (
      <div className="space-y-6">
        {back}
        <div className="rounded-3xl border border-slate-200 bg-white">
          {r.error instanceof ApiError && r.error.status === 404 ? (
            <EmptyState title="This offering is not available" icon="bag">
              It may have been retired.
            </EmptyState>
          ) : (
            <ErrorState message={describeError(r.error)} onRetry={r.reload} />
          )}
        </div>
      </div>
    );
  }
  const o = r.data;
  if (!o) {
    return (
      <div role="status" aria-label="Loading offering" className="space-y-4">
        <Skeleton className="h-8 w-40" />
        <Skeleton className="h-48 w-full rounded-3xl" />
      </div>
    );
  }
  const low = lowestPrice(o);
  return (
    <div className="space-y-6">
      {back}
      <article className="rounded-3xl border border-slate-200 bg-white p-6 shadow-sm sm:p-10">
        <div className="flex flex-wrap items-start justify-between gap-6">
          <div className="max-w-2xl">
            <h1 className="text-3xl font-extrabold tracking-tight text-slate-900">{o.name}</h1>
            <p className="mt-2 text-slate-700">{o.description || "No description."}</p>
            <ul className="mt-4 flex flex-wrap gap-2" aria-label="Sales channels">
              {o.salesChannels.map((c) => (
                <li key={c} className="rounded-full bg-slate-100 px-3 py-1 text-xs font-semibold text-slate-700">
                  {channelLabel(c)}
                </li>
              ))}
            </ul>
          </div>
          {low ? (
            <div className="rounded-2xl bg-orange-50 px-6 py-4 text-right">
              <p className="text-[11px] font-bold tracking-wider text-orange-800 uppercase">From</p>
              <p className="text-3xl font-extrabold text-slate-900 tabular-nums">
                {formatMoney(low.value)} <span className="text-sm text-orange-700">{low.currency}</span>
              </p>
              {low.unit ? <p className="text-sm text-slate-600">{low.unit}</p> : null}
            </div>
          ) : null}
        </div>
        <div className="mt-8 grid gap-8 lg:grid-cols-2">
          <section>
            <h2 className="mb-3 text-lg font-bold text-slate-900">Specifications</h2>
            {o.specifications.length === 0 ? <p className="text-sm text-slate-600">No technical details.</p> : null}
            <div className="space-y-3">
              {o.specifications.map((s, i) => (
                <details key={s.id || i} open className="rounded-2xl border border-slate-200 p-4">
                  <summary className="cursor-pointer font-semibold text-slate-900">{s.name}</summary>
                  <dl className="mt-2 grid grid-cols-2 gap-1 text-sm">
                    {s.characteristics.map((c, j) => (
                      <div key={`${c.name}-${j}`} className="contents">
                        <dt className="text-slate-600">{c.name}</dt>
                        <dd className="font-medium text-slate-900">
                          {c.value} {c.unit && c.unit !== "None" ? c.unit : ""}
                        </dd>
                      </div>
                    ))}
                  </dl>
                </details>
              ))}
            </div>
          </section>
          <section>
            <h2 className="mb-3 text-lg font-bold text-slate-900">Pricing</h2>
            <ul className="space-y-2">
              {o.prices.map((p, i) => (
                <li key={p.id || i} className="flex items-center justify-between rounded-2xl border border-slate-200 px-4 py-3">
                  <span className="font-medium text-slate-800">{p.name || "Price"}</span>
                  <span className="font-bold text-slate-900 tabular-nums">
                    {formatMoney(p.value, p.currency)} <span className="text-sm font-normal text-slate-600">{p.unit}</span>
                  </span>
                </li>
              ))}
            </ul>
            {o.publishedAt ? <p className="mt-4 text-xs text-slate-600">Published {formatDate(o.publishedAt)}</p> : null}
          </section>
        </div>
      </article>
    </div>
  );
}
