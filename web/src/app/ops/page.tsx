import { Suspense } from "react";
import { OpsView } from "@/components/ops/OpsView";

export const metadata = { title: "Operations" };

export default function OpsPage() {
  return (
    <Suspense>
      <OpsView />
    </Suspense>
  );
}
