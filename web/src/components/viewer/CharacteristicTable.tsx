"use client";

import { CharacteristicForm } from "@/components/forms/CharacteristicForm";
import { IconButton } from "@/components/ui/Button";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { Icon } from "@/components/ui/Icon";
import { Modal } from "@/components/ui/Modal";
import { characteristics, type Characteristic } from "@/lib/api/catalog";
import { formatDate } from "@/lib/format";
import { DataTable } from "./DataTable";
import { useEntityTable } from "./useEntityTable";

export function CharacteristicTable() {
  const t = useEntityTable<Characteristic>(characteristics.list, characteristics.remove, "Characteristic");
  return (
    <>
      <DataTable
        label="Characteristics"
        rows={t.rows}
        rowKey={(r) => r.id}
        loading={t.data.loading}
        error={t.data.error}
        onRetry={t.data.reload}
        search={t.search}
        onSearch={t.setSearch}
        searchPlaceholder="Search characteristics…"
        page={t.page}
        hasMore={t.hasMore}
        onPage={t.setPage}
        emptyText="No characteristics found"
        columns={[
          { header: "Name", cell: (r) => <span className="font-semibold">{r.name}</span> },
          { header: "Value", cell: (r) => r.value },
          { header: "Unit", cell: (r) => r.unit_of_measure },
          { header: "Created", cell: (r) => formatDate(r.created_at) },
        ]}
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
      <Modal open={t.editing !== null} title="Edit characteristic" onClose={() => t.setEditing(null)}>
        {t.editing ? (
          <CharacteristicForm
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
        title="Delete characteristic?"
        confirmLabel="Delete"
        danger
        busy={t.busy}
        error={t.deleteError}
        onConfirm={t.confirmDelete}
        onCancel={t.cancelDelete}
      >
        <p>
          “{t.deleting?.name}” will be removed. A characteristic used by a specification cannot be deleted.
        </p>
      </ConfirmDialog>
    </>
  );
}
