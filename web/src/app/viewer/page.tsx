import { Suspense } from "react";
import { ViewerView } from "@/components/viewer/ViewerView";

export const metadata = { title: "Viewer" };

export default function ViewerPage() {
  return (
    <Suspense>
      <ViewerView />
    </Suspense>
  );
}
