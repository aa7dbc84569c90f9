import { describe, expect, it } from "vitest";
import { validateCharacteristic, validateOfferingDraft, validateOfferingPublish, validatePrice, validateSpecification } from "./validation";

describe("validatePrice", () => {
  it.each([
    ["29.99", undefined],
    ["100", undefined],
    ["0", "greater than zero"],
    ["-5", "positive amount"],
    ["1.999", "at most 2 decimals"],
    ["abc", "positive amount"],
    ["", "required"],
  ])("amount %j → %s", (value, want) => {
    const e = validatePrice({ name: "Fee", value, unit: "per month", currency: "USD" });
    if (want) expect(e.value).toContain(want);
    else expect(e.value).toBeUndefined();
  });

  it("rejects an unknown currency", () => {
    expect(validatePrice({ name: "Fee", value: "1", unit: "x", currency: "GBP" }).currency).toBeDefined();
  });
});

describe("validateCharacteristic", () => {
  it("requires name and value and a known unit", () => {
    expect(validateCharacteristic({ name: " ", value: "", unit_of_measure: "Parsecs" })).toEqual({
      name: "Name is required.",
      value: "Value is required.",
      unit_of_measure: "Choose a unit of measure.",
    });
  });
  it("limits the name to 200 characters", () => {
    expect(validateCharacteristic({ name: "x".repeat(201), value: "1", unit_of_measure: "GB" }).name).toMatch(/200/);
  });
});

describe("offering rules", () => {
  const base = { name: "Fiber", description: null, specification_ids: [], pricing_ids: [], sales_channels: [] };
  it("a draft needs only a name", () => {
    expect(validateOfferingDraft(base)).toEqual({});
  });
  it("publishing needs a spec, a price and a channel", () => {
    expect(Object.keys(validateOfferingPublish(base)).sort()).toEqual(["pricing_ids", "sales_channels", "specification_ids"]);
  });
  it("a specification needs a characteristic", () => {
    expect(validateSpecification({ name: "S", characteristic_ids: [] }).characteristic_ids).toBeDefined();
  });
});
