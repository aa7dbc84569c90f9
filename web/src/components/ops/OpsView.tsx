"use client";

import dynamic from "next/dynamic";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { RequireAuth } from "@/components/layout/RequireAuth";
import { Badge, type Tone } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { inputClass } from "@/components/ui/Field";
import { Icon } from "@/components/ui/Icon";
import { Skeleton, TableSkeleton } from "@/components/ui/Skeleton";
import { EmptyState, ErrorState, PageHeader } from "@/components/ui/States";
import { useToast } from "@/contexts/ToastContext";
import { describeError } from "@/lib/api/errors";
import { cancelInstance, getDefinitionXml, getInstance, listInstances, resolveIncident, type InstanceDetail } from "@/lib/api/ops";
import { cn } from "@/lib/cn";
import { formatDateTime } from "@/lib/format";
import { useLoader } from "@/lib/hooks";
import type { DiagramMarks } from "./BpmnDiagram";

const BpmnDiagram = dynamic(() => import("./BpmnDiagram").then((m) => m.BpmnDiagram), {
  ssr: false,
  loading: () => <Skeleton className="h-[22rem] w-full rounded-2xl" />,
});

const STATE_TONE: Record<string, Tone> = { ACTIVE: "amber", COMPLETED: "green", CANCELED: "gray", TERMINATED: "gray", INCIDENT: "red", FAILED: "red" };
const STATES = ["", "ACTIVE", "COMPLETED", "CANCELED", "INCIDENT"];

export function StateBadge({ state }: { state: string }) {
  return <Badge tone={STATE_TONE[state] ?? "gray"}>{state || "UNKNOWN"}</Badge>;
}

/** Which diagram elements to paint, from the instance's element history and incidents. */
export function marksFor(d: InstanceDetail): DiagramMarks {
  const incident = d.incidents.filter((i) => i.state !== "RESOLVED").map((i) => i.elementId).filter(Boolean);
  const done: string[] = [];
  const terminated: string[] = [];
  const current: string[] = [...d.currentElementIds];
  for (const e of d.history) {
    // A painted sub-process would cover its children; its tasks tell the story.
    if (e.elementType.replace(/_/g, "") === "SUBPROCESS") continue;
    const active = e.state === "ACTIVE" || e.state === "ACTIVATED" || (!e.endedAt && e.state !== "COMPLETED" && e.state !== "TERMINATED");
    if (active) {
      if (d.currentElementIds.length === 0) current.push(e.elementId);
    } else if (e.state === "TERMINATED" || e.state === "CANCELED") {
      terminated.push(e.elementId);
    } else {
      done.push(e.elementId);
    }
  }
  const last = <T,>(ids: T[]) => [...new Set(ids)];
  return {
    done: last(done.filter((id) => !current.includes(id) && !terminated.includes(id))),
    terminated: last(terminated.filter((id) => !current.includes(id))),
    current: last(current.filter((id) => !incident.includes(id))),
    incident: last(incident),
  };
}

