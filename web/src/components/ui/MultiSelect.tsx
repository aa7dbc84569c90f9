"use client";

import { useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { cn } from "@/lib/cn";
import { inputClass } from "./Field";
import { Icon } from "./Icon";
import { Spinner } from "./Spinner";

export interface Option {
  value: string;
  label: string;
  hint?: string;
}

interface MultiSelectProps {
  label: string;
  options: Option[];
  value: string[];
  onChange: (value: string[]) => void;
  placeholder?: string;
  error?: string;
  loading?: boolean;
  required?: boolean;
  emptyText?: string;
}

/**
 * A searchable multi-select (ARIA combobox + listbox). Type to filter, arrows to move,
 * Enter to toggle, Backspace on an empty search removes the last chip.
 */
export function MultiSelect({ label, options, value, onChange, placeholder = "Search…", error, loading, required, emptyText = "No matches" }: MultiSelectProps) {
  const id = useId();
  const listId = `${id}-list`;
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  const byValue = useMemo(() => new Map(options.map((o) => [o.value, o])), [options]);
  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? options.filter((o) => `${o.label} ${o.hint ?? ""}`.toLowerCase().includes(q)) : options;
  }, [options, query]);

  const toggle = (v: string) => {
    onChange(value.includes(v) ? value.filter((x) => x !== v) : [...value, v]);
    if (query) {
      setQuery("");
      setActive(0);
    }
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, filtered.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === "Enter") {
      if (open && filtered[active]) {
        e.preventDefault();
        toggle(filtered[active].value);
      }
    } else if (e.key === "Escape") {
      setOpen(false);
    } else if (e.key === "Backspace" && query === "" && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  };

  const activeId = open && filtered[active] ? `${id}-opt-${active}` : undefined;

  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-semibold text-slate-800">
        {label}
        {required ? <span className="text-red-700" aria-hidden="true"> *</span> : null}
      </label>
      {value.length > 0 ? (
        <ul className="flex flex-wrap gap-2" aria-label={`Selected ${label.toLowerCase()}`}>
          {value.map((v) => {
            const o = byValue.get(v);
            const text = o ? o.label : v.slice(0, 8);
            return (
              <li key={v} className="inline-flex items-center gap-1 rounded-full border border-orange-200 bg-orange-50 py-1 pr-1 pl-3 text-sm text-orange-900">
                {text}
                <button
                  type="button"
                  onClick={() => toggle(v)}
                  aria-label={`Remove ${text}`}
                  className="rounded-full p-0.5 hover:bg-orange-100 focus-visible:outline-2 focus-visible:outline-orange-600"
                >
                  <Icon name="x" className="h-3.5 w-3.5" />
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      <div className="relative">
        <input
          ref={input}
          id={id}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeId}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className={cn(inputClass, "pr-9", error ? "border-red-500" : "border-slate-200")}
          placeholder={placeholder}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={onKey}
          autoComplete="off"
        />
        <span className="pointer-events-none absolute top-1/2 right-3 -translate-y-1/2 text-slate-500">
          {loading ? <Spinner /> : <Icon name="chevronDown" />}
        </span>
        {open ? (
          <ul
            id={listId}
            role="listbox"
            aria-multiselectable="true"
            aria-label={label}
            className="absolute z-30 mt-1 max-h-60 w-full overflow-y-auto rounded-xl border border-slate-200 bg-white py-1 shadow-lg"
          >
            {loading ? <li className="px-3 py-2 text-sm text-slate-600">Loading…</li> : null}
            {!loading && filtered.length === 0 ? <li className="px-3 py-2 text-sm text-slate-600">{emptyText}</li> : null}
            {filtered.map((o, i) => {
              const selected = value.includes(o.value);
              return (
                <li
                  key={o.value}
                  id={`${id}-opt-${i}`}
                  role="option"
                  aria-selected={selected}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    toggle(o.value);
                  }}
                  onMouseEnter={() => setActive(i)}
                  className={cn(
                    "flex cursor-pointer items-center justify-between gap-2 px-3 py-2 text-sm",
                    i === active ? "bg-orange-50" : "",
                    selected ? "font-semibold text-orange-800" : "text-slate-800",
                  )}
                >
                  <span>
                    {o.label}
                    {o.hint ? <span className="ml-2 text-slate-500">{o.hint}</span> : null}
                  </span>
                  {selected ? <Icon name="check" /> : null}
                </li>
              );
            })}
          </ul>
        ) : null}
      </div>
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A group of checkboxes (sales channels and similar short lists). */
export function CheckboxGroup({
  label,
  options,
  value,
  onChange,
  error,
}: {
  label: string;
  options: Option[];
  value: string[];
  onChange: (v: string[]) => void;
  error?: string;
}) {
  const id = useId();
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="mb-1.5 text-sm font-semibold text-slate-800">{label}</legend>
      <div className="flex flex-wrap gap-2">
        {options.map((o) => {
          const checked = value.includes(o.value);
          return (
            <label
              key={o.value}
              className={cn(
                "inline-flex cursor-pointer items-center gap-2 rounded-xl border px-3 py-2 text-sm font-medium has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-orange-600",
                checked ? "border-orange-400 bg-orange-50 text-orange-900" : "border-slate-200 bg-white text-slate-800",
              )}
            >
              <input
                type="checkbox"
                className="h-4 w-4 accent-orange-600"
                checked={checked}
                onChange={() => onChange(checked ? value.filter((x) => x !== o.value) : [...value, o.value])}
              />
              {o.label}
            </label>
          );
        })}
      </div>
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
