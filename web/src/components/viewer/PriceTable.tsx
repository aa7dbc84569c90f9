"use client";

import { PriceForm } from "@/components/forms/PriceForm";
import { Badge } from "@/components/ui/Badge";
import { IconButton } from "@/components/ui/Button";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { Icon } from "@/components/ui/Icon";
import { Modal } from "@/components/ui/Modal";
import { prices, type Price } from "@/lib/api/catalog";
import { formatMoney } from "@/lib/format";
import { DataTable } from "./DataTable";
import { useEntityTable } from "./useEntityTable";

/** Lock state of a price, with the reason as a tooltip and for screen readers. */
export function LockBadge({ price }: { price: Price }) {
  return price.locked ? (
    <span title="Locked by offering publication">
      <Badge tone="amber">
        <Icon name="lock" className="h-3.5 w-3.5" />
        Locked
        <span className="sr-only"> by offering publication</span>
      </Badge>
    </span>
  ) : (
    <Badge tone="gray">
      <Icon name="unlock" className="h-3.5 w-3.5" />
      Unlocked
    </Badge>
  );
}

export function PriceTable() {
  const t = useEntityTable<Price>(prices.list, prices.remove, "Price");
  return (
    <>
      <DataTable
        label="Prices"
        rows={t.rows}
        rowKey={(r) => r.id}
        loading={t.data.loading}
        error={t.data.error}
        onRetry={t.data.reload}
        search={t.search}
        onSearch={t.setSearch}
        searchPlaceholder="Search prices…"
        page={t.page}
        hasMore={t.hasMore}
        onPage={t.setPage}
        emptyText="No prices found"
        columns={[
          { header: "Name", cell: (r) => <span className="font-semibold">{r.name}</span> },
          { header: "Amount", cell: (r) => formatMoney(r.value), className: "tabular-nums" },
          { header: "Currency", cell: (r) => r.currency },
          { header: "Unit", cell: (r) => r.unit },
          { header: "Status", cell: (r) => <LockBadge price={r} /> },
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
      <Modal open={t.editing !== null} title="Edit price" onClose={() => t.setEditing(null)}>
        {t.editing ? (
          <>
            {t.editing.locked ? (
              <p className="mb-4 rounded-xl border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
                This price is locked by an offering publication; the server will refuse changes until it is released.
              </p>
            ) : null}
            <PriceForm
              initial={t.editing}
              onSaved={() => {
                t.setEditing(null);
                t.data.reload();
              }}
            />
          </>
        ) : null}
      </Modal>
      <ConfirmDialog
        open={t.deleting !== null}
        title="Delete price?"
        confirmLabel="Delete"
        danger
        busy={t.busy}
        error={t.deleteError}
        onConfirm={t.confirmDelete}
        onCancel={t.cancelDelete}
      >
        <p>“{t.deleting?.name}” will be removed. Locked prices and prices used by offerings cannot be deleted.</p>
      </ConfirmDialog>
    </>
  );
}