function InstanceDetailPanel({ instanceKey, onChanged }: { instanceKey: string; onChanged: () => void }) {
  const toast = useToast();
  const [tick, setTick] = useState(0);
  const detail = useLoader((s) => getInstance(instanceKey, s), `${instanceKey}:${tick}`);
  const d = detail.data;
  const defKey = d?.definitionKey ?? "";
  const xml = useLoader((s) => getDefinitionXml(defKey, s), defKey, defKey !== "");
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);

  useEffect(() => {
    if (d?.state !== "ACTIVE") return;
    const t = setTimeout(() => setTick((x) => x + 1), 3000);
    return () => clearTimeout(t);
  }, [d?.state, tick]);

  const retry = async (key: string) => {
    setBusy(key);
    try {
      await resolveIncident(key);
      toast.success("Incident resolved; the job will be retried.");
      setTick((x) => x + 1);
      onChanged();
    } catch (err) {
      toast.error(`Retry failed: ${describeError(err)}`);
    } finally {
      setBusy(null);
    }
  };

  const cancel = async () => {
    setBusy("cancel");
    setCancelError(null);
    try {
      await cancelInstance(instanceKey);
      toast.success(`Instance ${instanceKey} cancelled.`);
      setConfirmCancel(false);
      setTick((x) => x + 1);
      onChanged();
    } catch (err) {
      setCancelError(describeError(err));
    } finally {
      setBusy(null);
    }
  };

  if (detail.error && !d) return <ErrorState message={describeError(detail.error)} onRetry={detail.reload} />;
  if (!d) return <TableSkeleton rows={6} cols={3} />;

  const openIncidents = d.incidents.filter((i) => i.state !== "RESOLVED");
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 className="text-lg font-bold text-slate-900">Instance {d.key}</h2>
          <p className="text-sm text-slate-600">
            {d.processId || "process"} · started {formatDateTime(d.startedAt)}
            {d.endedAt ? ` · ended ${formatDateTime(d.endedAt)}` : ""}
          </p>
        </div>
        <div className="flex items-center gap-3">
          <StateBadge state={d.state} />
          {d.state === "ACTIVE" ? (
            <Button variant="danger" size="sm" onClick={() => setConfirmCancel(true)}>
              Cancel instance
            </Button>
          ) : null}
        </div>
      </div>
      {xml.data ? (
        <BpmnDiagram xml={xml.data} marks={marksFor(d)} label={`Diagram of instance ${d.key}`} />
      ) : xml.error ? (
        <p className="text-sm text-slate-600">Diagram unavailable: {describeError(xml.error)}</p>
      ) : defKey ? (
        <Skeleton className="h-[22rem] w-full rounded-2xl" />
      ) : null}
      <section aria-labelledby="incidents-h">
        <h3 id="incidents-h" className="mb-2 font-bold text-slate-900">
          Incidents ({openIncidents.length} open)
        </h3>
        {d.incidents.length === 0 ? (
          <p className="text-sm text-slate-600">No incidents.</p>
        ) : (
          <ul className="space-y-2">
            {d.incidents.map((i) => (
              <li key={i.key} className="flex flex-wrap items-start justify-between gap-3 rounded-xl border border-red-200 bg-red-50/50 p-3 text-sm">
                <div>
                  <p className="font-semibold text-red-900">
                    {i.errorType || "Incident"} at {i.elementId || "?"}
                  </p>
                  <p className="text-red-800">{i.message}</p>
                  <p className="text-xs text-slate-600">{formatDateTime(i.createdAt)}</p>
                </div>
                {i.state !== "RESOLVED" ? (
                  <Button size="sm" variant="secondary" loading={busy === i.key} onClick={() => retry(i.key)} icon={<Icon name="refresh" />}>
                    Retry
                  </Button>
                ) : (
                  <Badge tone="green">resolved</Badge>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="history-h">
        <h3 id="history-h" className="mb-2 font-bold text-slate-900">
          Element history
        </h3>
        <div className="overflow-x-auto rounded-xl border border-slate-200">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs font-bold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="px-3 py-2">Element</th>
                <th scope="col" className="px-3 py-2">Type</th>
                <th scope="col" className="px-3 py-2">State</th>
                <th scope="col" className="px-3 py-2">Started</th>
                <th scope="col" className="px-3 py-2">Ended</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {d.history.map((e, idx) => (
                <tr key={`${e.elementId}-${idx}`}>
                  <td className="px-3 py-2 font-medium">{e.elementName || e.elementId}</td>
                  <td className="px-3 py-2 text-slate-600">{e.jobType || e.elementType}</td>
                  <td className="px-3 py-2">{e.state}</td>
                  <td className="px-3 py-2 text-slate-600">{formatDateTime(e.startedAt)}</td>
                  <td className="px-3 py-2 text-slate-600">{formatDateTime(e.endedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="vars-h">
        <h3 id="vars-h" className="mb-2 font-bold text-slate-900">
          Variables
        </h3>
        <dl className="grid gap-x-4 gap-y-1 rounded-xl border border-slate-200 p-3 text-sm sm:grid-cols-[12rem_1fr]">
          {Object.entries(d.variables).map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="font-mono text-slate-600">{k}</dt>
              <dd className="font-mono break-all text-slate-900">{typeof v === "string" ? v : JSON.stringify(v)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <ConfirmDialog
        open={confirmCancel}
        title="Cancel this saga instance?"
        confirmLabel="Cancel instance"
        danger
        busy={busy === "cancel"}
        error={cancelError}
        onConfirm={cancel}
        onCancel={() => setConfirmCancel(false)}
      >
        <p>The engine stops the instance where it is. No compensation runs, so locked prices may stay locked.</p>
      </ConfirmDialog>
    </div>
  );
}

function OpsBody() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const selected = params.get("instance") ?? "";
  const [state, setState] = useState("");
  const [nonce, setNonce] = useState(0);
  const list = useLoader((s) => listInstances({ state: state || undefined }, s), `${state}:${nonce}`);

  const select = (key: string) => router.replace(`${pathname}?instance=${encodeURIComponent(key)}`, { scroll: false });

  return (
    <>
      <PageHeader icon="activity" title="Operations" subtitle="Publication saga instances, their path and incidents" />
      <div className="grid gap-6 lg:grid-cols-[22rem_1fr]">
        <section aria-label="Saga instances" className="flex flex-col gap-3 rounded-3xl border border-slate-200 bg-white p-4 shadow-sm">
          <div className="flex items-center gap-2">
            <label className="flex flex-1 items-center gap-2 text-sm font-semibold text-slate-700">
              State
              <select className={`${inputClass} border-slate-200 bg-white py-2`} value={state} onChange={(e) => setState(e.target.value)}>
                {STATES.map((s) => (
                  <option key={s} value={s}>
                    {s || "All"}
                  </option>
                ))}
              </select>
            </label>
            <Button variant="ghost" size="sm" onClick={() => setNonce((n) => n + 1)} aria-label="Refresh instances" icon={<Icon name="refresh" />} />
          </div>
          {list.error && !list.data ? (
            <ErrorState message={describeError(list.error)} onRetry={list.reload} />
          ) : !list.data ? (
            <TableSkeleton rows={6} cols={2} />
          ) : list.data.length === 0 ? (
            <EmptyState title="No instances" icon="activity" />
          ) : (
            <ul className="flex flex-col gap-1">
              {list.data.map((i) => (
                <li key={i.key}>
                  <button
                    type="button"
                    onClick={() => select(i.key)}
                    aria-current={i.key === selected ? "true" : undefined}
                    className={cn(
                      "flex w-full items-center justify-between gap-2 rounded-xl px-3 py-2 text-left text-sm focus-visible:outline-2 focus-visible:outline-orange-600",
                      i.key === selected ? "bg-orange-50" : "hover:bg-slate-50",
                    )}
                  >
                    <span>
                      <span className="block font-mono font-semibold text-slate-900">{i.key}</span>
                      <span className="block text-xs text-slate-600">
                        {formatDateTime(i.startedAt)}
                        {i.offeringId ? ` · offering ${i.offeringId.slice(0, 8)}` : ""}
                      </span>
                    </span>
                    <span className="flex items-center gap-1">
                      {i.incidentCount > 0 ? <Badge tone="red">{i.incidentCount}!</Badge> : null}
                      <StateBadge state={i.state} />
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-label="Instance detail" className="rounded-3xl border border-slate-200 bg-white p-6 shadow-sm">
          {selected ? (
            <InstanceDetailPanel key={selected} instanceKey={selected} onChanged={() => setNonce((n) => n + 1)} />
          ) : (
            <EmptyState title="Select an instance" icon="activity">
              Pick a saga instance on the left to see its diagram, history, variables and incidents.
            </EmptyState>
          )}
        </section>
      </div>
    </>
  );
}

export function OpsView() {
  return (
    <RequireAuth admin>
      <OpsBody />
    </RequireAuth>
  );
}
