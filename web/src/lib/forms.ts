import { ApiError, describeError } from "@/lib/api/errors";
import type { Errors } from "@/lib/validation";

/**
 * Splits a failed save into field errors (shown under each field) and one form-level message.
 * Field names the form does not know are folded into the form message.
 */
export function serverErrors(err: unknown, knownFields: readonly string[]): { fields: Errors; form: string | null } {
  if (!(err instanceof ApiError)) return { fields: {}, form: describeError(err) };
  const fields: Errors = {};
  const leftovers: string[] = [];
  for (const d of err.details) {
    if (knownFields.includes(d.field)) {
      if (!fields[d.field]) fields[d.field] = d.message;
    } else {
      leftovers.push(d.field ? `${d.field}: ${d.message}` : d.message);
    }
  }
  const hasFields = Object.keys(fields).length > 0;
  const form = leftovers.length ? `${err.message} ${leftovers.join("; ")}` : hasFields ? null : err.message;
  return { fields, form };
}
