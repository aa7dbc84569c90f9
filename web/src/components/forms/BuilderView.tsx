"use client";

import { useSearchParams } from "next/navigation";
import { RequireAuth } from "@/components/layout/RequireAuth";
import { EmptyState, PageHeader } from "@/components/ui/States";
import { LinkTabs, type TabDef } from "@/components/ui/Tabs";
import { useAuth } from "@/contexts/AuthContext";
import { CharacteristicForm } from "./CharacteristicForm";
import { OfferingForm } from "./OfferingForm";
import { PriceForm } from "./PriceForm";
import { SpecificationForm } from "./SpecificationForm";

export const CATALOG_TABS: TabDef[] = [
  { id: "characteristic", label: "Characteristics", icon: "sliders" },
  { id: "specification", label: "Specifications", icon: "box" },
  { id: "price", label: "Pricing", icon: "dollar" },
  { id: "offering", label: "Offerings", icon: "bag" },
];

/** Reads ?tab=, accepting the original's "pricing" as an alias of "price". */
export function tabFrom(raw: string | null, fallback = "characteristic"): string {
  const t = raw === "pricing" ? "price" : raw;
  return CATALOG_TABS.some((x) => x.id === t) ? (t as string) : fallback;
}

function BuilderBody() {
  const { isAdmin } = useAuth();
  const tab = tabFrom(useSearchParams().get("tab"), isAdmin ? "characteristic" : "offering");
  const adminOnly = tab !== "offering" && !isAdmin;
  return (
    <>
      <PageHeader icon="grid" title="Builder" subtitle="Design and publish your product catalog" />
      <div className="mb-8">
        <LinkTabs tabs={CATALOG_TABS} active={tab} basePath="/builder" label="Builder sections" />
      </div>
      <div className="mx-auto max-w-3xl rounded-3xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        {adminOnly ? (
          <EmptyState title="Administrators only" icon="lock">
            Only administrators create characteristics, specifications and prices. You can draft offerings.
          </EmptyState>
        ) : tab === "characteristic" ? (
          <CharacteristicForm />
        ) : tab === "specification" ? (
          <SpecificationForm />
        ) : tab === "price" ? (
          <PriceForm />
        ) : (
          <OfferingForm />
        )}
      </div>
    </>
  );
}

export function BuilderView() {
  return (
    <RequireAuth>
      <BuilderBody />
    </RequireAuth>
  );
}
