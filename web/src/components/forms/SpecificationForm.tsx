"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { TextField } from "@/components/ui/Field";
import { Icon } from "@/components/ui/Icon";
import { MultiSelect } from "@/components/ui/MultiSelect";
import { useToast } from "@/contexts/ToastContext";
import { characteristics, specifications, type Specification, type SpecificationInput } from "@/lib/api/catalog";
import { describeError } from "@/lib/api/errors";
import { serverErrors } from "@/lib/forms";
import { useLoader } from "@/lib/hooks";
import { hasErrors, validateSpecification, type Errors } from "@/lib/validation";
import { FormShell } from "./FormShell";

const FIELDS = ["name", "characteristic_ids"] as const;
const EMPTY: SpecificationInput = { name: "", characteristic_ids: [] };

export function SpecificationForm({ initial, onSaved }: { initial?: Specification; onSaved?: (s: Specification) => void }) {
  const toast = useToast();
  const chars = useLoader((signal) => characteristics.all(signal), "chars");
  const [input, setInput] = useState<SpecificationInput>(initial ? { name: initial.name, characteristic_ids: initial.characteristic_ids } : EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const options = (chars.data ?? []).map((c) => ({
    value: c.id,
    label: c.name,
    hint: c.unit_of_measure && c.unit_of_measure !== "None" ? `${c.value} ${c.unit_of_measure}` : c.value,
  }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const payload = { ...input, name: input.name.trim() };
    const v = validateSpecification(payload);
    setErrors(v);
    if (hasErrors(v)) return;
    setBusy(true);
    try {
      const saved = initial ? await specifications.update(initial.id, payload) : await specifications.create(payload);
      toast.success(initial ? `Specification “${saved.name}” updated.` : `Specification “${saved.name}” created.`);
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
      label={initial ? "Edit specification" : "New specification"}
      title={initial ? undefined : "New Specification"}
      subtitle="Group characteristics into a technical specification"
      formError={formError}
      onSubmit={submit}
      actions={
        <Button type="submit" loading={busy} size="lg" className="w-full sm:w-auto" icon={<Icon name={initial ? "check" : "plus"} />}>
          {initial ? "Save changes" : "Create Specification"}
        </Button>
      }
    >
      <TextField
        label="Name"
        required
        placeholder="e.g. Fiber 100"
        value={input.name}
        error={errors.name}
        onChange={(e) => {
          setInput((s) => ({ ...s, name: e.target.value }));
          setErrors((x) => ({ ...x, name: "" }));
        }}
      />
      <MultiSelect
        label="Characteristics"
        required
        placeholder="Search characteristics…"
        options={options}
        loading={chars.loading && !chars.data}
        value={input.characteristic_ids}
        error={errors.characteristic_ids || (chars.error ? `Could not load characteristics: ${describeError(chars.error)}` : undefined)}
        emptyText={options.length === 0 ? "No characteristics yet — create one first." : "No matches"}
        onChange={(ids) => {
          setInput((s) => ({ ...s, characteristic_ids: ids }));
          setErrors((x) => ({ ...x, characteristic_ids: "" }));
        }}
      />
    </FormShell>
  );
}
