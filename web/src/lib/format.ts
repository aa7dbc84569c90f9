/** Formats an ISO date for tables; returns an en dash for missing values. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  return d.toLocaleDateString("en-GB", { year: "numeric", month: "short", day: "2-digit" });
}

/** Formats an ISO timestamp with time of day. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  return d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });
}

/** Formats a money amount given as a number or decimal string. */
export function formatMoney(value: number | string, currency?: string): string {
  const n = typeof value === "number" ? value : Number.parseFloat(value);
  if (!Number.isFinite(n)) return String(value);
  const amount = n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency ? `${amount} ${currency}` : amount;
}

const CHANNEL_LABELS: Record<string, string> = {
  online: "Online",
  retail: "Retail",
  partner: "Partner",
};

/** Human label for a sales channel value. */
export function channelLabel(value: string): string {
  return CHANNEL_LABELS[value.toLowerCase()] ?? value.replace(/_/g, " ").toLowerCase().replace(/^\w/, (c) => c.toUpperCase());
}
