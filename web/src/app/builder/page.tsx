import { Suspense } from "react";
import { BuilderView } from "@/components/forms/BuilderView";

export const metadata = { title: "Builder" };

export default function BuilderPage() {
  return (
    <Suspense>
      <BuilderView />
    </Suspense>
  );
}
