import { describe, expect, it } from "vitest";
import type { ElementEvent } from "@/lib/api/ops";
import { deriveSteps, eventMatches, isCompensating, SAGA_STEPS } from "./saga";

const ev = (elementId: string, state: string, extra: Partial<ElementEvent> = {}): ElementEvent => ({
  elementId,
  elementName: "",
  elementType: "SERVICE_TASK",
  jobType: "",
  state,
  startedAt: "2026-01-01T00:00:00Z",
  endedAt: state === "COMPLETED" ? "2026-01-01T00:00:01Z" : null,
  ...extra,
});

describe("eventMatches", () => {
  const lock = SAGA_STEPS[0]!;
  const unlock = SAGA_STEPS.find((s) => s.jobType === "unlock-prices")!;
  it("never lets the lock step claim the unlock task", () => {
    expect(eventMatches(lock, ev("Activity_UnlockPrices", "COMPLETED"))).toBe(false);
    expect(eventMatches(unlock, ev("Activity_UnlockPrices", "COMPLETED"))).toBe(true);
    expect(eventMatches(lock, ev("lock_prices", "COMPLETED"))).toBe(true);
  });
  it("prefers the job type when the engine reports it", () => {
    expect(eventMatches(lock, ev("task_1", "COMPLETED", { jobType: "lock-prices" }))).toBe(true);
    expect(eventMatches(unlock, ev("task_1", "COMPLETED", { jobType: "lock-prices" }))).toBe(false);
  });
});

describe("deriveSteps", () => {
  it("shows done, active and pending forward steps while publishing", () => {
    const steps = deriveSteps({
      history: [ev("lock-prices", "COMPLETED"), ev("validate-specifications", "ACTIVE")],
      incidents: [],
      offeringStatus: "PUBLISHING",
    });
    expect(steps.slice(0, 4).map((s) => s.status)).toEqual(["done", "active", "pending", "pending"]);
    expect(isCompensating(steps, "PUBLISHING")).toBe(false);
  });

  it("marks the failed step and the compensation path after a business error", () => {
    const steps = deriveSteps({
      history: [ev("lock-prices", "COMPLETED"), ev("validate-specifications", "TERMINATED"), ev("unlock-prices", "COMPLETED")],
      incidents: [],
      offeringStatus: "DRAFT",
      failedStep: "validate-specifications",
      failureReason: "specification s1 is gone",
    });
    const byType = Object.fromEntries(steps.map((s) => [s.jobType, s]));
    expect(byType["validate-specifications"]!.status).toBe("failed");
    expect(byType["validate-specifications"]!.message).toBe("specification s1 is gone");
    expect(byType["unlock-prices"]!.status).toBe("done");
    expect(isCompensating(steps, "DRAFT")).toBe(true);
  });

  it("an open incident turns the active step red with its message", () => {
    const steps = deriveSteps({
      history: [ev("create-store-entry", "ACTIVE")],
      incidents: [{ key: "i1", elementId: "create-store-entry", errorType: "JOB_NO_RETRIES", message: "store down", state: "ACTIVE", createdAt: null }],
    });
    const s = steps.find((x) => x.jobType === "create-store-entry")!;
    expect(s.status).toBe("failed");
    expect(s.message).toBe("store down");
  });

  it("a published offering completes the forward path without history", () => {
    const steps = deriveSteps({ history: [], incidents: [], offeringStatus: "PUBLISHED" });
    expect(steps.filter((s) => !s.compensation).every((s) => s.status === "done")).toBe(true);
    expect(steps.filter((s) => s.compensation).every((s) => s.status === "skipped")).toBe(true);
  });
});
