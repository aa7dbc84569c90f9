import { describe, expect, it } from "vitest";
import { errorFromBody, normalizeField } from "./errors";

describe("errorFromBody", () => {
  it("reads our envelope with field details and correlation id", () => {
    const err = errorFromBody(422, {
      error: { code: "VALIDATION_ERROR", message: "invalid", details: [{ field: "name", message: "required" }], correlation_id: "c-9" },
    });
    expect(err.status).toBe(422);
    expect(err.code).toBe("VALIDATION_ERROR");
    expect(err.correlationId).toBe("c-9");
    expect(err.fieldErrors()).toEqual({ name: "required" });
  });

  it("accepts FastAPI-style detail lists and strips the body prefix from locations", () => {
    const err = errorFromBody(422, { detail: [{ loc: ["body", "value"], msg: "not a number" }] });
    expect(err.fieldErrors()).toEqual({ value: "not a number" });
  });

  it("falls back to a status-based message when the body is empty", () => {
    const err = errorFromBody(423, undefined);
    expect(err.code).toBe("LOCKED");
    expect(err.message).toMatch(/locked/i);
  });

  it("reads Retry-After", () => {
    expect(errorFromBody(503, null, "7").retryAfter).toBe(7);
  });
});

describe("normalizeField", () => {
  it.each([
    ["body.name", "name"],
    ["/value", "value"],
    ["pricing_ids[0]", "pricing_ids"],
    [["body", "sales_channels", 1], "sales_channels"],
  ])("maps %j to %s", (input, want) => {
    expect(normalizeField(input)).toBe(want);
  });
});
