import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { mockFetch } from "@/test/fetchMock";
import { renderApp } from "@/test/render";
import { PublishProgress } from "./PublishProgress";

const now = "2026-01-01T00:00:00Z";
const offering = (status: string, extra: object = {}) => ({
  id: "o1",
  name: "Fiber Home",
  description: null,
  specification_ids: ["s1"],
  pricing_ids: ["p1"],
  sales_channels: ["online"],
  lifecycle_status: status,
  created_at: now,
  updated_at: now,
  process_instance_key: "42",
  ...extra,
});
const hist = (element_id: string, state: string) => ({ element_id, element_type: "SERVICE_TASK", state, start_date: now, end_date: state === "COMPLETED" ? now : null });

function stepStatus(jobType: string): string | null {
  return document.querySelector(`[data-step="${jobType}"]`)?.getAttribute("data-status") ?? null;
}

describe("PublishProgress", () => {
  it("follows the saga live until the offering is PUBLISHED", async () => {
    const f = mockFetch()
      .once("GET", /\/api\/v1\/offerings\/o1$/, { body: offering("PUBLISHING") })
      .once("GET", /\/api\/v1\/offerings\/o1$/, { body: offering("PUBLISHING") })
      .on("GET", /\/api\/v1\/offerings\/o1$/, { body: offering("PUBLISHED", { published_at: now }) })
      .once("GET", /\/ops\/api\/instances\/42$/, {
        body: { key: 42, state: "ACTIVE", history: [hist("lock-prices", "COMPLETED"), hist("validate-specifications", "ACTIVE")], variables: {}, incidents: [] },
      })
      .on("GET", /\/ops\/api\/instances\/42$/, {
        body: {
          key: 42,
          state: "COMPLETED",
          history: ["lock-prices", "validate-specifications", "create-store-entry", "confirm-publication"].map((id) => hist(id, "COMPLETED")),
          variables: {},
          incidents: [],
        },
      });
    const onFinished = vi.fn();
    renderApp(<PublishProgress offeringId="o1" intervalMs={20} onFinished={onFinished} />);

    await waitFor(() => expect(stepStatus("validate-specifications")).toBe("active"));
    expect(stepStatus("lock-prices")).toBe("done");
    expect(stepStatus("create-store-entry")).toBe("pending");
    expect(screen.getByText(/the saga is running/i)).toBeInTheDocument();

    await waitFor(() => expect(onFinished).toHaveBeenCalledWith("published", expect.objectContaining({ lifecycle_status: "PUBLISHED" })));
    expect(screen.getByText(/now in the store/i)).toBeInTheDocument();
    expect(stepStatus("confirm-publication")).toBe("done");
    expect(screen.getByRole("link", { name: /open instance 42/i })).toHaveAttribute("href", "/ops?instance=42");
    const polls = f.callsTo("GET", /offerings\/o1$/).length;
    await new Promise((r) => setTimeout(r, 80));
    expect(f.callsTo("GET", /offerings\/o1$/).length).toBe(polls);
  });

  it("shows the failure reason and the compensation path when the offering falls back to DRAFT", async () => {
    mockFetch()
      .on("GET", /\/api\/v1\/offerings\/o1$/, {
        body: offering("DRAFT", { failure_reason: "price p1 is locked by another saga", failed_step: "lock-prices" }),
      })
      .on("GET", /\/ops\/api\/instances\/42$/, {
        body: { key: 42, state: "COMPLETED", history: [hist("lock-prices", "TERMINATED"), hist("unlock-prices", "COMPLETED"), hist("revert-offering-to-draft", "COMPLETED")], variables: {}, incidents: [] },
      });
    const onFinished = vi.fn();
    renderApp(<PublishProgress offeringId="o1" intervalMs={20} onFinished={onFinished} />);
    await waitFor(() => expect(onFinished).toHaveBeenCalledWith("failed", expect.anything()));
    expect(screen.getAllByText(/price p1 is locked by another saga/).length).toBeGreaterThan(0);
    expect(stepStatus("lock-prices")).toBe("failed");
    const comp = screen.getByRole("list", { name: "Compensation steps" });
    expect(within(comp).getByText(/unlock prices/i)).toBeInTheDocument();
    expect(stepStatus("revert-offering-to-draft")).toBe("done");
  });

  it("keeps working from the offering alone when the ops API refuses", async () => {
    mockFetch()
      .once("GET", /\/api\/v1\/offerings\/o1$/, { body: offering("PUBLISHING", { process_instance_key: null }) })
      .on("GET", /\/api\/v1\/offerings\/o1$/, { body: offering("PUBLISHED", { process_instance_key: null }) })
      .on("GET", /\/ops\/api\/instances/, { status: 403, body: { error: { code: "FORBIDDEN", message: "admin only" } } });
    const onFinished = vi.fn();
    renderApp(<PublishProgress offeringId="o1" intervalMs={20} onFinished={onFinished} />);
    await waitFor(() => expect(onFinished).toHaveBeenCalledWith("published", expect.anything()));
    expect(screen.getByText(/engine details unavailable/i)).toBeInTheDocument();
    expect(stepStatus("confirm-publication")).toBe("done");
  });
});
