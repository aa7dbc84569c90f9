/**
 * The store read API and the ONLY place that knows its response shapes. The store service is
 * young: everything here tolerates missing fields and a few alternative names, so adjusting to
 * the final contract means editing this file alone.
 */
import { request, type QueryValue } from "./client";

export interface StoreCharacteristic {
  name: string;
  value: string;
  unit: string;
}
export interface StoreSpecification {
  id: string;
  name: string;
  characteristics: StoreCharacteristic[];
}
export interface StorePrice {
  id: string;
  name: string;
  value: number;
  unit: string;
  currency: string;
}
export interface StoreOffering {
  id: string;
  name: string;
  description: string;
  specifications: StoreSpecification[];
  prices: StorePrice[];
  salesChannels: string[];
  publishedAt: string | null;
}
export interface PriceRangeFacet {
  label: string;
  min: number | null;
  max: number | null;
  count: number;
}
export interface ValueCount {
  value: string;
  count: number;
}
export interface CharacteristicFacet {
  name: string;
  values: ValueCount[];
}
export interface StoreFacets {
  priceRanges: PriceRangeFacet[];
  channels: ValueCount[];
  characteristics: CharacteristicFacet[];
}
export interface StoreSearchResult {
  items: StoreOffering[];
  total: number;
  facets: StoreFacets;
}

export const SORTS = [
  { value: "relevance", label: "Relevance" },
  { value: "price_asc", label: "Price: low to high" },
  { value: "price_desc", label: "Price: high to low" },
  { value: "name", label: "Name A–Z" },
  { value: "newest", label: "Newest first" },
] as const;

/** What the shopper asked for; mirrored 1:1 in the page URL. */
export interface StoreQuery {
  q: string;
  minPrice: string;
  maxPrice: string;
  channel: string;
  /** "name:value" pairs. */
  characteristics: string[];
  sort: string;
  page: number;
}

export const PAGE_SIZE = 12;

export const EMPTY_QUERY: StoreQuery = {
  q: "",
  minPrice: "",
  maxPrice: "",
  channel: "",
  characteristics: [],
  sort: "relevance",
  page: 1,
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : fallback);
const num = (v: unknown): number | null => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
function first(o: Obj, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}

function mapCharacteristic(raw: unknown): StoreCharacteristic | null {
  if (!isObj(raw)) return null;
  const name = str(raw.name);
  if (!name) return null;
  return { name, value: str(raw.value), unit: str(first(raw, "unit", "unit_of_measure")) };
}

function mapSpecification(raw: unknown): StoreSpecification | null {
  if (!isObj(raw)) return null;
  return {
    id: str(raw.id),
    name: str(raw.name, "Specification"),
    characteristics: arr(raw.characteristics).map(mapCharacteristic).filter((c): c is StoreCharacteristic => c !== null),
  };
}

function mapPrice(raw: unknown): StorePrice | null {
  if (!isObj(raw)) return null;
  const value = num(first(raw, "value", "amount"));
  if (value === null) return null;
  return { id: str(raw.id), name: str(raw.name), value, unit: str(raw.unit), currency: str(raw.currency, "USD") };
}

/** Maps one store document (search hit or detail) to the UI model. */
export function mapOffering(raw: unknown): StoreOffering | null {
  if (!isObj(raw)) return null;
  const src = isObj(raw._source) ? raw._source : isObj(raw.offering) ? raw.offering : raw;
  const id = str(first(src, "id", "offering_id", "_id"));
  if (!id) return null;
  return {
    id,
    name: str(src.name, "Untitled offering"),
    description: str(src.description),
    specifications: arr(first(src, "specifications", "specs"))
      .map(mapSpecification)
      .filter((s): s is StoreSpecification => s !== null),
    prices: arr(first(src, "pricing", "prices"))
      .map(mapPrice)
      .filter((p): p is StorePrice => p !== null),
    salesChannels: arr(src.sales_channels).map((c) => str(c)).filter(Boolean),
    publishedAt: str(src.published_at) || null,
  };
}

function mapValueCounts(raw: unknown): ValueCount[] {
  if (isObj(raw)) {
    // {"online": 3, "retail": 1}
    return Object.entries(raw)
      .map(([value, count]) => ({ value, count: num(count) ?? 0 }))
      .filter((v) => v.value);
  }
  return arr(raw)
    .map((v) => (isObj(v) ? { value: str(first(v, "value", "key", "name")), count: num(first(v, "count", "doc_count")) ?? 0 } : null))
    .filter((v): v is ValueCount => v !== null && v.value !== "");
}

function rangeLabel(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return `${min} – ${max}`;
  if (min !== null) return `${min} and up`;
  if (max !== null) return `Up to ${max}`;
  return "Any price";
}

