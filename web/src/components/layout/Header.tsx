"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { Icon, type IconName } from "@/components/ui/Icon";
import { useAuth } from "@/contexts/AuthContext";
import { cn } from "@/lib/cn";

interface NavItem {
  href: string;
  label: string;
  icon: IconName;
  auth?: boolean;
  admin?: boolean;
}

const NAV: NavItem[] = [
  { href: "/builder", label: "Builder", icon: "grid", auth: true },
  { href: "/viewer", label: "Viewer", icon: "layers", auth: true },
  { href: "/store", label: "Store", icon: "bag" },
  { href: "/ops", label: "Operations", icon: "activity", admin: true },
];

export function Header() {
  const pathname = usePathname();
  const { ready, user, isAdmin, logout } = useAuth();
  const [menuOpen, setMenuOpen] = useState(false);
  const items = NAV.filter((n) => (!n.auth && !n.admin) || (ready && user && (!n.admin || isAdmin)));

  const links = (mobile: boolean) =>
    items.map((n) => {
      const active = pathname === n.href || pathname.startsWith(`${n.href}/`);
      return (
        <Link
          key={n.href}
          href={n.href}
          aria-current={active ? "page" : undefined}
          onClick={() => setMenuOpen(false)}
          className={cn(
            "inline-flex items-center gap-2 rounded-xl px-3.5 py-2 text-sm font-semibold transition-colors focus-visible:outline-2 focus-visible:outline-orange-600",
            active ? "bg-orange-100 text-orange-800" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
            mobile && "w-full",
          )}
        >
          <Icon name={n.icon} />
          {n.label}
        </Link>
      );
    });

  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur">
      <div className="mx-auto flex h-16 max-w-7xl items-center gap-4 px-4 sm:px-6">
        <Link href="/" className="flex items-center gap-2 rounded-lg focus-visible:outline-2 focus-visible:outline-orange-600" aria-label="CatalogHub home">
          <span className="rounded-lg bg-orange-600 p-1.5 text-white">
            <Icon name="box" className="h-5 w-5" />
          </span>
          <span className="text-lg font-extrabold text-slate-900">
            Catalog<span className="text-orange-600">Hub</span>
          </span>
        </Link>
        <nav aria-label="Main" className="hidden flex-1 justify-center gap-1 md:flex">
          {links(false)}
        </nav>
        <div className="ml-auto flex items-center gap-3 md:ml-0">
          {ready && user ? (
            <>
              <div className="hidden items-center gap-2 border-l border-slate-200 pl-4 sm:flex" data-testid="current-user">
                <span className="rounded-full bg-slate-100 p-2 text-slate-600">
                  <Icon name="user" />
                </span>
                <div className="leading-tight">
                  <p className="text-sm font-semibold text-slate-900">{user.username}</p>
                  <p className="text-[11px] font-bold tracking-wider text-slate-600 uppercase">{user.role === "ADMIN" ? "Administrator" : "User"}</p>
                </div>
              </div>
              <button
                type="button"
                onClick={() => logout()}
                className="rounded-lg p-2 text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-orange-600"
                aria-label="Sign out"
                title="Sign out"
              >
                <Icon name="logout" className="h-5 w-5" />
              </button>
            </>
          ) : ready ? (
            <Link href="/login" className="rounded-xl bg-orange-700 px-4 py-2 text-sm font-semibold text-white hover:bg-orange-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-600">
              Sign in
            </Link>
          ) : null}
          <button
            type="button"
            className="rounded-lg p-2 text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-orange-600 md:hidden"
            aria-expanded={menuOpen}
            aria-controls="mobile-nav"
            aria-label="Menu"
            onClick={() => setMenuOpen((o) => !o)}
          >
            <Icon name="menu" className="h-5 w-5" />
          </button>
        </div>
      </div>
      {menuOpen ? (
        <nav id="mobile-nav" aria-label="Main (mobile)" className="flex flex-col gap-1 border-t border-slate-200 px-4 py-3 md:hidden">
          {links(true)}
        </nav>
      ) : null}
    </header>
  );
}
