/**
 * The saga engine's operations API (through the gateway under /ops, ADMIN only) and the ONLY
 * place that knows its JSON shapes. Mapping is tolerant of snake_case and camelCase names and
 * of numeric or string keys, so the engine can settle its contract without UI churn.
 */
import { request } from "./client";

export type InstanceState = "ACTIVE" | "COMPLETED" | "CANCELED" | "INCIDENT" | "FAILED" | string;

export interface OpsInstance {
  key: string;
  processId: string;
  definitionKey: string;
  version: number | null;
  state: InstanceState;
  startedAt: string | null;
  endedAt: string | null;
  /** offering_id variable when the list includes variables. */
  offeringId: string | null;
  incidentCount: number;
}

export interface ElementEvent {
  elementId: string;
  elementName: string;
  elementType: string;
  /** Job type for service tasks, when the engine reports it. */
  jobType: string;
  state: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface Incident {
  key: string;
  elementId: string;
  errorType: string;
  message: string;
  state: string;
  createdAt: string | null;
}

export interface InstanceDetail extends OpsInstance {
  history: ElementEvent[];
  /** Elements the instance waits in now, when the engine says so. */
  currentElementIds: string[];
  variables: Record<string, unknown>;
  incidents: Incident[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "bigint" ? String(v) : "");
function first(o: Obj, ...keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function mapVariables(raw: unknown): Record<string, unknown> {
  if (isObj(raw)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = decodeVar(v);
    return out;
  }
  // [{name, value}] form
  const out: Record<string, unknown> = {};
  for (const v of arr(raw)) {
    if (isObj(v) && typeof v.name === "string") out[v.name] = decodeVar(v.value);
  }
  return out;
}

/** Zeebe-style APIs sometimes send variable values as JSON text. */
function decodeVar(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (!(t.startsWith("{") || t.startsWith("[") || t.startsWith('"'))) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

export function mapInstance(raw: unknown): OpsInstance | null {
  if (!isObj(raw)) return null;
  const key = str(first(raw, "key", "process_instance_key", "processInstanceKey", "instance_key", "id"));
  if (!key) return null;
  const vars = mapVariables(first(raw, "variables", "vars"));
  const incidents = first(raw, "incident_count", "incidentCount", "incidents");
  const version = first(raw, "version", "process_version", "processVersion");
  return {
    key,
    processId: str(first(raw, "bpmn_process_id", "bpmnProcessId", "process_id", "processId")),
    definitionKey: str(first(raw, "process_definition_key", "processDefinitionKey", "definition_key", "definitionKey")),
    version: typeof version === "number" ? version : null,
    state: str(first(raw, "state", "status")).toUpperCase() || "ACTIVE",
    startedAt: str(first(raw, "start_date", "started_at", "startDate", "startedAt", "created_at")) || null,
    endedAt: str(first(raw, "end_date", "ended_at", "endDate", "endedAt", "completed_at")) || null,
    offeringId: str(first(raw, "offering_id", "offeringId") ?? vars.offering_id) || null,
    incidentCount: typeof incidents === "number" ? incidents : Array.isArray(incidents) ? incidents.length : 0,
  };
}

function mapEvent(raw: unknown): ElementEvent | null {
  if (!isObj(raw)) return null;
  const elementId = str(first(raw, "element_id", "elementId", "flow_node_id", "flowNodeId", "activity_id"));
  if (!elementId) return null;
  return {
    elementId,
    elementName: str(first(raw, "element_name", "elementName", "name", "flow_node_name")),
    elementType: str(first(raw, "element_type", "elementType", "type", "bpmn_element_type")).toUpperCase(),
    jobType: str(first(raw, "job_type", "jobType", "task_type", "taskType")),
    state: str(first(raw, "state", "status", "intent")).toUpperCase(),
    startedAt: str(first(raw, "start_date", "started_at", "startDate", "startedAt", "timestamp")) || null,
    endedAt: str(first(raw, "end_date", "ended_at", "endDate", "endedAt")) || null,
  };
}

function mapIncident(raw: unknown): Incident | null {
  if (!isObj(raw)) return null;
  const key = str(first(raw, "key", "incident_key", "incidentKey", "id"));
  if (!key) return null;
  return {
    key,
    elementId: str(first(raw, "element_id", "elementId", "flow_node_id")),
    errorType: str(first(raw, "error_type", "errorType", "type")),
    message: str(first(raw, "error_message", "errorMessage", "message")),
    state: str(first(raw, "state", "status")).toUpperCase() || "ACTIVE",
    createdAt: str(first(raw, "created_at", "creation_time", "creationTime", "createdAt")) || null,
  };
}

export function mapInstanceDetail(raw: unknown): InstanceDetail | null {
  const base = mapInstance(isObj(raw) && isObj(raw.instance) ? { ...raw, ...raw.instance } : raw);
  if (!base || !isObj(raw)) return null;
  const variables = mapVariables(first(raw, "variables", "vars"));
  // Our engine lists jobs separately ({type, element_id}); use them to name service tasks.
  const jobTypes = new Map<string, string>();
  for (const j of arr(raw.jobs)) {
    if (isObj(j)) {
      const el = str(first(j, "element_id", "elementId"));
      const type = str(first(j, "type", "job_type", "jobType"));
      if (el && type) jobTypes.set(el, type);
    }
  }
  const history = arr(first(raw, "elements", "history", "element_history", "element_instances", "flow_node_instances"))
    .map(mapEvent)
    .filter((e): e is ElementEvent => e !== null)
    .map((e) => (e.jobType || !jobTypes.has(e.elementId) ? e : { ...e, jobType: jobTypes.get(e.elementId) ?? "" }));
  const incidentsRaw = first(raw, "incident_list", "incidentList", "incidents");
  return {
    ...base,
    offeringId: base.offeringId ?? (str(variables.offering_id) || null),
    history,
    currentElementIds: arr(first(raw, "current_element_ids", "currentElementIds")).map(str).filter(Boolean),
    variables,
    incidents: arr(incidentsRaw).map(mapIncident).filter((i): i is Incident => i !== null),
  };
}

function listOf(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (isObj(raw)) return arr(first(raw, "items", "instances", "data", "results"));
  return [];
}

export interface InstanceFilter {
  state?: string;
  offeringId?: string;
  limit?: number;
}

export async function listInstances(f: InstanceFilter = {}, signal?: AbortSignal): Promise<OpsInstance[]> {
  const raw = await request<unknown>("/ops/api/instances", {
    query: { bpmn_process_id: "offering-publication", state: f.state, offering_id: f.offeringId, limit: f.limit ?? 50 },
    signal,
  });
  return listOf(raw).map(mapInstance).filter((i): i is OpsInstance => i !== null);
}

export async function getInstance(key: string, signal?: AbortSignal): Promise<InstanceDetail> {
  const raw = await request<unknown>(`/ops/api/instances/${encodeURIComponent(key)}`, { signal });
  const d = mapInstanceDetail(raw);
  if (!d) throw new Error("The engine returned an instance the UI could not read.");
  return d;
}

export function getDefinitionXml(definitionKey: string, signal?: AbortSignal): Promise<string> {
  return request<string>(`/ops/api/definitions/${encodeURIComponent(definitionKey)}/xml`, { text: true, signal });
}

export function resolveIncident(incidentKey: string): Promise<void> {
  return request<void>(`/ops/api/incidents/${encodeURIComponent(incidentKey)}/resolve`, { method: "POST" });
}

export function cancelInstance(instanceKey: string): Promise<void> {
  return request<void>(`/ops/api/instances/${encodeURIComponent(instanceKey)}/cancel`, { method: "POST" });
}
