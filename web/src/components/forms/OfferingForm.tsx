"use client";

import { useState, type FormEvent } from "react";
import { StatusBadge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { TextAreaField, TextField } from "@/components/ui/Field";
import { Icon } from "@/components/ui/Icon";
import { CheckboxGroup, MultiSelect } from "@/components/ui/MultiSelect";
import { PublishProgress } from "@/components/saga/PublishProgress";
import { useAuth } from "@/contexts/AuthContext";
import { useToast } from "@/contexts/ToastContext";
import { offerings, prices, SALES_CHANNELS, specifications, type Offering, type OfferingInput } from "@/lib/api/catalog";
import { describeError } from "@/lib/api/errors";
import { channelLabel, formatMoney } from "@/lib/format";
import { serverErrors } from "@/lib/forms";
import { useLoader } from "@/lib/hooks";
import { hasErrors, validateOfferingDraft, validateOfferingPublish, type Errors } from "@/lib/validation";
import { FormShell } from "./FormShell";

const FIELDS = ["name", "description", "specification_ids", "pricing_ids", "sales_channels"] as const;
const EMPTY: OfferingInput = { name: "", description: "", specification_ids: [], pricing_ids: [], sales_channels: [] };

function inputFrom(o: Offering): OfferingInput {
  return {
    name: o.name,
    description: o.description ?? "",
    specification_ids: o.specification_ids ?? [],
    pricing_ids: o.pricing_ids ?? [],
    sales_channels: o.sales_channels ?? [],
  };
}

interface Props {
  initial?: Offering;
  onSaved?: (o: Offering) => void;
  /** Hide the publish action (e.g. in an edit modal). */
  allowPublish?: boolean;
}

/** Create or edit an offering; Save draft keeps it in DRAFT, Publish starts the saga and shows its progress. */
export function OfferingForm({ initial, onSaved, allowPublish = true }: Props) {
  const toast = useToast();
  const { isAdmin } = useAuth();
  const specs = useLoader((s) => specifications.all(s), "specs");
  const priceList = useLoader((s) => prices.all(s), "prices");
  const [saved, setSaved] = useState<Offering | undefined>(initial);
  const [input, setInput] = useState<OfferingInput>(initial ? inputFrom(initial) : EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<"draft" | "publish" | null>(null);
  const [publishing, setPublishing] = useState<string | null>(null);

  const update = <K extends keyof OfferingInput>(field: K, v: OfferingInput[K]) => {
    setInput((s) => ({ ...s, [field]: v }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: "" }));
  };

  const payload = (): OfferingInput => ({
    ...input,
    name: input.name.trim(),
    description: input.description?.trim() ? input.description.trim() : null,
  });

  const save = async (p: OfferingInput): Promise<Offering> => {
    const o = saved ? await offerings.update(saved.id, p) : await offerings.create(p);
    setSaved(o);
    onSaved?.(o);
    return o;
  };

  const fail = (err: unknown) => {
    const s = serverErrors(err, FIELDS);
    setErrors(s.fields);
    setFormError(s.form);
    toast.error(s.form ?? "Please fix the highlighted fields.");
  };

  const saveDraft = async (e?: FormEvent) => {
    e?.preventDefault();
    setFormError(null);
    const p = payload();
    const v = validateOfferingDraft(p);
    setErrors(v);
    if (hasErrors(v)) return;
    setBusy("draft");
    try {
      const o = await save(p);
      toast.success(`Draft “${o.name}” saved.`);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const publish = async () => {
    setFormError(null);
    const p = payload();
    const v = validateOfferingPublish(p);
    setErrors(v);
    if (hasErrors(v)) return;
    setBusy("publish");
    try {
      const o = await save(p);
      const started = await offerings.publish(o.id);
      setSaved((s) => (s ? { ...s, lifecycle_status: started?.lifecycle_status ?? "PUBLISHING" } : s));
      setPublishing(o.id);
      toast.info("Publication started.");
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const reset = () => {
    setSaved(undefined);
    setInput(EMPTY);
    setPublishing(null);
    setErrors({});
    setFormError(null);
  };

  const status = saved?.lifecycle_status ?? "DRAFT";
  const editable = status === "DRAFT";
  const specOptions = (specs.data ?? []).map((s) => ({ value: s.id, label: s.name, hint: `${s.characteristic_ids.length} characteristic(s)` }));
  const priceOptions = (priceList.data ?? []).map((p) => ({
    value: p.id,
    label: p.name,
    hint: `${formatMoney(p.value, p.currency)} ${p.unit}${p.locked ? " · locked" : ""}`,
  }));

  return (
    <div className="flex flex-col gap-6">
      <FormShell
        label={initial ? "Edit offering" : "New offering"}
        title={initial ? undefined : "New Product Offering"}
        subtitle="Bundle specifications and prices, choose where it is sold"
        formError={formError}
        onSubmit={saveDraft}
        actions={
          <>
            {!initial && saved ? (
              <Button variant="ghost" onClick={reset}>
                Start a new offering
              </Button>
            ) : null}
            <Button type="submit" variant="secondary" loading={busy === "draft"} disabled={!editable || busy !== null}>
              Save draft
            </Button>
            {allowPublish && isAdmin ? (
              <Button onClick={publish} loading={busy === "publish"} disabled={!editable || busy !== null} icon={<Icon name="send" />}>
                Publish
              </Button>
            ) : null}
          </>
        }
      >
        <div className="flex items-center gap-2 text-sm text-slate-700">
          Lifecycle status: <StatusBadge status={status} />
          {saved && !initial ? <span className="text-xs text-slate-500">id {saved.id}</span> : null}
        </div>
        <TextField label="Name" required placeholder="e.g. Fiber Home 100" value={input.name} error={errors.name} disabled={!editable} onChange={(e) => update("name", e.target.value)} />
        <TextAreaField
          label="Description"
          placeholder="What the customer gets"
          value={input.description ?? ""}
          error={errors.description}
          disabled={!editable}
          onChange={(e) => update("description", e.target.value)}
        />
        <MultiSelect
          label="Specifications"
          placeholder="Search specifications…"
          options={specOptions}
          loading={specs.loading && !specs.data}
          value={input.specification_ids}
          error={errors.specification_ids || (specs.error ? `Could not load specifications: ${describeError(specs.error)}` : undefined)}
          onChange={(v) => update("specification_ids", v)}
        />
        <MultiSelect
          label="Prices"
          placeholder="Search prices…"
          options={priceOptions}
          loading={priceList.loading && !priceList.data}
          value={input.pricing_ids}
          error={errors.pricing_ids || (priceList.error ? `Could not load prices: ${describeError(priceList.error)}` : undefined)}
          onChange={(v) => update("pricing_ids", v)}
        />
        <CheckboxGroup
          label="Sales channels"
          options={SALES_CHANNELS.map((c) => ({ value: c, label: channelLabel(c) }))}
          value={input.sales_channels}
          error={errors.sales_channels}
          onChange={(v) => update("sales_channels", v)}
        />
      </FormShell>
      {publishing ? (
        <PublishProgress
          offeringId={publishing}
          onFinished={(outcome, o) => {
            setSaved(o);
            onSaved?.(o);
            if (outcome === "published") toast.success(`“${o.name}” is published.`);
            else toast.error(`Publication of “${o.name}” failed${o.failure_reason ? `: ${o.failure_reason}` : "."}`);
          }}
        />
      ) : null}
    </div>
  );
}
