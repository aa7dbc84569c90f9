"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { Badge, StatusBadge } from "@/components/ui/Badge";
import { Icon } from "@/components/ui/Icon";
import { Spinner } from "@/components/ui/Spinner";
import { offerings, type Offering } from "@/lib/api/catalog";
import { ApiError, describeError } from "@/lib/api/errors";
import { getInstance, listInstances, type InstanceDetail } from "@/lib/api/ops";
import { cn } from "@/lib/cn";
import { SAGA_POLL_MS, SAGA_SLOW_AFTER_MS } from "@/lib/config";
import { deriveSteps, isCompensating, type StepView } from "@/lib/saga";

export type PublishOutcome = "published" | "failed";

interface Props {
  offeringId: string;
  intervalMs?: number;
  onFinished?: (outcome: PublishOutcome, offering: Offering) => void;
}

interface PollState {
  offering: Offering | null;
  instance: InstanceDetail | null;
  opsNote: string | null;
  error: string | null;
  slow: boolean;
}

/** Finds the engine instance of this offering's latest saga. */
async function findInstance(o: Offering, signal: AbortSignal): Promise<InstanceDetail | null> {
  let key = o.process_instance_key != null ? String(o.process_instance_key) : "";
  if (!key) {
    // Without the key, accept only an instance that names this offering; never guess.
    const list = await listInstances({ offeringId: o.id, limit: 20 }, signal);
    const mine = list.filter((i) => i.offeringId === o.id);
    mine.sort((a, b) => (b.startedAt ?? "").localeCompare(a.startedAt ?? ""));
    key = mine[0]?.key ?? "";
  }
  return key ? getInstance(key, signal) : null;
}

/**
 * Live view of a publication saga: polls the offering and the engine's ops API until the
 * offering is PUBLISHED, or back in DRAFT (compensated) with its failure reason.
 */
