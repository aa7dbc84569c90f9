#!/usr/bin/env node
// An in-memory stand-in for the gateway, for UI development and for checking the e2e script
// before the real stack exists. It mimics the contract the web app uses (auth, the four
// catalog resources, publish/retire with a timed fake saga, store search with facets, and the
// engine ops API). It is NOT the platform: no persistence, no real security.
//
//   node e2e/mock-gateway.mjs            # listens on 127.0.0.1:8000 (MOCK_PORT to change)
//
// An offering whose description contains "fail-saga" fails validation and compensates.
import http from "node:http";
import { randomUUID } from "node:crypto";

const PORT = Number(process.env.MOCK_PORT || 8000);
const STEP_MS = Number(process.env.MOCK_STEP_MS || 700);
const UNITS = ["Mbps", "Gbps", "MB", "GB", "TB", "GHz", "Volt", "Watt", "Meter", "None", "%", "Seconds", "Minutes", "Hours", "Days", "Months", "Years", "Unit"];
const USERS = { admin: { password: "admin", role: "ADMIN" }, user: { password: "user", role: "USER" } };

const db = { characteristics: new Map(), specifications: new Map(), prices: new Map(), offerings: new Map(), store: new Map(), instances: new Map() };
let instanceSeq = 2251799813685248;
const now = () => new Date().toISOString();

