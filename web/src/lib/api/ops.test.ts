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
