import { describe, expect, it } from "vitest";
import { mapInstance, mapInstanceDetail } from "./ops";

describe("ops mapping", () => {
  it("reads snake_case instances with numeric keys", () => {
    expect(
      mapInstance({ key: 2251799813685249, bpmn_process_id: "offering-publication", process_definition_key: 7, state: "active", start_date: "t", variables: { offering_id: "o1" } }),
    ).toMatchObject({ key: "2251799813685249", definitionKey: "7", state: "ACTIVE", offeringId: "o1" });
  });

  it("reads camelCase details with history, JSON-text variables and incidents", () => {
    const d = mapInstanceDetail({
      processInstanceKey: "9",
      processDefinitionKey: "3",
      state: "ACTIVE",
      history: [{ elementId: "lock", elementType: "serviceTask", state: "completed", jobType: "lock-prices" }],
      variables: [{ name: "price_ids", value: '["p1"]' }, { name: "offering_id", value: '"o9"' }],
      incidents: [{ incidentKey: 5, elementId: "lock", errorMessage: "boom" }],
    })!;
    expect(d.key).toBe("9");
    expect(d.history[0]).toMatchObject({ elementId: "lock", state: "COMPLETED", jobType: "lock-prices" });
    expect(d.variables.price_ids).toEqual(["p1"]);
    expect(d.offeringId).toBe("o9");
    expect(d.incidents[0]).toMatchObject({ key: "5", message: "boom", state: "ACTIVE" });
  });
});

describe("our engine's ops API shape", () => {
  const detail = {
    key: 2251799813685250,
    process_definition_key: 2251799813685249,
    bpmn_process_id: "offering-publication",
    version: 1,
    state: "ACTIVE",
    started_at: "2026-01-01T00:00:00Z",
    incidents: 1,
    variables: { offering_id: "o1", failure_reason: "x" },
    current_element_ids: ["Task_CreateStoreEntry"],
    elements: [
      { key: 1, element_id: "StartEvent_PublicationRequested", element_type: "START_EVENT", state: "COMPLETED", started_at: "t", ended_at: "t" },
      { key: 2, element_id: "Task_LockPrices", element_type: "SERVICE_TASK", state: "COMPLETED", started_at: "t", ended_at: "t" },
      { key: 3, element_id: "Task_CreateStoreEntry", element_type: "SERVICE_TASK", state: "ACTIVE", started_at: "t" },
    ],
    jobs: [
      { key: 10, type: "lock-prices", element_id: "Task_LockPrices", state: "COMPLETED", retries: 3 },
      { key: 11, type: "create-store-entry", element_id: "Task_CreateStoreEntry", state: "FAILED", retries: 0 },
    ],
    incident_list: [{ key: 20, process_instance_key: 2251799813685250, element_id: "Task_CreateStoreEntry", error_type: "JOB_NO_RETRIES", message: "store down", state: "ACTIVE", created_at: "t" }],
  };

  it("names service tasks by their job type and reads incident_list", () => {
    const d = mapInstanceDetail(detail)!;
    expect(d.definitionKey).toBe("2251799813685249");
    expect(d.history.map((e) => e.jobType)).toEqual(["", "lock-prices", "create-store-entry"]);
    expect(d.currentElementIds).toEqual(["Task_CreateStoreEntry"]);
    expect(d.incidents).toEqual([{ key: "20", elementId: "Task_CreateStoreEntry", errorType: "JOB_NO_RETRIES", message: "store down", state: "ACTIVE", createdAt: "t" }]);
    expect(d.incidentCount).toBe(1);
  });

  it("reads a page of instances", async () => {
    const { mockFetch } = await import("@/test/fetchMock");
    const { setToken } = await import("@/lib/session");
    const { fakeToken } = await import("@/test/fetchMock");
    setToken(fakeToken("admin", "ADMIN"));
    const f = mockFetch().on("GET", /\/ops\/api\/instances/, {
      body: { items: [{ key: 5, bpmn_process_id: "offering-publication", state: "COMPLETED", started_at: "t", incidents: 0, end_element_id: "EndEvent_Published" }], total: 1, limit: 50 },
    });
    const { listInstances } = await import("./ops");
    const list = await listInstances({ state: "COMPLETED" });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ key: "5", state: "COMPLETED", incidentCount: 0 });
    expect(f.calls[0]!.url.searchParams.get("state")).toBe("COMPLETED");
    expect(f.calls[0]!.url.searchParams.get("bpmn_process_id")).toBe("offering-publication");
  });
});
