import type { FormEvent, ReactNode } from "react";
import { Icon, type IconName } from "@/components/ui/Icon";

interface FormShellProps {
  title?: string;
  subtitle?: string;
  icon?: IconName;
  formError?: string | null;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
  actions: ReactNode;
  label: string;
}

/** Common frame of the builder forms: heading, fields, a form-level error, actions. */
export function FormShell({ title, subtitle, icon = "plus", formError, onSubmit, children, actions, label }: FormShellProps) {
  return (
    <form noValidate aria-label={label} onSubmit={onSubmit} className="flex flex-col gap-5">
      {title ? (
        <div className="flex items-center gap-3">
          <span className="rounded-xl bg-orange-50 p-2.5 text-orange-600">
            <Icon name={icon} className="h-5 w-5" />
          </span>
          <div>
            <h2 className="text-xl font-bold text-slate-900">{title}</h2>
            {subtitle ? <p className="text-sm text-slate-600">{subtitle}</p> : null}
          </div>
        </div>
      ) : null}
      {children}
      {formError ? (
        <p role="alert" className="rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          {formError}
        </p>
      ) : null}
      <div className="flex flex-wrap justify-end gap-3">{actions}</div>
    </form>
  );
}