export function PublishProgress({ offeringId, intervalMs = SAGA_POLL_MS, onFinished }: Props) {
  const [st, setSt] = useState<PollState>({ offering: null, instance: null, opsNote: null, error: null, slow: false });
  const finishedRef = useRef(onFinished);
  useEffect(() => {
    finishedRef.current = onFinished;
  }, [onFinished]);

  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let opsDisabled = false;
    const started = Date.now();

    const tick = async () => {
      let offering: Offering;
      try {
        offering = await offerings.get(offeringId, ctrl.signal);
      } catch (err) {
        if (ctrl.signal.aborted) return;
        setSt((s) => ({ ...s, error: describeError(err) }));
        if (!(err instanceof ApiError && (err.status === 401 || err.status === 404))) timer = setTimeout(tick, intervalMs * 2);
        return;
      }
      let instance: InstanceDetail | null = null;
      let opsNote: string | null = null;
      if (!opsDisabled) {
        try {
          instance = await findInstance(offering, ctrl.signal);
        } catch (err) {
          if (ctrl.signal.aborted) return;
          if (err instanceof ApiError && (err.status === 403 || err.status === 404 || err.status === 501)) opsDisabled = true;
          opsNote = `Engine details unavailable (${describeError(err)}).`;
        }
      }
      if (ctrl.signal.aborted) return;
      const final = offering.lifecycle_status === "PUBLISHED" || offering.lifecycle_status === "DRAFT" || offering.lifecycle_status === "RETIRED";
      setSt((s) => ({
        offering,
        instance: instance ?? s.instance,
        opsNote: opsNote ?? (opsDisabled ? s.opsNote : null),
        error: null,
        slow: !final && Date.now() - started > SAGA_SLOW_AFTER_MS,
      }));
      if (final) {
        finishedRef.current?.(offering.lifecycle_status === "DRAFT" ? "failed" : "published", offering);
        return;
      }
      timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      ctrl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [offeringId, intervalMs]);

  const o = st.offering;
  const status = o?.lifecycle_status;
  const failureReason = o?.failure_reason ?? (st.instance?.variables.failure_reason as string | undefined) ?? null;
  const failedStep = o?.failed_step ?? (st.instance?.variables.failed_step as string | undefined) ?? null;
  const steps = deriveSteps({
    history: st.instance?.history ?? [],
    incidents: st.instance?.incidents ?? [],
    offeringStatus: status,
    failedStep,
    failureReason,
  });
  const compensating = isCompensating(steps, status);
  const forward = steps.filter((s) => !s.compensation);
  const back = steps.filter((s) => s.compensation);
  if (status === "DRAFT") for (const s of back) if (s.status === "pending") s.status = "done";

  return (
    <section aria-label="Publication progress" className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h3 className="text-base font-bold text-slate-900">Publication saga{o ? ` — ${o.name}` : ""}</h3>
        {status ? <StatusBadge status={status} /> : <Spinner />}
      </div>
      <div role="status" aria-live="polite" className="mb-4">
        {!o && !st.error ? <p className="text-sm text-slate-600">Starting…</p> : null}
        {status === "PUBLISHING" ? (
          <p className="flex items-center gap-2 text-sm text-slate-700">
            <Spinner /> {compensating ? `A step failed; compensating…${failureReason ? ` (${failureReason})` : ""}` : "Publishing: the saga is running."}
          </p>
        ) : null}
        {status === "PUBLISHED" ? <p className="text-sm font-semibold text-emerald-800">Published. The offering is now in the store.</p> : null}
        {status === "DRAFT" ? (
          <p className="text-sm font-semibold text-red-800">
            Publication failed; the offering is back in DRAFT.{failureReason ? ` Reason: ${failureReason}` : ""}
          </p>
        ) : null}
        {st.slow ? <p className="mt-1 text-sm text-amber-800">This is taking longer than usual; the saga will compensate if it times out.</p> : null}
        {st.error ? <p className="mt-1 text-sm text-red-800">Could not refresh: {st.error}</p> : null}
      </div>
      <StepList steps={forward} label="Forward steps" />
      {compensating ? (
        <>
          <h4 className="mt-4 mb-2 text-xs font-bold tracking-wide text-slate-600 uppercase">Compensation</h4>
          <StepList steps={back} label="Compensation steps" />
        </>
      ) : null}
      <div className="mt-4 flex flex-wrap items-center gap-3 text-xs text-slate-600">
        {st.instance ? (
          <Link className="font-semibold text-orange-700 underline-offset-2 hover:underline" href={`/ops?instance=${encodeURIComponent(st.instance.key)}`}>
            Open instance {st.instance.key} in Operations
          </Link>
        ) : null}
        {st.opsNote ? <span>{st.opsNote}</span> : null}
      </div>
    </section>
  );
}

const STEP_STYLE: Record<StepView["status"], { icon: React.ReactNode; text: string; label: string }> = {
  pending: { icon: <span className="h-2.5 w-2.5 rounded-full bg-slate-300" />, text: "text-slate-500", label: "waiting" },
  active: { icon: <Spinner className="h-4 w-4 text-orange-600" />, text: "text-slate-900 font-semibold", label: "running" },
  done: { icon: <Icon name="check" className="h-4 w-4 text-emerald-700" />, text: "text-slate-800", label: "done" },
  failed: { icon: <Icon name="x" className="h-4 w-4 text-red-700" />, text: "text-red-800 font-semibold", label: "failed" },
  skipped: { icon: <span className="h-2.5 w-2.5 rounded-full bg-slate-200" />, text: "text-slate-500", label: "not needed" },
};

function StepList({ steps, label }: { steps: StepView[]; label: string }) {
  return (
    <ol aria-label={label} className="space-y-2">
      {steps.map((s, i) => {
        const style = STEP_STYLE[s.status];
        return (
          <li key={s.jobType} data-step={s.jobType} data-status={s.status} className="flex items-start gap-3">
            <span className="mt-0.5 flex h-5 w-5 items-center justify-center">{style.icon}</span>
            <div className="flex-1">
              <p className={cn("text-sm", style.text)}>
                {i + 1}. {s.label} <span className="sr-only">({style.label})</span>
              </p>
              {s.message ? <p className="text-xs text-red-700">{s.message}</p> : null}
            </div>
            {s.status === "failed" ? <Badge tone="red">failed</Badge> : null}
          </li>
        );
      })}
    </ol>
  );
}
