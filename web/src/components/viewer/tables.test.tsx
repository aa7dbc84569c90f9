import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { envelope, mockFetch } from "@/test/fetchMock";
import { renderApp } from "@/test/render";
import { CharacteristicTable } from "./CharacteristicTable";
import { OfferingTable } from "./OfferingTable";
import { PriceTable } from "./PriceTable";

const now = "2026-01-01T00:00:00Z";
const char = (i: number) => ({ id: `c${i}`, name: `Char ${i}`, value: String(i), unit_of_measure: "GB", created_at: now, updated_at: now });

describe("CharacteristicTable", () => {
  it("pages with skip/limit and asks for one extra row to know about the next page", async () => {
    const f = mockFetch().on("GET", /characteristics/, (c) => {
      const skip = Number(c.url.searchParams.get("skip"));
      const limit = Number(c.url.searchParams.get("limit"));
      const all = Array.from({ length: 25 }, (_, i) => char(i + 1));
      return { body: all.slice(skip, skip + limit) };
    });
    renderApp(<CharacteristicTable />);
    expect(await screen.findByText("Char 1")).toBeInTheDocument();
    expect(screen.queryByText("Char 21")).not.toBeInTheDocument();
    expect(f.calls[0]!.url.searchParams.get("limit")).toBe("21");
    await userEvent.click(screen.getByRole("button", { name: /next/i }));
    expect(await screen.findByText("Char 21")).toBeInTheDocument();
    expect(f.calls.at(-1)!.url.searchParams.get("skip")).toBe("20");
    expect(screen.getByRole("button", { name: /next/i })).toBeDisabled();
  });

  it("filters the page by the search box", async () => {
    mockFetch().on("GET", /characteristics/, { body: [char(1), { ...char(2), name: "Latency" }] });
    renderApp(<CharacteristicTable />);
    await screen.findByText("Latency");
    await userEvent.type(screen.getByRole("searchbox"), "lat");
    expect(screen.queryByText("Char 1")).not.toBeInTheDocument();
    expect(screen.getByText("Latency")).toBeInTheDocument();
  });

  it("shows the server's reason when a delete is refused with 409", async () => {
    const f = mockFetch()
      .on("GET", /characteristics/, { body: [char(1)] })
      .on("DELETE", /characteristics\/c1/, envelope(409, "CONFLICT", "characteristic is used by 2 specifications"));
    renderApp(<CharacteristicTable />);
    await userEvent.click(await screen.findByRole("button", { name: "Delete Char 1" }));
    const dialog = screen.getByRole("dialog", { name: /delete characteristic/i });
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(await within(dialog).findByText(/used by 2 specifications/)).toBeInTheDocument();
    expect(f.callsTo("DELETE", /c1/)).toHaveLength(1);
  });

  it("edits in a modal and reloads", async () => {
    const f = mockFetch()
      .on("GET", /characteristics/, { body: [char(1)] })
      .on("PUT", /characteristics\/c1/, (c) => ({ body: { ...char(1), ...(c.body as object) } }));
    renderApp(<CharacteristicTable />);
    await userEvent.click(await screen.findByRole("button", { name: "Edit Char 1" }));
    const dialog = screen.getByRole("dialog", { name: /edit characteristic/i });
    const value = within(dialog).getByLabelText(/^value/i);
    await userEvent.clear(value);
    await userEvent.type(value, "512");
    await userEvent.click(within(dialog).getByRole("button", { name: /save changes/i }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(f.callsTo("PUT", /c1/)[0]!.body).toEqual({ name: "Char 1", value: "512", unit_of_measure: "GB" });
    expect(f.callsTo("GET", /characteristics/).length).toBeGreaterThanOrEqual(2);
  });

  it("hides edit and delete from a USER", async () => {
    mockFetch().on("GET", /characteristics/, { body: [char(1)] });
    renderApp(<CharacteristicTable />, "USER");
    await screen.findByText("Char 1");
    expect(screen.queryByRole("button", { name: /delete/i })).not.toBeInTheDocument();
  });
});

describe("PriceTable", () => {
  it("shows lock badges and the 423 reason on delete", async () => {
    mockFetch()
      .on("GET", /prices/, {
        body: [
          { id: "p1", name: "Locked fee", value: "10.00", unit: "per month", currency: "USD", locked: true, locked_by_saga_id: "s", created_at: now, updated_at: now },
          { id: "p2", name: "Free fee", value: "5", unit: "once", currency: "EUR", locked: false, locked_by_saga_id: null, created_at: now, updated_at: now },
        ],
      })
      .on("DELETE", /prices\/p1/, envelope(423, "LOCKED", "price is locked by a publication"));
    renderApp(<PriceTable />);
    const row = (await screen.findByText("Locked fee")).closest("tr")!;
    expect(within(row).getByText("Locked")).toBeInTheDocument();
    expect(within(row).getByTitle("Locked by offering publication")).toBeInTheDocument();
    expect(within(screen.getByText("Free fee").closest("tr")!).getByText("Unlocked")).toBeInTheDocument();
    await userEvent.click(within(row).getByRole("button", { name: "Delete Locked fee" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete" }));
    expect(await within(screen.getByRole("dialog")).findByText(/locked by a publication/)).toBeInTheDocument();
  });
});

describe("OfferingTable", () => {
  const off = (id: string, status: string) => ({
    id,
    name: `Offer ${id}`,
    description: null,
    specification_ids: [],
    pricing_ids: [],
    sales_channels: ["online"],
    lifecycle_status: status,
    created_at: now,
    updated_at: now,
  });

  it("offers actions by status and filters by status on the server", async () => {
    const f = mockFetch().on("GET", /\/api\/v1\/offerings/, (c) => {
      const s = c.url.searchParams.get("status");
      const all = [off("d", "DRAFT"), off("p", "PUBLISHED"), off("r", "RETIRED")];
      return { body: s ? all.filter((o) => o.lifecycle_status === s) : all };
    });
    renderApp(<OfferingTable />);
    await screen.findByText("Offer d");
    const draft = screen.getByText("Offer d").closest("tr")!;
    expect(within(draft).getByRole("button", { name: "Publish Offer d" })).toBeInTheDocument();
    expect(within(draft).getByRole("button", { name: "Edit Offer d" })).toBeInTheDocument();
    expect(within(draft).getByRole("button", { name: "Delete Offer d" })).toBeInTheDocument();
    const pub = screen.getByText("Offer p").closest("tr")!;
    expect(within(pub).getByRole("button", { name: "Retire Offer p" })).toBeInTheDocument();
    expect(within(pub).queryByRole("button", { name: /edit/i })).not.toBeInTheDocument();
    const ret = screen.getByText("Offer r").closest("tr")!;
    expect(within(ret).getAllByRole("button").map((b) => b.getAttribute("aria-label"))).toEqual(["View Offer r"]);

    await userEvent.selectOptions(screen.getByLabelText("Status"), "PUBLISHED");
    await waitFor(() => expect(screen.queryByText("Offer d")).not.toBeInTheDocument());
    expect(f.calls.at(-1)!.url.searchParams.get("status")).toBe("PUBLISHED");
  });

  it("retires after confirmation", async () => {
    const f = mockFetch()
      .on("GET", /\/api\/v1\/offerings/, { body: [off("p", "PUBLISHED")] })
      .on("POST", /offerings\/p\/retire/, { body: { ...off("p", "RETIRED"), retired_at: now } });
    renderApp(<OfferingTable />);
    await userEvent.click(await screen.findByRole("button", { name: "Retire Offer p" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Retire" }));
    await waitFor(() => expect(f.callsTo("POST", /retire/)).toHaveLength(1));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });
});
