"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { SelectField, TextField } from "@/components/ui/Field";
import { Icon } from "@/components/ui/Icon";
import { useToast } from "@/contexts/ToastContext";
import { characteristics, UNITS, type Characteristic, type CharacteristicInput } from "@/lib/api/catalog";
import { serverErrors } from "@/lib/forms";
import { hasErrors, validateCharacteristic, type Errors } from "@/lib/validation";
import { FormShell } from "./FormShell";

const FIELDS = ["name", "value", "unit_of_measure"] as const;
const EMPTY: CharacteristicInput = { name: "", value: "", unit_of_measure: "None" };

interface Props {
  /** When given, the form edits this characteristic instead of creating one. */
  initial?: Characteristic;
  onSaved?: (c: Characteristic) => void;
}

export function CharacteristicForm({ initial, onSaved }: Props) {
  const toast = useToast();
  const [input, setInput] = useState<CharacteristicInput>(
    initial ? { name: initial.name, value: initial.value, unit_of_measure: initial.unit_of_measure } : EMPTY,
  );
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (field: keyof CharacteristicInput, v: string) => {
    setInput((s) => ({ ...s, [field]: v }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: "" }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const payload = { ...input, name: input.name.trim(), value: input.value.trim() };
    const v = validateCharacteristic(payload);
    setErrors(v);
    if (hasErrors(v)) return;
    setBusy(true);
    try {
      const saved = initial ? await characteristics.update(initial.id, payload) : await characteristics.create(payload);
      toast.success(initial ? `Characteristic “${saved.name}” updated.` : `Characteristic “${saved.name}” created.`);
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
      label={initial ? "Edit characteristic" : "New characteristic"}
      title={initial ? undefined : "New Characteristic"}
      subtitle="Define an atomic attribute for your products"
      formError={formError}
      onSubmit={submit}
      actions={
        <Button type="submit" loading={busy} size="lg" className="w-full sm:w-auto" icon={<Icon name={initial ? "check" : "plus"} />}>
          {initial ? "Save changes" : "Create Characteristic"}
        </Button>
      }
    >
      <div className="grid gap-5 sm:grid-cols-2">
        <TextField label="Name" required placeholder="e.g. Download Speed" value={input.name} error={errors.name} maxLength={200} onChange={(e) => set("name", e.target.value)} />
        <SelectField
          label="Unit of Measure"
          required
          value={input.unit_of_measure}
          error={errors.unit_of_measure}
          options={UNITS.map((u) => ({ value: u, label: u }))}
          onChange={(e) => set("unit_of_measure", e.target.value)}
        />
      </div>
      <TextField label="Value" required placeholder="e.g. 100" value={input.value} error={errors.value} maxLength={100} onChange={(e) => set("value", e.target.value)} />
      {!initial ? (
        <p className="flex gap-3 rounded-xl bg-slate-50 px-4 py-3 text-xs text-slate-600">
          <Icon name="info" className="h-4 w-4 shrink-0" />
          Characteristics are the building blocks of the catalog: simple, atomic properties that specifications group together.
        </p>
      ) : null}
    </FormShell>
  );
}
