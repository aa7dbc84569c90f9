import { request } from "./client";

export const UNITS = [
  "Mbps", "Gbps", "MB", "GB", "TB", "GHz", "Volt", "Watt", "Meter", "None",
  "%", "Seconds", "Minutes", "Hours", "Days", "Months", "Years", "Unit",
] as const;
export type Unit = (typeof UNITS)[number];

export const CURRENCIES = ["USD", "EUR", "TRY"] as const;
export type Currency = (typeof CURRENCIES)[number];

export const SALES_CHANNELS = ["online", "retail", "partner"] as const;

export const LIFECYCLE_STATUSES = ["DRAFT", "PUBLISHING", "PUBLISHED", "RETIRED"] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

export interface Characteristic {
  id: string;
  name: string;
  value: string;
  unit_of_measure: string;
  created_at: string;
  updated_at: string;
}
export interface CharacteristicInput {
  name: string;
  value: string;
  unit_of_measure: string;
}

export interface Specification {
  id: string;
  name: string;
  characteristic_ids: string[];
  created_at: string;
  updated_at: string;
}
export interface SpecificationInput {
  name: string;
  characteristic_ids: string[];
}

export interface Price {
  id: string;
  name: string;
  /** Decimal as a string (the API never rounds through floats). */
  value: string;
  unit: string;
  currency: string;
  locked: boolean;
  locked_by_saga_id: string | null;
  created_at: string;
  updated_at: string;
}
export interface PriceInput {
  name: string;
  value: string;
  unit: string;
  currency: string;
}

export interface Offering {
  id: string;
  name: string;
  description: string | null;
  specification_ids: string[];
  pricing_ids: string[];
  sales_channels: string[];
  lifecycle_status: LifecycleStatus;
  created_at: string;
  updated_at: string;
  published_at?: string | null;
  retired_at?: string | null;
  /** Saga fields our Go port adds (absent in the original API). */
  saga_id?: string | null;
  process_instance_key?: string | number | null;
  failure_reason?: string | null;
  failed_step?: string | null;
}
export interface OfferingInput {
  name: string;
  description: string | null;
  specification_ids: string[];
  pricing_ids: string[];
  sales_channels: string[];
}

/** A page of a list endpoint. total is known only when the server reports it. */
export interface Page<T> {
  items: T[];
  total?: number;
  hasMore: boolean;
}

export interface PageParams {
  skip?: number;
  limit?: number;
  status?: string;
}

/** Accepts a bare array or an {items,total} / {data,total} object. */
export function toPage<T>(raw: unknown, limit: number): Page<T> {
  let items: T[] = [];
  let total: number | undefined;
  if (Array.isArray(raw)) {
    items = raw as T[];
  } else if (raw && typeof raw === "object") {
    const o = raw as Record<string, unknown>;
    const arr = o.items ?? o.data ?? o.results;
    if (Array.isArray(arr)) items = arr as T[];
    if (typeof o.total === "number") total = o.total;
  }
  // We ask for one extra row to learn whether a next page exists.
  const hasMore = items.length > limit;
  return { items: items.slice(0, limit), total, hasMore };
}

function lister<T>(path: string) {
  return async (p: PageParams = {}, signal?: AbortSignal): Promise<Page<T>> => {
    const limit = p.limit ?? 20;
    const raw = await request<unknown>(path, {
      query: { skip: p.skip ?? 0, limit: limit + 1, status: p.status },
      signal,
    });
    return toPage<T>(raw, limit);
  };
}

/** Loads every row of a list endpoint (for pickers), a few pages at most. */
async function listAll<T>(path: string, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  const limit = 100;
  for (let skip = 0; skip < 1000; skip += limit) {
    const raw = await request<unknown>(path, { query: { skip, limit }, signal });
    const page = toPage<T>(raw, limit);
    out.push(...page.items);
    if (page.items.length < limit) break;
  }
  return out;
}

export const characteristics = {
  list: lister<Characteristic>("/api/v1/characteristics"),
  all: (signal?: AbortSignal) => listAll<Characteristic>("/api/v1/characteristics", signal),
  get: (id: string) => request<Characteristic>(`/api/v1/characteristics/${encodeURIComponent(id)}`),
  create: (input: CharacteristicInput) => request<Characteristic>("/api/v1/characteristics", { method: "POST", json: input }),
  update: (id: string, input: CharacteristicInput) =>
    request<Characteristic>(`/api/v1/characteristics/${encodeURIComponent(id)}`, { method: "PUT", json: input }),
  remove: (id: string) => request<void>(`/api/v1/characteristics/${encodeURIComponent(id)}`, { method: "DELETE" }),
};

export const specifications = {
  list: lister<Specification>("/api/v1/specifications"),
  all: (signal?: AbortSignal) => listAll<Specification>("/api/v1/specifications", signal),
  get: (id: string) => request<Specification>(`/api/v1/specifications/${encodeURIComponent(id)}`),
  create: (input: SpecificationInput) => request<Specification>("/api/v1/specifications", { method: "POST", json: input }),
  update: (id: string, input: SpecificationInput) =>
    request<Specification>(`/api/v1/specifications/${encodeURIComponent(id)}`, { method: "PUT", json: input }),
  remove: (id: string) => request<void>(`/api/v1/specifications/${encodeURIComponent(id)}`, { method: "DELETE" }),
};

export const prices = {
  list: lister<Price>("/api/v1/prices"),
  all: (signal?: AbortSignal) => listAll<Price>("/api/v1/prices", signal),
  get: (id: string) => request<Price>(`/api/v1/prices/${encodeURIComponent(id)}`),
  create: (input: PriceInput) => request<Price>("/api/v1/prices", { method: "POST", json: input }),
  update: (id: string, input: PriceInput) =>
    request<Price>(`/api/v1/prices/${encodeURIComponent(id)}`, { method: "PUT", json: input }),
  remove: (id: string) => request<void>(`/api/v1/prices/${encodeURIComponent(id)}`, { method: "DELETE" }),
};

export const offerings = {
  list: lister<Offering>("/api/v1/offerings"),
  get: (id: string, signal?: AbortSignal) => request<Offering>(`/api/v1/offerings/${encodeURIComponent(id)}`, { signal }),
  create: (input: OfferingInput) => request<Offering>("/api/v1/offerings", { method: "POST", json: input }),
  update: (id: string, input: OfferingInput) =>
    request<Offering>(`/api/v1/offerings/${encodeURIComponent(id)}`, { method: "PUT", json: input }),
  remove: (id: string) => request<void>(`/api/v1/offerings/${encodeURIComponent(id)}`, { method: "DELETE" }),
  publish: (id: string) => request<Offering>(`/api/v1/offerings/${encodeURIComponent(id)}/publish`, { method: "POST" }),
  retire: (id: string) => request<Offering>(`/api/v1/offerings/${encodeURIComponent(id)}/retire`, { method: "POST" }),
};

/** Logs in; resolves with the access token. */
export async function login(username: string, password: string): Promise<string> {
  const res = await request<{ access_token?: string }>("/api/v1/auth/login", {
    method: "POST",
    form: { username, password },
    auth: false,
  });
  if (!res?.access_token) throw new Error("The server did not return a token.");
  return res.access_token;
}
