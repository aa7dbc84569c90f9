"use client";

import { useState } from "react";
import { useAuth } from "@/contexts/AuthContext";
import { useToast } from "@/contexts/ToastContext";
import type { Page, PageParams } from "@/lib/api/catalog";
import { ApiError, describeError } from "@/lib/api/errors";
import { useLoader } from "@/lib/hooks";

export const PAGE_SIZE = 20;

/** Paging, search, and the delete-with-confirmation flow shared by the viewer tables. */
export function useEntityTable<T extends { id: string; name: string }>(
  list: (p: PageParams, signal: AbortSignal) => Promise<Page<T>>,
  remove: (id: string) => Promise<void>,
  kind: string,
  filter = "",
) {
  const toast = useToast();
  const { isAdmin } = useAuth();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState("");
  const data = useLoader(
    (signal) => list({ skip: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE, status: filter || undefined }, signal),
    `${kind}:${page}:${filter}`,
  );
  const [editing, setEditing] = useState<T | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const q = search.trim().toLowerCase();
  const rows = data.data?.items.filter((r) => !q || r.name.toLowerCase().includes(q));

  const confirmDelete = async () => {
    if (!deleting) return;
    setBusy(true);
    setDeleteError(null);
    try {
      await remove(deleting.id);
      toast.success(`${kind} “${deleting.name}” deleted.`);
      setDeleting(null);
      data.reload();
    } catch (err) {
      const reason =
        err instanceof ApiError && (err.status === 409 || err.status === 423 || err.status === 400)
          ? `The server refused: ${err.message}`
          : describeError(err);
      setDeleteError(reason);
      toast.error(reason);
    } finally {
      setBusy(false);
    }
  };

  return {
    isAdmin,
    page,
    setPage,
    search,
    setSearch,
    data,
    rows,
    hasMore: data.data?.hasMore ?? false,
    editing,
    setEditing,
    deleting,
    askDelete: (row: T) => {
      setDeleteError(null);
      setDeleting(row);
    },
    cancelDelete: () => setDeleting(null),
    confirmDelete,
    deleteError,
    busy,
  };
}