class HttpError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    Object.assign(this, { status, code, details });
  }
}
const invalid = (details) => new HttpError(422, "VALIDATION_ERROR", "Request validation failed", details);

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
function token(username, role) {
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: username, username, role, exp: Math.floor(Date.now() / 1000) + 3600 })}.mock`;
}
function principal(req) {
  const h = req.headers.authorization || "";
  const [, t] = h.split(" ");
  const parts = (t || "").split(".");
  if (parts.length !== 3 || parts[2] !== "mock") return null;
  try {
    const c = JSON.parse(Buffer.from(parts[1], "base64url").toString());
    return c.exp * 1000 > Date.now() ? c : null;
  } catch {
    return null;
  }
}
function need(req, role) {
  const p = principal(req);
  if (!p) throw new HttpError(401, "UNAUTHORIZED", "Missing or invalid token");
  if (role === "ADMIN" && p.role !== "ADMIN") throw new HttpError(403, "FORBIDDEN", "ADMIN role required");
  return p;
}

function page(list, url) {
  const skip = Number(url.searchParams.get("skip") || 0);
  const limit = Number(url.searchParams.get("limit") || 100);
  return list.sort((a, b) => a.created_at.localeCompare(b.created_at)).slice(skip, skip + limit);
}
function get(map, id, what) {
  const v = map.get(id);
  if (!v) throw new HttpError(404, "NOT_FOUND", `${what} ${id} not found`);
  return v;
}
function text(body, field, max = 200, details) {
  const v = typeof body[field] === "string" ? body[field].trim() : "";
  if (!v) details.push({ field, message: `${field} is required` });
  else if (v.length > max) details.push({ field, message: `${field} must be at most ${max} characters` });
  return v;
}
function uniqueName(map, name, id) {
  for (const v of map.values()) if (v.name.toLowerCase() === name.toLowerCase() && v.id !== id) throw new HttpError(409, "CONFLICT", `a record named "${name}" already exists`);
}

// ---- catalog -------------------------------------------------------------------------------
function characteristicIn(body, id) {
  const d = [];
  const name = text(body, "name", 200, d);
  const value = text(body, "value", 100, d);
  if (!UNITS.includes(body.unit_of_measure)) d.push({ field: "unit_of_measure", message: "unknown unit of measure" });
  if (d.length) throw invalid(d);
  uniqueName(db.characteristics, name, id);
  return { name, value, unit_of_measure: body.unit_of_measure };
}
function specificationIn(body, id) {
  const d = [];
  const name = text(body, "name", 200, d);
  const ids = Array.isArray(body.characteristic_ids) ? body.characteristic_ids : [];
  if (!ids.length) d.push({ field: "characteristic_ids", message: "at least one characteristic is required" });
  for (const c of ids) if (!db.characteristics.has(c)) d.push({ field: "characteristic_ids", message: `characteristic ${c} does not exist` });
  if (d.length) throw invalid(d);
  uniqueName(db.specifications, name, id);
  return { name, characteristic_ids: ids };
}
function priceIn(body, id) {
  const d = [];
  const name = text(body, "name", 200, d);
  const value = String(body.value ?? "");
  if (!/^\d+(\.\d{1,2})?$/.test(value) || Number(value) <= 0) d.push({ field: "value", message: "value must be a positive decimal with at most 2 places" });
  const unit = text(body, "unit", 100, d);
  if (!["USD", "EUR", "TRY"].includes(body.currency)) d.push({ field: "currency", message: "currency must be USD, EUR or TRY" });
  if (d.length) throw invalid(d);
  uniqueName(db.prices, name, id);
  return { name, value: Number(value).toFixed(2), unit, currency: body.currency };
}
function offeringIn(body) {
  const d = [];
  const name = text(body, "name", 200, d);
  if (d.length) throw invalid(d);
  return {
    name,
    description: body.description ?? null,
    specification_ids: body.specification_ids ?? [],
    pricing_ids: body.pricing_ids ?? [],
    sales_channels: body.sales_channels ?? [],
  };
}

function crud(name, map, parse, { role = "ADMIN", guardDelete, guardWrite } = {}) {
  return async (req, url, body, rest) => {
    if (!rest) {
      if (req.method === "GET") {
        need(req);
        let list = [...map.values()];
        const s = url.searchParams.get("status");
        if (s) list = list.filter((x) => x.lifecycle_status === s);
        return [200, page(list, url)];
      }
      if (req.method === "POST") {
        need(req, role);
        const rec = { id: randomUUID(), ...parse(body), created_at: now(), updated_at: now() };
        if (map === db.prices) Object.assign(rec, { locked: false, locked_by_saga_id: null });
        if (map === db.offerings) Object.assign(rec, { lifecycle_status: "DRAFT", published_at: null, retired_at: null });
        map.set(rec.id, rec);
        return [201, rec];
      }
    } else {
      const rec = get(map, rest, name);
      if (req.method === "GET") {
        need(req);
        return [200, rec];
      }
      if (req.method === "PUT") {
        need(req, role);
        guardWrite?.(rec);
        Object.assign(rec, parse(body, rec.id), { updated_at: now() });
        return [200, rec];
      }
      if (req.method === "DELETE") {
        need(req, "ADMIN");
        guardDelete?.(rec);
        map.delete(rec.id);
        return [204];
      }
    }
    throw new HttpError(405, "BAD_REQUEST", "method not allowed");
  };
}

const routes = {
  characteristics: crud("characteristic", db.characteristics, characteristicIn, {
    guardDelete: (c) => {
      const n = [...db.specifications.values()].filter((s) => s.characteristic_ids.includes(c.id)).length;
      if (n) throw new HttpError(409, "CONFLICT", `characteristic is used by ${n} specification(s)`);
    },
  }),
  specifications: crud("specification", db.specifications, specificationIn, {
    guardDelete: (s) => {
      const n = [...db.offerings.values()].filter((o) => o.specification_ids.includes(s.id)).length;
      if (n) throw new HttpError(409, "CONFLICT", `specification is used by ${n} offering(s)`);
    },
  }),
  prices: crud("price", db.prices, priceIn, {
    guardWrite: (p) => {
      if (p.locked) throw new HttpError(423, "LOCKED", "price is locked by an offering publication");
    },
    guardDelete: (p) => {
      if (p.locked) throw new HttpError(423, "LOCKED", "price is locked by an offering publication");
    },
  }),
  offerings: crud("offering", db.offerings, offeringIn, {
    role: "USER",
    guardWrite: (o) => {
      if (o.lifecycle_status !== "DRAFT") throw new HttpError(409, "CONFLICT", `only DRAFT offerings can be changed (this one is ${o.lifecycle_status})`);
    },
    guardDelete: (o) => {
      if (o.lifecycle_status !== "DRAFT") throw new HttpError(409, "CONFLICT", "only DRAFT offerings can be deleted");
    },
  }),
};

// ---- fake saga -----------------------------------------------------------------------------
const FORWARD = ["lock-prices", "validate-specifications", "create-store-entry", "confirm-publication"];
const BACK = ["delete-store-entry", "unlock-prices", "revert-offering-to-draft"];
/** Element id of a job type's service task, in the style of bpmn/offering_publication.bpmn. */
const el = (jobType) => `Task_${jobType.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`;

function storeDoc(o) {
  return {
    id: o.id,
    name: o.name,
    description: o.description,
    specifications: o.specification_ids.map((id) => {
      const s = db.specifications.get(id);
      return {
        id,
        name: s?.name ?? "?",
        characteristics: (s?.characteristic_ids ?? []).map((c) => db.characteristics.get(c)).filter(Boolean).map((c) => ({ name: c.name, value: c.value, unit: c.unit_of_measure })),
      };
    }),
    pricing: o.pricing_ids.map((id) => db.prices.get(id)).filter(Boolean).map((p) => ({ id: p.id, name: p.name, value: Number(p.value), unit: p.unit, currency: p.currency })),
    sales_channels: o.sales_channels,
    published_at: o.published_at,
  };
}

function startSaga(o) {
  const key = String(++instanceSeq);
  const sagaId = randomUUID();
  const inst = {
    key,
    bpmn_process_id: "offering-publication",
    process_definition_key: "1",
    state: "ACTIVE",
    started_at: now(),
    ended_at: null,
    variables: { offering_id: o.id, saga_id: sagaId, price_ids: o.pricing_ids, specification_ids: o.specification_ids, saga_timeout: "PT2M" },
    elements: [{ element_id: "start", element_type: "START_EVENT", state: "COMPLETED", started_at: now(), ended_at: now() }],
    jobs: [],
    current_element_ids: [],
    incident_list: [],
  };
  db.instances.set(key, inst);
  Object.assign(o, { lifecycle_status: "PUBLISHING", saga_id: sagaId, process_instance_key: key, failure_reason: null, failed_step: null });
  const fail = /fail-saga/.test(o.description ?? "");
  const plan = fail ? ["lock-prices", "validate-specifications!", ...BACK.slice(1)] : FORWARD;
  let i = 0;
  const step = () => {
    const prev = inst.elements.at(-1);
    if (prev && prev.state === "ACTIVE") {
      prev.state = "COMPLETED";
      prev.ended_at = now();
    }
    inst.current_element_ids = [];
    if (i >= plan.length) {
      inst.state = "COMPLETED";
      inst.ended_at = now();
      inst.elements.push({ element_id: fail ? "end-failed" : "end", element_type: "END_EVENT", state: "COMPLETED", started_at: now(), ended_at: now() });
      if (fail) Object.assign(o, { lifecycle_status: "DRAFT", updated_at: now() });
      return;
    }
    let jobType = plan[i++];
    if (jobType.endsWith("!")) {
      jobType = jobType.slice(0, -1);
      inst.elements.push({ element_id: el(jobType), element_type: "SERVICE_TASK", state: "TERMINATED", started_at: now(), ended_at: now() });
      inst.jobs.push({ type: jobType, element_id: el(jobType), state: "FAILED" });
      Object.assign(inst.variables, { failure_reason: "specification check failed (fail-saga)", failed_step: jobType });
      Object.assign(o, { failure_reason: "specification check failed (fail-saga)", failed_step: jobType });
      setTimeout(step, STEP_MS);
      return;
    }
    inst.elements.push({ element_id: el(jobType), element_type: "SERVICE_TASK", state: "ACTIVE", started_at: now() });
    inst.jobs.push({ type: jobType, element_id: el(jobType), state: "ACTIVATED" });
    inst.current_element_ids = [el(jobType)];
    if (jobType === "lock-prices") for (const id of o.pricing_ids) Object.assign(db.prices.get(id) ?? {}, { locked: true, locked_by_saga_id: sagaId });
    if (jobType === "unlock-prices") for (const id of o.pricing_ids) Object.assign(db.prices.get(id) ?? {}, { locked: false, locked_by_saga_id: null });
    if (jobType === "confirm-publication") {
      Object.assign(o, { lifecycle_status: "PUBLISHED", published_at: now(), updated_at: now() });
      db.store.set(o.id, storeDoc(o));
    }
    setTimeout(step, STEP_MS);
  };
  setTimeout(step, STEP_MS);
}

// ---- store ---------------------------------------------------------------------------------
function search(url) {
  const q = (url.searchParams.get("q") || "").toLowerCase().split(/\s+/).filter(Boolean);
  const min = url.searchParams.get("min_price");
  const max = url.searchParams.get("max_price");
  const channel = url.searchParams.get("channel");
  const chars = url.searchParams.getAll("characteristic");
  const low = (d) => Math.min(...d.pricing.map((p) => p.value), Infinity);
  let list = [...db.store.values()].filter((d) => {
    const hay = [d.name, d.description, ...d.specifications.flatMap((s) => [s.name, ...s.characteristics.map((c) => `${c.name} ${c.value}`)])].join(" ").toLowerCase();
    if (!q.every((w) => hay.includes(w))) return false;
    if (min && !d.pricing.some((p) => p.value >= Number(min) && (!max || p.value <= Number(max)))) return false;
    if (max && !d.pricing.some((p) => p.value <= Number(max))) return false;
    if (channel && !d.sales_channels.includes(channel)) return false;
    for (const pair of chars) {
      const [n, v] = pair.split(":");
      if (!d.specifications.some((s) => s.characteristics.some((c) => c.name === n && c.value === v))) return false;
    }
    return true;
  });
  const sort = url.searchParams.get("sort");
  if (sort === "price_asc") list.sort((a, b) => low(a) - low(b));
  if (sort === "price_desc") list.sort((a, b) => low(b) - low(a));
  if (sort === "name_asc") list.sort((a, b) => a.name.localeCompare(b.name));
  if (sort === "newest") list.sort((a, b) => (b.published_at ?? "").localeCompare(a.published_at ?? ""));
  const count = (f) => {
    const m = new Map();
    for (const d of list) for (const k of new Set(f(d))) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.entries()].map(([value, c]) => ({ value, count: c }));
  };
  const ranges = [
    [0, 25],
    [25, 50],
    [50, 100],
    [100, null],
  ].map(([a, b]) => ({ min: a, max: b, count: list.filter((d) => d.pricing.some((p) => p.value >= a && (b === null || p.value < b))).length }));
  const charFacet = new Map();
  for (const d of list)
    for (const s of d.specifications)
      for (const c of s.characteristics) {
        const m = charFacet.get(c.name) ?? new Map();
        m.set(c.value, (m.get(c.value) ?? 0) + 1);
        charFacet.set(c.name, m);
      }
  const skip = Number(url.searchParams.get("skip") || 0);
  const limit = Number(url.searchParams.get("limit") || 10);
  return {
    items: list.slice(skip, skip + limit),
    total: list.length,
    facets: {
      price_ranges: ranges.filter((r) => r.count > 0),
      channels: count((d) => d.sales_channels),
      characteristics: [...charFacet.entries()].map(([name, m]) => ({ name, values: [...m.entries()].map(([value, c]) => ({ value, count: c })) })),
    },
  };
}

// ---- ops: a BPMN drawn from code so bpmn-js has something to render -------------------------
function bpmnXml() {
  const tasks = [...FORWARD.map((t, i) => ({ id: el(t), name: t, x: 180 + i * 160, y: 80 })), ...BACK.map((t, i) => ({ id: el(t), name: t, x: 500 - i * 160 + 160, y: 240 }))];
  const label = (t) => t.name.replace(/-/g, " ").replace(/^\w/, (c) => c.toUpperCase());
  const flows = [
    ["start", "lock-prices"],
    ...FORWARD.slice(1).map((t, i) => [FORWARD[i], t]),
    ["confirm-publication", "end"],
    ["validate-specifications", "delete-store-entry"],
    ["delete-store-entry", "unlock-prices"],
    ["unlock-prices", "revert-offering-to-draft"],
    ["revert-offering-to-draft", "end-failed"],
  ].map(([a, b]) => [FORWARD.includes(a) || BACK.includes(a) ? el(a) : a, FORWARD.includes(b) || BACK.includes(b) ? el(b) : b]);
  const pos = { start: { x: 100, y: 102, w: 36, h: 36 }, end: { x: 840, y: 102, w: 36, h: 36 }, "end-failed": { x: 200, y: 262, w: 36, h: 36 } };
  for (const t of tasks) pos[t.id] = { x: t.x, y: t.y, w: 120, h: 80 };
  const mid = (id) => ({ x: pos[id].x + pos[id].w / 2, y: pos[id].y + pos[id].h / 2 });
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="http://example.com/mock">
  <bpmn:process id="offering-publication" isExecutable="true">
    <bpmn:startEvent id="start" name="Publication requested" />
    ${tasks.map((t) => `<bpmn:serviceTask id="${t.id}" name="${label(t)}" />`).join("\n    ")}
    <bpmn:endEvent id="end" name="Published" />
    <bpmn:endEvent id="end-failed" name="Reverted" />
    ${flows.map(([a, b], i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${a}" targetRef="${b}" />`).join("\n    ")}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="offering-publication">
    ${Object.entries(pos).map(([id, p]) => `<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" /></bpmndi:BPMNShape>`).join("\n    ")}
    ${flows.map(([a, b], i) => `<bpmndi:BPMNEdge id="f${i}_di" bpmnElement="f${i}"><di:waypoint x="${mid(a).x}" y="${mid(a).y}" /><di:waypoint x="${mid(b).x}" y="${mid(b).y}" /></bpmndi:BPMNEdge>`).join("\n    ")}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

