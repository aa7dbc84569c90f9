import type { ReactNode } from "react";
import { Button } from "./Button";
import { Icon, type IconName } from "./Icon";

export function EmptyState({ title, children, icon = "box" }: { title: string; children?: ReactNode; icon?: IconName }) {
  return (
    <div className="flex flex-col items-center gap-3 px-6 py-14 text-center">
      <span className="rounded-2xl bg-orange-50 p-3 text-orange-600">
        <Icon name={icon} className="h-6 w-6" />
      </span>
      <h3 className="text-base font-bold text-slate-900">{title}</h3>
      {children ? <div className="max-w-md text-sm text-slate-600">{children}</div> : null}
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div role="alert" className="flex flex-col items-center gap-3 px-6 py-12 text-center">
      <span className="rounded-2xl bg-red-50 p-3 text-red-700">
        <Icon name="alert" className="h-6 w-6" />
      </span>
      <p className="max-w-md text-sm text-slate-700">{message}</p>
      {onRetry ? (
        <Button variant="secondary" size="sm" onClick={onRetry} icon={<Icon name="refresh" />}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

export function PageHeader({ icon, title, subtitle, aside }: { icon: IconName; title: string; subtitle: string; aside?: ReactNode }) {
  return (
    <div className="mb-8 flex flex-wrap items-end justify-between gap-4">
      <div className="flex items-center gap-4">
        <span className="rounded-2xl bg-orange-100 p-3 text-orange-700 shadow-sm">
          <Icon name={icon} className="h-7 w-7" />
        </span>
        <div>
          <h1 className="text-3xl font-extrabold tracking-tight text-slate-900">{title}</h1>
          <p className="text-slate-600">{subtitle}</p>
        </div>
      </div>
      {aside}
    </div>
  );
}

export function Card({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <div className={`rounded-2xl border border-slate-200 bg-white shadow-sm ${className}`}>{children}</div>;
}
