import { StoreOfferingDetail } from "@/components/store/StoreOfferingDetail";

export const metadata = { title: "Offering" };

export default async function StoreOfferingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <StoreOfferingDetail id={id} />;
}