// ---- server --------------------------------------------------------------------------------
async function handle(req, url, body) {
  const p = url.pathname;
  if (p === "/health") return [200, { status: "healthy", service: "mock-gateway" }];
  if (p === "/api/v1/auth/login" && req.method === "POST") {
    const f = new URLSearchParams(body ?? "");
    const u = USERS[f.get("username")];
    if (!u || u.password !== f.get("password")) throw new HttpError(401, "UNAUTHORIZED", "Invalid credentials");
    return [200, { access_token: token(f.get("username"), u.role), token_type: "bearer" }];
  }
  let m = p.match(/^\/api\/v1\/offerings\/([^/]+)\/(publish|retire)$/);
  if (m && req.method === "POST") {
    need(req, "ADMIN");
    const o = get(db.offerings, m[1], "offering");
    if (m[2] === "publish") {
      if (o.lifecycle_status !== "DRAFT") throw new HttpError(409, "CONFLICT", `cannot publish a ${o.lifecycle_status} offering`);
      if (!o.specification_ids.length || !o.pricing_ids.length || !o.sales_channels.length)
        throw new HttpError(400, "BUSINESS_RULE", "an offering needs a specification, a price and a sales channel to be published");
      startSaga(o);
      return [202, o];
    }
    if (o.lifecycle_status !== "PUBLISHED") throw new HttpError(409, "CONFLICT", "only PUBLISHED offerings can be retired");
    Object.assign(o, { lifecycle_status: "RETIRED", retired_at: now(), updated_at: now() });
    db.store.delete(o.id);
    return [200, o];
  }
  m = p.match(/^\/api\/v1\/(characteristics|specifications|prices|offerings)(?:\/([^/]+))?$/);
  if (m) {
    let json = {};
    if (body) {
      try {
        json = JSON.parse(body);
      } catch {
        throw new HttpError(400, "BAD_REQUEST", "body is not JSON");
      }
    }
    return routes[m[1]](req, url, json, m[2]);
  }
  if (p === "/api/v1/store/search") return [200, search(url)];
  m = p.match(/^\/api\/v1\/store\/offerings\/([^/]+)$/);
  if (m) return [200, get(db.store, m[1], "store offering")];
  if (p.startsWith("/ops/")) {
    need(req, "ADMIN");
    if (p === "/ops/api/instances") {
      const off = url.searchParams.get("offering_id");
      const st = url.searchParams.get("state");
      const list = [...db.instances.values()].filter((i) => (!off || i.variables.offering_id === off) && (!st || i.state === st)).reverse();
      const items = list.map((i) => ({
        key: i.key,
        bpmn_process_id: i.bpmn_process_id,
        process_definition_key: i.process_definition_key,
        state: i.state,
        started_at: i.started_at,
        ended_at: i.ended_at,
        incidents: i.incident_list.length,
      }));
      return [200, { items, total: items.length, limit: 50 }];
    }
    m = p.match(/^\/ops\/api\/instances\/([^/]+)(\/cancel)?$/);
    if (m) {
      const inst = get(db.instances, m[1], "instance");
      if (m[2]) {
        Object.assign(inst, { state: "CANCELED", ended_at: now() });
        return [204];
      }
      return [200, { ...inst, incidents: inst.incident_list.length }];
    }
    if (/^\/ops\/api\/definitions\/[^/]+\/xml$/.test(p)) return [200, bpmnXml(), "application/xml"];
    m = p.match(/^\/ops\/api\/incidents\/([^/]+)\/resolve$/);
    if (m) return [204];
  }
  throw new HttpError(404, "NOT_FOUND", `no route for ${req.method} ${p}`);
}

http
  .createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
      res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
      res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
    }
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      const url = new URL(req.url, `http://${req.headers.host}`);
      try {
        const [status, payload, type = "application/json"] = await handle(req, url, body);
        res.writeHead(status, { "Content-Type": type });
        res.end(payload === undefined ? undefined : type === "application/json" ? JSON.stringify(payload) : payload);
      } catch (err) {
        const e = err instanceof HttpError ? err : new HttpError(500, "INTERNAL_ERROR", "internal error");
        if (!(err instanceof HttpError)) console.error(err);
        res.writeHead(e.status, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: { code: e.code, message: e.message, details: e.details, correlation_id: randomUUID() } }));
      }
    });
  })
  .listen(PORT, "127.0.0.1", () => console.log(`mock gateway on http://127.0.0.1:${PORT}`));
