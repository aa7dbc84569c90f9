import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { mapInstanceDetail } from "@/lib/api/ops";
import { mockFetch } from "@/test/fetchMock";
import { nav, resetNavigation } from "@/test/navigation";
import { renderApp } from "@/test/render";
import { marksFor, OpsView } from "./OpsView";

// bpmn-js needs a real SVG engine; the diagram component is covered by the browser e2e.
vi.mock("./BpmnDiagram", () => ({ BpmnDiagram: ({ label }: { label: string }) => <div role="img" aria-label={label} /> }));

const detail = {
  key: 7,
  process_definition_key: 1,
  bpmn_process_id: "offering-publication",
  state: "ACTIVE",
  started_at: "2026-01-01T00:00:00Z",
  incidents: 1,
  variables: { offering_id: "o1" },
  current_element_ids: ["Task_CreateStoreEntry"],
  elements: [
    { element_id: "Task_LockPrices", element_type: "SERVICE_TASK", state: "COMPLETED", started_at: "t", ended_at: "t" },
    { element_id: "Task_CreateStoreEntry", element_type: "SERVICE_TASK", state: "ACTIVE", started_at: "t" },
  ],
  jobs: [],
  incident_list: [{ key: 99, element_id: "Task_CreateStoreEntry", error_type: "JOB_NO_RETRIES", message: "store down", state: "ACTIVE", created_at: "t" }],
};

describe("marksFor", () => {
  it("paints passed, current and incident elements", () => {
    expect(marksFor(mapInstanceDetail(detail)!)).toEqual({ done: ["Task_LockPrices"], terminated: [], current: [], incident: ["Task_CreateStoreEntry"] });
    const noIncident = mapInstanceDetail({ ...detail, incident_list: [] })!;
    expect(marksFor(noIncident)).toEqual({ done: ["Task_LockPrices"], terminated: [], current: ["Task_CreateStoreEntry"], incident: [] });
  });

  it("shows a timed-out step as interrupted and leaves the sub-process unpainted", () => {
    const timedOut = mapInstanceDetail({
      ...detail,
      incident_list: [],
      current_element_ids: ["Task_DeleteStoreEntry"],
      elements: [
        { element_id: "SubProcess_Publish", element_type: "SUB_PROCESS", state: "TERMINATED", started_at: "t", ended_at: "t" },
        { element_id: "Task_CreateStoreEntry", element_type: "SERVICE_TASK", state: "TERMINATED", started_at: "t", ended_at: "t" },
        { element_id: "Boundary_SagaTimeout", element_type: "BOUNDARY_EVENT", state: "COMPLETED", started_at: "t", ended_at: "t" },
        { element_id: "Task_DeleteStoreEntry", element_type: "SERVICE_TASK", state: "ACTIVE", started_at: "t" },
      ],
    })!;
    expect(marksFor(timedOut)).toEqual({
      done: ["Boundary_SagaTimeout"],
      terminated: ["Task_CreateStoreEntry"],
      current: ["Task_DeleteStoreEntry"],
      incident: [],
    });
  });
});

describe("OpsView", () => {
  it("lists instances, opens one, and retries its incident", async () => {
    resetNavigation("/ops");
    const f = mockFetch()
      .on("GET", /\/ops\/api\/instances\?/, { body: { items: [{ key: 7, state: "ACTIVE", started_at: "2026-01-01T00:00:00Z", incidents: 1 }], total: 1 } })
      .on("GET", /\/ops\/api\/instances\/7$/, { body: detail })
      .on("GET", /\/ops\/api\/definitions\/1\/xml$/, { body: "<xml/>", headers: { "Content-Type": "application/xml" } })
      .on("POST", /\/ops\/api\/incidents\/99\/resolve$/, { status: 204 });
    renderApp(<OpsView />, "ADMIN");
    const list = await screen.findByRole("region", { name: "Saga instances" });
    await userEvent.click(await within(list).findByRole("button", { name: /^7/ }));
    expect(nav.search.get("instance")).toBe("7");
    expect(await screen.findByRole("heading", { name: "Instance 7" })).toBeInTheDocument();
    expect(await screen.findByRole("img", { name: "Diagram of instance 7" })).toBeInTheDocument();
    expect(screen.getByText("store down")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(f.callsTo("POST", /resolve/)).toHaveLength(1));
  });

  it("refuses a USER", async () => {
    mockFetch();
    renderApp(<OpsView />, "USER");
    expect(await screen.findByText("Administrators only")).toBeInTheDocument();
  });
});