/** Maps the facets object; unknown or missing parts become empty lists. */
export function mapFacets(raw: unknown): StoreFacets {
  const f = isObj(raw) ? raw : {};
  const priceRanges = arr(first(f, "price_ranges", "prices", "price")).flatMap((r): PriceRangeFacet[] => {
    if (!isObj(r)) return [];
    const min = num(first(r, "min", "from"));
    const max = num(first(r, "max", "to"));
    // A computed label reads better than a machine key such as "25-50".
    return [{ label: str(r.label) || rangeLabel(min, max), min, max, count: num(first(r, "count", "doc_count")) ?? 0 }];
  });
  const chars = first(f, "characteristics", "characteristic");
  let characteristics: CharacteristicFacet[] = [];
  if (Array.isArray(chars)) {
    characteristics = chars.flatMap((c): CharacteristicFacet[] =>
      isObj(c) && str(c.name) ? [{ name: str(c.name), values: mapValueCounts(c.values) }] : [],
    );
  } else if (isObj(chars)) {
    // {"Speed": [{"value":"100","count":2}]} or {"Speed": {"100": 2}}
    characteristics = Object.entries(chars).map(([name, values]) => ({ name, values: mapValueCounts(values) }));
  }
  return {
    priceRanges,
    channels: mapValueCounts(first(f, "channels", "sales_channels")),
    characteristics: characteristics.filter((c) => c.values.length > 0),
  };
}

/** Maps a search response: a bare array, or {items|offerings|results|hits, total, facets}. */
export function mapSearchResponse(raw: unknown): StoreSearchResult {
  let list: unknown[] = [];
  let total: number | null = null;
  let facets: unknown;
  if (Array.isArray(raw)) {
    list = raw;
  } else if (isObj(raw)) {
    const hits = raw.hits;
    const candidate = first(raw, "items", "offerings", "results", "data") ?? (isObj(hits) ? hits.hits : hits);
    list = arr(candidate);
    total = num(first(raw, "total", "count")) ?? (isObj(hits) && isObj(hits.total) ? num(hits.total.value) : null);
    facets = first(raw, "facets", "aggregations");
  }
  const items = list.map(mapOffering).filter((o): o is StoreOffering => o !== null);
  return { items, total: total ?? items.length, facets: mapFacets(facets) };
}

/** The query string the search endpoint takes. */
export function searchParams(q: StoreQuery): Record<string, QueryValue> {
  return {
    q: q.q.trim() || undefined,
    min_price: q.minPrice || undefined,
    max_price: q.maxPrice || undefined,
    channel: q.channel || undefined,
    characteristic: q.characteristics.length ? q.characteristics : undefined,
    sort: q.sort && q.sort !== "relevance" ? q.sort : undefined,
    skip: (Math.max(1, q.page) - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
  };
}

/** Reads the store query from the page URL. */
export function queryFromUrl(params: URLSearchParams): StoreQuery {
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return {
    q: params.get("q") ?? "",
    minPrice: params.get("min_price") ?? "",
    maxPrice: params.get("max_price") ?? "",
    channel: params.get("channel") ?? "",
    characteristics: params.getAll("characteristic"),
    sort: params.get("sort") ?? "relevance",
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** Writes the store query to a URL query string (empty values left out). */
export function queryToUrl(q: StoreQuery): string {
  const p = new URLSearchParams();
  if (q.q.trim()) p.set("q", q.q.trim());
  if (q.minPrice) p.set("min_price", q.minPrice);
  if (q.maxPrice) p.set("max_price", q.maxPrice);
  if (q.channel) p.set("channel", q.channel);
  for (const c of q.characteristics) p.append("characteristic", c);
  if (q.sort && q.sort !== "relevance") p.set("sort", q.sort);
  if (q.page > 1) p.set("page", String(q.page));
  return p.toString();
}

export async function searchStore(q: StoreQuery, signal?: AbortSignal): Promise<StoreSearchResult> {
  const raw = await request<unknown>("/api/v1/store/search", { query: searchParams(q), auth: false, signal });
  return mapSearchResponse(raw);
}

export async function getStoreOffering(id: string, signal?: AbortSignal): Promise<StoreOffering> {
  const raw = await request<unknown>(`/api/v1/store/offerings/${encodeURIComponent(id)}`, { auth: false, signal });
  const o = mapOffering(raw);
  if (!o) throw new Error("The store returned an offering it could not describe.");
  return o;
}

/** The cheapest price of an offering, if any. */
export function lowestPrice(o: StoreOffering): StorePrice | null {
  return o.prices.reduce<StorePrice | null>((best, p) => (best === null || p.value < best.value ? p : best), null);
}
