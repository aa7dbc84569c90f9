"use client";

import { Fragment, type ReactNode } from "react";
import { inputClass } from "@/components/ui/Field";
import { Icon } from "@/components/ui/Icon";
import { Pagination } from "@/components/ui/Pagination";
import { TableSkeleton } from "@/components/ui/Skeleton";
import { EmptyState, ErrorState } from "@/components/ui/States";
import { describeError } from "@/lib/api/errors";
import { cn } from "@/lib/cn";

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
}

interface DataTableProps<T> {
  label: string;
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  columns: Column<T>[];
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  search: string;
  onSearch: (s: string) => void;
  searchPlaceholder: string;
  page: number;
  hasMore: boolean;
  onPage: (p: number) => void;
  actions?: (row: T) => ReactNode;
  expanded?: (row: T) => ReactNode | null;
  toolbar?: ReactNode;
  emptyText: string;
}

/** A paged table with a search box (filters the loaded page by the searchable text). */
export function DataTable<T>(p: DataTableProps<T>) {
  const rows = p.rows ?? [];
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <div className="relative w-full sm:w-80">
            <Icon name="search" className="pointer-events-none absolute top-1/2 left-3 h-4 w-4 -translate-y-1/2 text-slate-500" />
            <input
              type="search"
              aria-label={p.searchPlaceholder}
              placeholder={p.searchPlaceholder}
              value={p.search}
              onChange={(e) => p.onSearch(e.target.value)}
              className={cn(inputClass, "border-slate-200 bg-white pl-9")}
            />
          </div>
          {p.toolbar}
        </div>
        <p className="text-sm text-slate-600" aria-live="polite">
          {p.loading && !p.rows ? "Loading…" : `Showing ${rows.length} ${rows.length === 1 ? "entry" : "entries"} on page ${p.page}`}
        </p>
      </div>
      <div className="overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm">
        {p.error && !p.rows ? (
          <ErrorState message={describeError(p.error)} onRetry={p.onRetry} />
        ) : p.loading && !p.rows ? (
          <TableSkeleton cols={p.columns.length + (p.actions ? 1 : 0)} />
        ) : rows.length === 0 ? (
          <EmptyState title={p.emptyText} icon="search" />
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-busy={p.loading || undefined}>
              <caption className="sr-only">{p.label}</caption>
              <thead className="border-b border-slate-200 bg-slate-50 text-xs font-bold tracking-wide text-slate-600 uppercase">
                <tr>
                  {p.columns.map((c) => (
                    <th key={c.header} scope="col" className={cn("px-5 py-3", c.className)}>
                      {c.header}
                    </th>
                  ))}
                  {p.actions ? (
                    <th scope="col" className="px-5 py-3">
                      Actions
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((row) => {
                  const extra = p.expanded?.(row);
                  return (
                    <Fragment key={p.rowKey(row)}>
                      <tr className="hover:bg-slate-50/70">
                        {p.columns.map((c) => (
                          <td key={c.header} className={cn("px-5 py-3.5 align-top text-slate-800", c.className)}>
                            {c.cell(row)}
                          </td>
                        ))}
                        {p.actions ? (
                          <td className="px-5 py-2.5 align-top">
                            <div className="flex items-center gap-1">{p.actions(row)}</div>
                          </td>
                        ) : null}
                      </tr>
                      {extra ? (
                        <tr className="bg-slate-50/60">
                          <td colSpan={p.columns.length + (p.actions ? 1 : 0)} className="px-5 py-3">
                            {extra}
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {p.error && p.rows ? <p role="alert" className="border-t border-red-100 bg-red-50 px-5 py-2 text-sm text-red-800">{describeError(p.error)}</p> : null}
        <div className="border-t border-slate-100">
          <Pagination page={p.page} hasMore={p.hasMore} onPage={p.onPage} label={`${p.label} pages`} />
        </div>
      </div>
    </div>
  );
}
