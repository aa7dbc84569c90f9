/**
 * The publication saga as the UI shows it: four forward steps and three compensation steps
 * (see the saga contract), each matched against the engine's element history by job type,
 * element id or element name, whichever the engine reports.
 */
import type { ElementEvent, Incident } from "@/lib/api/ops";

export interface SagaStepDef {
  jobType: string;
  label: string;
  compensation: boolean;
  /** Normalised fragments that identify the step in an element id or name. */
  match: string[];
}

export const SAGA_STEPS: SagaStepDef[] = [
  { jobType: "lock-prices", label: "Lock prices", compensation: false, match: ["lockprice"] },
  { jobType: "validate-specifications", label: "Validate specifications", compensation: false, match: ["validatespec"] },
  { jobType: "create-store-entry", label: "Create store entry", compensation: false, match: ["createstore"] },
  { jobType: "confirm-publication", label: "Confirm publication", compensation: false, match: ["confirmpublication", "confirm"] },
  { jobType: "delete-store-entry", label: "Remove store entry", compensation: true, match: ["deletestore", "removestore"] },
  { jobType: "unlock-prices", label: "Unlock prices", compensation: true, match: ["unlockprice", "releaseprice"] },
  { jobType: "revert-offering-to-draft", label: "Revert offering to draft", compensation: true, match: ["reverttodraft", "revertoffering", "reverttodraft"] },
];

export type StepStatus = "pending" | "active" | "done" | "failed" | "skipped";

export interface StepView extends SagaStepDef {
  status: StepStatus;
  elementId?: string;
  message?: string;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Does this history event belong to that step? */
export function eventMatches(step: SagaStepDef, e: ElementEvent): boolean {
  if (e.jobType) return e.jobType === step.jobType;
  const id = norm(e.elementId);
  const name = norm(e.elementName);
  // "unlockprices" contains "lockprices": never let the lock step claim an unlock element.
  if (step.jobType === "lock-prices" && (id.includes("unlock") || name.includes("unlock"))) return false;
  if (id.includes(norm(step.jobType)) || name.includes(norm(step.jobType))) return true;
  return step.match.some((m) => id.includes(m) || name.includes(m));
}

const DONE = new Set(["COMPLETED", "ELEMENT_COMPLETED", "DONE", "TERMINATED_COMPLETED"]);
const FAILED = new Set(["FAILED", "INCIDENT", "TERMINATED", "CANCELED", "CANCELLED", "ERROR"]);

export interface SagaSnapshot {
  history: ElementEvent[];
  incidents: Incident[];
  /** Offering state, the final word on success or failure. */
  offeringStatus?: string;
  failedStep?: string | null;
  failureReason?: string | null;
}

/** Derives what each step looks like from the engine history and the offering. */
export function deriveSteps(s: SagaSnapshot): StepView[] {
  const views: StepView[] = SAGA_STEPS.map((def) => {
    const events = s.history.filter((e) => eventMatches(def, e));
    const last = events[events.length - 1];
    let status: StepStatus = "pending";
    if (last) {
      if (DONE.has(last.state) || (last.endedAt && !FAILED.has(last.state))) status = "done";
      else if (FAILED.has(last.state)) status = "failed";
      else status = "active";
    }
    const incident = s.incidents.find((i) => last && i.elementId === last.elementId && i.state !== "RESOLVED");
    if (incident && status === "active") status = "failed";
    return {
      ...def,
      status,
      elementId: last?.elementId,
      message: incident?.message || undefined,
    };
  });
  if (s.failedStep) {
    const v = views.find((x) => x.jobType === s.failedStep);
    if (v) {
      v.status = "failed";
      v.message = v.message ?? s.failureReason ?? undefined;
    }
  }
  if (s.offeringStatus === "PUBLISHED") {
    for (const v of views) {
      if (!v.compensation) v.status = "done";
      else if (v.status === "pending") v.status = "skipped";
    }
  }
  return views;
}

/** True when the compensation path has started (or the offering fell back to draft). */
export function isCompensating(steps: StepView[], offeringStatus?: string): boolean {
  return offeringStatus === "DRAFT" || steps.some((s) => s.compensation && s.status !== "pending" && s.status !== "skipped");
}
