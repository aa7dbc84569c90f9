import { describe, expect, it } from "vitest";
import { mapFacets, mapSearchResponse, queryFromUrl, queryToUrl, searchParams, EMPTY_QUERY } from "./store";

const doc = {
  id: "o1",
  name: "Fiber 100",
  description: "Fast home internet",
  specifications: [{ id: "s1", name: "Fiber spec", characteristics: [{ name: "Speed", value: "100", unit: "Mbps" }] }],
  pricing: [
    { id: "p1", name: "Monthly", value: "29.99", unit: "per month", currency: "USD" },
    { id: "p2", name: "Yearly", value: 299, currency: "USD" },
  ],
  sales_channels: ["online"],
  published_at: "2026-01-01T00:00:00Z",
};

describe("mapSearchResponse", () => {
  it("reads {items,total,facets}", () => {
    const r = mapSearchResponse({
      items: [doc],
      total: 7,
      facets: {
        price_ranges: [{ min: 0, max: 50, count: 1 }],
        channels: [{ value: "online", count: 1 }],
        characteristics: [{ name: "Speed", values: [{ value: "100", count: 1 }] }],
      },
    });
    expect(r.total).toBe(7);
    expect(r.items[0]!.prices.map((p) => p.value)).toEqual([29.99, 299]);
    expect(r.facets.priceRanges[0]).toEqual({ label: "0 – 50", min: 0, max: 50, count: 1 });
    expect(r.facets.characteristics[0]!.values[0]).toEqual({ value: "100", count: 1 });
  });

  it("reads a bare array (the original API) and counts it", () => {
    const r = mapSearchResponse([doc, { name: "no id" }]);
    expect(r.items).toHaveLength(1);
    expect(r.total).toBe(1);
    expect(r.facets.channels).toEqual([]);
  });

  it("reads offerings + Elasticsearch-like hits", () => {
    expect(mapSearchResponse({ offerings: [doc], total: 1 }).items[0]!.id).toBe("o1");
    const es = mapSearchResponse({ hits: { total: { value: 3 }, hits: [{ _source: doc }] } });
    expect(es.total).toBe(3);
    expect(es.items[0]!.name).toBe("Fiber 100");
  });
});

describe("store-query's own response", () => {
  it("reads items, total and {key, from, to, count} price ranges", () => {
    const r = mapSearchResponse({
      items: [{ ...doc, lifecycle_status: "PUBLISHED" }],
      total: 1,
      skip: 0,
      limit: 12,
      sort: "newest",
      facets: {
        price_ranges: [
          { key: "0-25", from: 0, to: 25, count: 0 },
          { key: "100-*", from: 100, to: null, count: 2 },
        ],
        channels: [{ value: "online", count: 1 }],
        characteristics: [{ name: "Speed", values: [{ value: "100", count: 1 }] }],
      },
    });
    expect(r.items[0]!.specifications[0]!.characteristics[0]).toEqual({ name: "Speed", value: "100", unit: "Mbps" });
    expect(r.facets.priceRanges).toEqual([
      { label: "0 – 25", min: 0, max: 25, count: 0 },
      { label: "100 and up", min: 100, max: null, count: 2 },
    ]);
  });
});

describe("mapFacets", () => {
  it("accepts object-shaped counts", () => {
    const f = mapFacets({ channels: { online: 2, retail: 1 }, characteristics: { Speed: { "100": 2 } } });
    expect(f.channels).toEqual([
      { value: "online", count: 2 },
      { value: "retail", count: 1 },
    ]);
    expect(f.characteristics).toEqual([{ name: "Speed", values: [{ value: "100", count: 2 }] }]);
  });
});

describe("URL round trip", () => {
  it("keeps every filter", () => {
    const q = { q: "fiber", minPrice: "10", maxPrice: "50", channel: "online", characteristics: ["Speed:100"], sort: "price_asc", page: 2 };
    expect(queryFromUrl(new URLSearchParams(queryToUrl(q)))).toEqual(q);
  });
  it("an empty query makes an empty URL", () => {
    expect(queryToUrl(EMPTY_QUERY)).toBe("");
  });
  it("pages become skip/limit", () => {
    expect(searchParams({ ...EMPTY_QUERY, page: 3 })).toMatchObject({ skip: 24, limit: 12, sort: undefined });
  });
});
