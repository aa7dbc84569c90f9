"use client";

import { useSearchParams } from "next/navigation";
import { tabFrom, CATALOG_TABS } from "@/components/forms/BuilderView";
import { RequireAuth } from "@/components/layout/RequireAuth";
import { PageHeader } from "@/components/ui/States";
import { LinkTabs } from "@/components/ui/Tabs";
import { CharacteristicTable } from "./CharacteristicTable";
import { OfferingTable } from "./OfferingTable";
import { PriceTable } from "./PriceTable";
import { SpecificationTable } from "./SpecificationTable";

function ViewerBody() {
  const tab = tabFrom(useSearchParams().get("tab"));
  return (
    <>
      <PageHeader icon="layers" title="Viewer" subtitle="Manage your existing product catalog entities" />
      <div className="mb-8">
        <LinkTabs tabs={CATALOG_TABS} active={tab} basePath="/viewer" label="Viewer sections" />
      </div>
      {tab === "characteristic" ? <CharacteristicTable /> : tab === "specification" ? <SpecificationTable /> : tab === "price" ? <PriceTable /> : <OfferingTable />}
    </>
  );
}

export function ViewerView() {
  return (
    <RequireAuth>
      <ViewerBody />
    </RequireAuth>
  );
}
