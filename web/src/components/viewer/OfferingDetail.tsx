"use client";

import { StatusBadge } from "@/components/ui/Badge";
import { Skeleton } from "@/components/ui/Skeleton";
import { characteristics, prices, specifications, type Characteristic, type Offering, type Price, type Specification } from "@/lib/api/catalog";
import { describeError } from "@/lib/api/errors";
import { channelLabel, formatDateTime, formatMoney } from "@/lib/format";
import { useLoader } from "@/lib/hooks";
import { LockBadge } from "./PriceTable";

interface Expanded {
  specs: Array<{ spec: Specification | null; id: string; chars: Characteristic[] }>;
  prices: Array<{ price: Price | null; id: string }>;
}

async function expand(o: Offering): Promise<Expanded> {
  const specs = await Promise.all(o.specification_ids.map((id) => specifications.get(id).catch(() => null)));
  const charIds = [...new Set(specs.flatMap((s) => s?.characteristic_ids ?? []))];
  const chars = await Promise.all(charIds.map((id) => characteristics.get(id).catch(() => null)));
  const byId = new Map(chars.filter((c): c is Characteristic => c !== null).map((c) => [c.id, c]));
  const priceRows = await Promise.all(o.pricing_ids.map((id) => prices.get(id).catch(() => null)));
  return {
    specs: o.specification_ids.map((id, i) => {
      const spec = specs[i] ?? null;
      return { id, spec, chars: (spec?.characteristic_ids ?? []).flatMap((c) => byId.get(c) ?? []) };
    }),
    prices: o.pricing_ids.map((id, i) => ({ id, price: priceRows[i] ?? null })),
  };
}

/** Everything about one offering, with its specifications and prices expanded. */
export function OfferingDetail({ offering }: { offering: Offering }) {
  const ex = useLoader(() => expand(offering), `${offering.id}:${offering.updated_at}`);
  return (
    <div className="space-y-5 text-sm">
      <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-2">
        <dt className="font-semibold text-slate-600">Status</dt>
        <dd>
          <StatusBadge status={offering.lifecycle_status} />
        </dd>
        <dt className="font-semibold text-slate-600">Description</dt>
        <dd>{offering.description || "–"}</dd>
        <dt className="font-semibold text-slate-600">Sales channels</dt>
        <dd>{offering.sales_channels.length ? offering.sales_channels.map(channelLabel).join(", ") : "–"}</dd>
        <dt className="font-semibold text-slate-600">Created</dt>
        <dd>{formatDateTime(offering.created_at)}</dd>
        <dt className="font-semibold text-slate-600">Published</dt>
        <dd>{formatDateTime(offering.published_at)}</dd>
        <dt className="font-semibold text-slate-600">Retired</dt>
        <dd>{formatDateTime(offering.retired_at)}</dd>
        {offering.failure_reason ? (
          <>
            <dt className="font-semibold text-red-700">Last publication failure</dt>
            <dd className="text-red-800">
              {offering.failure_reason}
              {offering.failed_step ? ` (step ${offering.failed_step})` : ""}
            </dd>
          </>
        ) : null}
      </dl>
      {ex.error ? <p role="alert" className="text-red-800">{describeError(ex.error)}</p> : null}
      <section>
        <h3 className="mb-2 font-bold text-slate-900">Specifications</h3>
        {!ex.data ? (
          <Skeleton className="h-16 w-full" />
        ) : ex.data.specs.length === 0 ? (
          <p className="text-slate-600">None selected.</p>
        ) : (
          <ul className="space-y-2">
            {ex.data.specs.map((s) => (
              <li key={s.id} className="rounded-xl border border-slate-200 p-3">
                <p className="font-semibold">{s.spec?.name ?? `Missing specification ${s.id}`}</p>
                <ul className="mt-1 list-inside list-disc text-slate-700">
                  {s.chars.map((c) => (
                    <li key={c.id}>
                      {c.name}: {c.value} {c.unit_of_measure !== "None" ? c.unit_of_measure : ""}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h3 className="mb-2 font-bold text-slate-900">Prices</h3>
        {!ex.data ? (
          <Skeleton className="h-10 w-full" />
        ) : ex.data.prices.length === 0 ? (
          <p className="text-slate-600">None selected.</p>
        ) : (
          <ul className="space-y-2">
            {ex.data.prices.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 rounded-xl border border-slate-200 p-3">
                {p.price ? (
                  <>
                    <span>
                      <span className="font-semibold">{p.price.name}</span> — {formatMoney(p.price.value, p.price.currency)} {p.price.unit}
                    </span>
                    <LockBadge price={p.price} />
                  </>
                ) : (
                  <span className="text-slate-500">Missing price {p.id}</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
