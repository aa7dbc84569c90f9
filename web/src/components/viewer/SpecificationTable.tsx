"use client";

import { useState } from "react";
import { SpecificationForm } from "@/components/forms/SpecificationForm";
import { IconButton } from "@/components/ui/Button";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { Icon } from "@/components/ui/Icon";
import { Modal } from "@/components/ui/Modal";
import { characteristics, specifications, type Characteristic, type Specification } from "@/lib/api/catalog";
import { formatDate } from "@/lib/format";
import { useLoader } from "@/lib/hooks";
import { DataTable } from "./DataTable";
import { useEntityTable } from "./useEntityTable";

export function describeCharacteristic(c: Characteristic): string {
  return c.unit_of_measure && c.unit_of_measure !== "None" ? `${c.name}: ${c.value} ${c.unit_of_measure}` : `${c.name}: ${c.value}`;
}

export function SpecificationTable() {
  const t = useEntityTable<Specification>(specifications.list, specifications.remove, "Specification");
  const chars = useLoader((s) => characteristics.all(s), "all-chars");
  const byId = new Map((chars.data ?? []).map((c) => [c.id, c]));
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <>
      <DataTable
        label="Specifications"
        rows={t.rows}
        rowKey={(r) => r.id}
        loading={t.data.loading}
        error={t.data.error}
        onRetry={t.data.reload}
        search={t.search}
        onSearch={t.setSearch}
        searchPlaceholder="Search specifications…"
        page={t.page}
        hasMore={t.hasMore}
        onPage={t.setPage}
        emptyText="No specifications found"
        columns={[
          {
            header: "Name",
            cell: (r) => (
              <button
                type="button"
                className="inline-flex items-center gap-1 rounded font-semibold hover:text-orange-700 focus-visible:outline-2 focus-visible:outline-orange-600"
                aria-expanded={open.has(r.id)}
                onClick={() => toggle(r.id)}
              >
                <Icon name="chevronDown" className={`h-4 w-4 transition-transform ${open.has(r.id) ? "" : "-rotate-90"}`} />
                {r.name}
              </button>
            ),
          },
          {
            header: "Characteristics",
            cell: (r) =>
              r.characteristic_ids
                .map((id) => {
                  const c = byId.get(id);
                  return c ? describeCharacteristic(c) : chars.loading ? "…" : id.slice(0, 8);
                })
                .join(", "),
          },
          { header: "Created", cell: (r) => formatDate(r.created_at) },
        ]}
        expanded={(r) =>
          open.has(r.id) ? (
            <ul className="grid gap-1 text-sm sm:grid-cols-2" aria-label={`Characteristics of ${r.name}`}>
              {r.characteristic_ids.map((id) => {
                const c = byId.get(id);
                return (
                  <li key={id} className="rounded-lg bg-white px-3 py-2 shadow-sm">
                    {c ? (
                      <>
                        <span className="font-semibold">{c.name}</span> — {c.value} {c.unit_of_measure !== "None" ? c.unit_of_measure : ""}
                      </>
                    ) : (
                      <span className="text-slate-500">Unknown characteristic {id}</span>
                    )}
                  </li>
                );
              })}
            </ul>
          ) : null
        }
        actions={
          t.isAdmin
            ? (r) => (
                <>
                  <IconButton label={`Edit ${r.name}`} onClick={() => t.setEditing(r)}>
                    <Icon name="edit" />
                  </IconButton>
                  <IconButton label={`Delete ${r.name}`} onClick={() => t.askDelete(r)}>
                    <Icon name="trash" />
                  </IconButton>
                </>
              )
            : undefined
        }
      />
      <Modal open={t.editing !== null} title="Edit specification" onClose={() => t.setEditing(null)}>
        {t.editing ? (
          <SpecificationForm
            initial={t.editing}
            onSaved={() => {
              t.setEditing(null);
              t.data.reload();
            }}
          />
        ) : null}
      </Modal>
      <ConfirmDialog
        open={t.deleting !== null}
        title="Delete specification?"
        confirmLabel="Delete"
        danger
        busy={t.busy}
        error={t.deleteError}
        onConfirm={t.confirmDelete}
        onCancel={t.cancelDelete}
      >
        <p>“{t.deleting?.name}” will be removed. A specification used by an offering cannot be deleted.</p>
      </ConfirmDialog>
    </>
  );
}
