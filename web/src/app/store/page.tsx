import { Suspense } from "react";
import { StoreView } from "@/components/store/StoreView";

export const metadata = { title: "Store" };

export default function StorePage() {
  return (
    <Suspense>
      <StoreView />
    </Suspense>
  );
}
