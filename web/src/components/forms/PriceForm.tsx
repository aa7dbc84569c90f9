"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { SelectField, TextField } from "@/components/ui/Field";
import { Icon } from "@/components/ui/Icon";
import { useToast } from "@/contexts/ToastContext";
import { CURRENCIES, prices, type Price, type PriceInput } from "@/lib/api/catalog";
import { serverErrors } from "@/lib/forms";
import { hasErrors, validatePrice, type Errors } from "@/lib/validation";
import { FormShell } from "./FormShell";

const FIELDS = ["name", "value", "unit", "currency"] as const;
const EMPTY: PriceInput = { name: "", value: "", unit: "per month", currency: "USD" };

export function PriceForm({ initial, onSaved }: { initial?: Price; onSaved?: (p: Price) => void }) {
  const toast = useToast();
  const [input, setInput] = useState<PriceInput>(
    initial ? { name: initial.name, value: String(initial.value), unit: initial.unit, currency: initial.currency } : EMPTY,
  );
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (field: keyof PriceInput, v: string) => {
    setInput((s) => ({ ...s, [field]: v }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: "" }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const payload = { ...input, name: input.name.trim(), value: input.value.trim(), unit: input.unit.trim() };
    const v = validatePrice(payload);
    setErrors(v);
    if (hasErrors(v)) return;
    setBusy(true);
    try {
      const saved = initial ? await prices.update(initial.id, payload) : await prices.create(payload);
      toast.success(initial ? `Price “${saved.name}” updated.` : `Price “${saved.name}” created.`);
      if (!initial) setInput(EMPTY);
      onSaved?.(saved);
    } catch (err) {
      const s = serverErrors(err, FIELDS);
      setErrors(s.fields);
      setFormError(s.form);
      toast.error(s.form ?? "Please fix the highlighted fields.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormShell
      label={initial ? "Edit price" : "New price"}
      title={initial ? undefined : "New Price"}
      subtitle="An amount, a currency and a billing unit"
      formError={formError}
      onSubmit={submit}
      actions={
        <Button type="submit" loading={busy} size="lg" className="w-full sm:w-auto" icon={<Icon name={initial ? "check" : "plus"} />}>
          {initial ? "Save changes" : "Create Price"}
        </Button>
      }
    >
      <TextField label="Name" required placeholder="e.g. Monthly fee" value={input.name} error={errors.name} onChange={(e) => set("name", e.target.value)} />
      <div className="grid gap-5 sm:grid-cols-3">
        <TextField
          label="Amount"
          required
          inputMode="decimal"
          placeholder="29.99"
          hint="Up to 2 decimals"
          value={input.value}
          error={errors.value}
          onChange={(e) => set("value", e.target.value.replace(",", "."))}
        />
        <SelectField label="Currency" required value={input.currency} error={errors.currency} options={CURRENCIES.map((c) => ({ value: c, label: c }))} onChange={(e) => set("currency", e.target.value)} />
        <TextField label="Billing unit" required placeholder="per month" value={input.unit} error={errors.unit} onChange={(e) => set("unit", e.target.value)} />
      </div>
    </FormShell>
  );
}
