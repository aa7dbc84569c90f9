/** One field-level problem reported by the API. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An HTTP failure in our error envelope form:
 * {"error":{"code","message","details":[{"field","message"}],"correlation_id"}}.
 * status 0 means the request never got an answer (network down, timeout).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: FieldProblem[];
  readonly correlationId?: string;
  readonly retryAfter?: number;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    details?: FieldProblem[];
    correlationId?: string;
    retryAfter?: number;
  }) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.correlationId = init.correlationId;
    this.retryAfter = init.retryAfter;
  }

  /** Field problems as a map field → message (first message wins). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) {
      if (d.field && !(d.field in out)) out[d.field] = d.message;
    }
    return out;
  }
}

const CODE_BY_STATUS: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  412: "PRECONDITION_FAILED",
  413: "PAYLOAD_TOO_LARGE",
  422: "VALIDATION_ERROR",
  423: "LOCKED",
  429: "RATE_LIMITED",
  500: "INTERNAL_ERROR",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

const MESSAGE_BY_STATUS: Record<number, string> = {
  401: "You need to sign in again.",
  403: "You do not have permission to do this.",
  404: "Not found.",
  409: "The request conflicts with the current state.",
  423: "This item is locked.",
  429: "Too many requests, please wait a moment.",
  503: "The service is temporarily unavailable.",
  504: "The service took too long to answer.",
};

/**
 * Turns a field path into the name our forms use: "body.name" → "name",
 * ["body","pricing_ids",0] → "pricing_ids", "/value" → "value".
 */
export function normalizeField(field: unknown): string {
  const parts = Array.isArray(field) ? field.map(String) : String(field ?? "").split(/[./[\]]+/);
  const clean = parts.filter((p) => p !== "" && p !== "body" && p !== "query" && p !== "path" && !/^\d+$/.test(p));
  return clean[0] ?? "";
}

function detailsFrom(raw: unknown): FieldProblem[] {
  if (!Array.isArray(raw)) return [];
  const out: FieldProblem[] = [];
  for (const d of raw) {
    if (!d || typeof d !== "object") continue;
    const o = d as Record<string, unknown>;
    const field = normalizeField(o.field ?? o.loc ?? o.path);
    const message = typeof o.message === "string" ? o.message : typeof o.msg === "string" ? o.msg : "";
    if (message) out.push({ field, message });
  }
  return out;
}

/** Builds an ApiError from a response status and its (possibly empty or non-JSON) body. */
export function errorFromBody(status: number, body: unknown, retryAfterHeader?: string | null): ApiError {
  const retryAfter = retryAfterHeader ? Number.parseInt(retryAfterHeader, 10) : undefined;
  const base = {
    status,
    code: CODE_BY_STATUS[status] ?? (status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST"),
    message: MESSAGE_BY_STATUS[status] ?? `Request failed (${status}).`,
    retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined,
  };
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    if (b.error && typeof b.error === "object") {
      const e = b.error as Record<string, unknown>;
      return new ApiError({
        ...base,
        code: typeof e.code === "string" ? e.code : base.code,
        message: typeof e.message === "string" && e.message ? e.message : base.message,
        details: detailsFrom(e.details),
        correlationId: typeof e.correlation_id === "string" ? e.correlation_id : undefined,
      });
    }
    // FastAPI-style {"detail": "..."} or {"detail": [{loc, msg}]}
    if (typeof b.detail === "string") return new ApiError({ ...base, message: b.detail });
    if (Array.isArray(b.detail)) {
      return new ApiError({ ...base, code: "VALIDATION_ERROR", message: "Some fields are invalid.", details: detailsFrom(b.detail) });
    }
  }
  if (typeof body === "string" && body.trim() && body.length < 300) {
    return new ApiError({ ...base, message: body.trim() });
  }
  return new ApiError(base);
}

/** A readable one-line message for any thrown value, for toasts. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return "Something went wrong.";
}
