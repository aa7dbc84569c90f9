import Link from "next/link";
import { Icon } from "@/components/ui/Icon";
import { lowestPrice, type StoreOffering } from "@/lib/api/store";
import { channelLabel, formatMoney } from "@/lib/format";

export function OfferingCard({ offering }: { offering: StoreOffering }) {
  const low = lowestPrice(offering);
  const chars = offering.specifications.flatMap((s) => s.characteristics).slice(0, 3);
  return (
    <article className="flex flex-col rounded-3xl border border-slate-200 bg-white p-6 shadow-sm transition-shadow hover:shadow-md" aria-labelledby={`offer-${offering.id}`}>
      <div className="mb-3 flex flex-wrap gap-1.5">
        {offering.salesChannels.map((c) => (
          <span key={c} className="rounded-full bg-slate-100 px-2 py-0.5 text-[11px] font-semibold text-slate-700">
            {channelLabel(c)}
          </span>
        ))}
      </div>
      <h2 id={`offer-${offering.id}`} className="line-clamp-2 text-lg font-bold text-slate-900">
        {offering.name}
      </h2>
      <p className="mt-1 line-clamp-3 text-sm text-slate-600">{offering.description || "No description."}</p>
      {chars.length ? (
        <ul className="mt-3 space-y-1 text-xs text-slate-700">
          {chars.map((c, i) => (
            <li key={`${c.name}-${i}`} className="flex items-center gap-1.5">
              <Icon name="sliders" className="h-3.5 w-3.5 text-slate-500" />
              {c.name}: {c.value} {c.unit && c.unit !== "None" ? c.unit : ""}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="mt-auto flex items-end justify-between gap-3 border-t border-slate-100 pt-4">
        <div>
          <p className="text-[11px] font-bold tracking-wider text-slate-600 uppercase">{offering.prices.length > 1 ? "Starting from" : "Price"}</p>
          {low ? (
            <>
              <p className="text-2xl font-extrabold text-slate-900 tabular-nums">
                {formatMoney(low.value)} <span className="text-xs font-bold text-orange-700">{low.currency}</span>
              </p>
              {low.unit ? <p className="text-xs font-medium text-slate-600">{low.unit}</p> : null}
            </>
          ) : (
            <p className="text-sm text-slate-600">On request</p>
          )}
        </div>
        <Link
          href={`/store/offerings/${encodeURIComponent(offering.id)}`}
          className="inline-flex items-center gap-1 rounded-xl bg-slate-900 px-3 py-2.5 text-sm font-semibold text-white hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-600"
        >
          Details
          <span className="sr-only"> of {offering.name}</span>
          <Icon name="arrowRight" />
        </Link>
      </div>
    </article>
  );
}
