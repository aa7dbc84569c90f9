"use client";

import { useState } from "react";
import { OfferingForm } from "@/components/forms/OfferingForm";
import { PublishProgress } from "@/components/saga/PublishProgress";
import { StatusBadge } from "@/components/ui/Badge";
import { IconButton } from "@/components/ui/Button";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { inputClass } from "@/components/ui/Field";
import { Icon } from "@/components/ui/Icon";
import { Modal } from "@/components/ui/Modal";
import { useToast } from "@/contexts/ToastContext";
import { LIFECYCLE_STATUSES, offerings, type Offering } from "@/lib/api/catalog";
import { ApiError, describeError } from "@/lib/api/errors";
import { formatDate } from "@/lib/format";
import { DataTable } from "./DataTable";
import { OfferingDetail } from "./OfferingDetail";
import { useEntityTable } from "./useEntityTable";

export function OfferingTable() {
  const toast = useToast();
  const [status, setStatus] = useState("");
  const t = useEntityTable<Offering>(offerings.list, offerings.remove, "Offering", status);
  const [viewing, setViewing] = useState<Offering | null>(null);
  const [publishing, setPublishing] = useState<Offering | null>(null);
  const [retiring, setRetiring] = useState<Offering | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const publish = async (o: Offering) => {
    try {
      await offerings.publish(o.id);
      setPublishing(o);
      t.data.reload();
    } catch (err) {
      toast.error(`Cannot publish “${o.name}”: ${describeError(err)}`);
    }
  };

  const retire = async () => {
    if (!retiring) return;
    setBusy(true);
    setActionError(null);
    try {
      await offerings.retire(retiring.id);
      toast.success(`“${retiring.name}” retired; it leaves the store shortly.`);
      setRetiring(null);
      t.data.reload();
    } catch (err) {
      const msg = err instanceof ApiError ? `The server refused: ${err.message}` : describeError(err);
      setActionError(msg);
      toast.error(msg);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <DataTable
        label="Offerings"
        rows={t.rows}
        rowKey={(r) => r.id}
        loading={t.data.loading}
        error={t.data.error}
        onRetry={t.data.reload}
        search={t.search}
        onSearch={t.setSearch}
        searchPlaceholder="Search offerings…"
        page={t.page}
        hasMore={t.hasMore}
        onPage={t.setPage}
        emptyText="No offerings found"
        toolbar={
          <label className="flex items-center gap-2 text-sm font-semibold text-slate-700">
            Status
            <select
              className={`${inputClass} w-auto border-slate-200 bg-white py-2`}
              value={status}
              onChange={(e) => {
                setStatus(e.target.value);
                t.setPage(1);
              }}
            >
              <option value="">All</option>
              {LIFECYCLE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s.charAt(0) + s.slice(1).toLowerCase()}
                </option>
              ))}
            </select>
          </label>
        }
        columns={[
          { header: "Name", cell: (r) => <span className="font-semibold">{r.name}</span> },
          { header: "Status", cell: (r) => <StatusBadge status={r.lifecycle_status} /> },
          { header: "Created", cell: (r) => formatDate(r.created_at) },
          { header: "Published", cell: (r) => formatDate(r.published_at) },
        ]}
        actions={(r) => (
          <>
            <IconButton label={`View ${r.name}`} onClick={() => setViewing(r)}>
              <Icon name="eye" />
            </IconButton>
            {r.lifecycle_status === "DRAFT" && t.isAdmin ? (
              <IconButton label={`Publish ${r.name}`} onClick={() => publish(r)}>
                <Icon name="send" />
              </IconButton>
            ) : null}
            {r.lifecycle_status === "DRAFT" ? (
              <IconButton label={`Edit ${r.name}`} onClick={() => t.setEditing(r)}>
                <Icon name="edit" />
              </IconButton>
            ) : null}
            {r.lifecycle_status === "DRAFT" && t.isAdmin ? (
              <IconButton label={`Delete ${r.name}`} onClick={() => t.askDelete(r)}>
                <Icon name="trash" />
              </IconButton>
            ) : null}
            {r.lifecycle_status === "PUBLISHING" ? (
              <IconButton label={`Watch publication of ${r.name}`} onClick={() => setPublishing(r)}>
                <Icon name="activity" />
              </IconButton>
            ) : null}
            {r.lifecycle_status === "PUBLISHED" && t.isAdmin ? (
              <IconButton
                label={`Retire ${r.name}`}
                onClick={() => {
                  setActionError(null);
                  setRetiring(r);
                }}
              >
                <Icon name="archive" />
              </IconButton>
            ) : null}
          </>
        )}
      />
      <Modal open={viewing !== null} title={viewing?.name ?? "Offering"} size="lg" onClose={() => setViewing(null)}>
        {viewing ? <OfferingDetail offering={viewing} /> : null}
      </Modal>
      <Modal open={t.editing !== null} title="Edit offering" size="lg" onClose={() => t.setEditing(null)}>
        {t.editing ? (
          <OfferingForm
            initial={t.editing}
            allowPublish={false}
            onSaved={() => {
              t.setEditing(null);
              t.data.reload();
            }}
          />
        ) : null}
      </Modal>
      <Modal open={publishing !== null} title="Publishing" size="lg" onClose={() => setPublishing(null)}>
        {publishing ? (
          <PublishProgress
            offeringId={publishing.id}
            onFinished={(outcome, o) => {
              t.data.reload();
              if (outcome === "published") toast.success(`“${o.name}” is published.`);
              else toast.error(`Publication of “${o.name}” failed${o.failure_reason ? `: ${o.failure_reason}` : "."}`);
            }}
          />
        ) : null}
      </Modal>
      <ConfirmDialog
        open={retiring !== null}
        title="Retire offering?"
        confirmLabel="Retire"
        danger
        busy={busy}
        error={actionError}
        onConfirm={retire}
        onCancel={() => setRetiring(null)}
      >
        <p>“{retiring?.name}” will be withdrawn from the store. Retiring cannot be undone.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={t.deleting !== null}
        title="Delete offering?"
        confirmLabel="Delete"
        danger
        busy={t.busy}
        error={t.deleteError}
        onConfirm={t.confirmDelete}
        onCancel={t.cancelDelete}
      >
        <p>The draft “{t.deleting?.name}” will be removed.</p>
      </ConfirmDialog>
    </>
  );
}
