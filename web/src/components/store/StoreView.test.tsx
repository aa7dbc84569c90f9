import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockFetch } from "@/test/fetchMock";
import { nav, resetNavigation } from "@/test/navigation";
import { renderApp } from "@/test/render";
import { StoreView } from "./StoreView";

const doc = (id: string, name: string, price: number) => ({
  id,
  name,
  description: `${name} description`,
  specifications: [{ id: "s", name: "Spec", characteristics: [{ name: "Speed", value: "100", unit: "Mbps" }] }],
  pricing: [{ id: `p-${id}`, name: "Monthly", value: price, unit: "per month", currency: "USD" }],
  sales_channels: ["online"],
});

const facets = {
  price_ranges: [
    { label: "Under 50", min: 0, max: 50, count: 1 },
    { label: "50 and up", min: 50, max: null, count: 1 },
  ],
  channels: [
    { value: "online", count: 2 },
    { value: "retail", count: 1 },
  ],
  characteristics: [{ name: "Speed", values: [{ value: "100", count: 2 }] }],
};

function storeApi() {
  return mockFetch().on("GET", /\/api\/v1\/store\/search/, (c) => {
    const q = c.url.searchParams.get("q") ?? "";
    const items = [doc("o1", "Fiber Basic", 29.99), doc("o2", "Fiber Pro", 79)].filter((d) => !q || d.name.toLowerCase().includes(q.toLowerCase()));
    return { body: { items, total: q === "many" ? 30 : items.length, facets } };
  });
}

describe("StoreView", () => {
  it("shows cards, facet counts and the result count without signing in", async () => {
    const f = storeApi();
    renderApp(<StoreView debounceMs={10} />, null);
    expect(await screen.findByRole("heading", { name: "Fiber Basic" })).toBeInTheDocument();
    expect(screen.getByTestId("result-count")).toHaveTextContent("Showing 1–2 of 2 results");
    const filters = screen.getByRole("complementary", { name: "Filters" });
    expect(within(filters).getByText("Retail").closest("label")).toHaveTextContent("1");
    expect(within(filters).getByRole("button", { name: /under 50/i })).toHaveTextContent("(1)");
    expect(f.calls[0]!.headers.Authorization).toBeUndefined();
  });

  it("reads filters from the URL and sends them to the API", async () => {
    resetNavigation("/store?q=fiber&min_price=10&max_price=60&channel=online&characteristic=Speed%3A100&sort=price_asc");
    const f = storeApi();
    renderApp(<StoreView debounceMs={10} />, null);
    await screen.findByRole("heading", { name: "Fiber Basic" });
    const sent = f.calls[0]!.url.searchParams;
    expect(sent.get("q")).toBe("fiber");
    expect(sent.get("min_price")).toBe("10");
    expect(sent.get("max_price")).toBe("60");
    expect(sent.get("channel")).toBe("online");
    expect(sent.getAll("characteristic")).toEqual(["Speed:100"]);
    expect(sent.get("sort")).toBe("price_asc");
    expect(screen.getByLabelText("Keyword")).toHaveValue("fiber");
    expect(screen.getByRole("checkbox", { name: /^100/ })).toBeChecked();
  });

  it("debounces typing into one URL update and one search", async () => {
    resetNavigation("/store");
    const f = storeApi();
    renderApp(<StoreView debounceMs={150} />, null);
    await screen.findByRole("heading", { name: "Fiber Basic" });
    await userEvent.type(screen.getByLabelText("Keyword"), "pro");
    await waitFor(() => expect(nav.replace).toHaveBeenCalledWith("/store?q=pro", { scroll: false }));
    expect(nav.replace).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByRole("heading", { name: "Fiber Basic" })).not.toBeInTheDocument());
    expect(screen.getByRole("heading", { name: "Fiber Pro" })).toBeInTheDocument();
    expect(f.callsTo("GET", /store\/search/).map((c) => c.url.searchParams.get("q"))).toEqual([null, "pro"]);
  });

  it("debounces typed price bounds and keeps the keyword", async () => {
    resetNavigation("/store?q=fiber");
    const f = storeApi();
    // Long enough that moving from one box to the other stays within one pause.
    renderApp(<StoreView debounceMs={1000} />, null);
    await screen.findByRole("heading", { name: "Fiber Basic" });
    await userEvent.type(screen.getByLabelText("Minimum price"), "30");
    await userEvent.type(screen.getByLabelText("Maximum price"), "90");
    await waitFor(() => expect(nav.search.get("max_price")).toBe("90"), { timeout: 3000 });
    expect(nav.replace).toHaveBeenCalledTimes(1);
    expect(nav.search.get("min_price")).toBe("30");
    expect(nav.search.get("q")).toBe("fiber");
    await waitFor(() => expect(f.calls.at(-1)!.url.searchParams.get("min_price")).toBe("30"));
  });

  it("puts channel, price range and sort choices in the URL", async () => {
    resetNavigation("/store");
    storeApi();
    renderApp(<StoreView debounceMs={10} />, null);
    await screen.findByRole("heading", { name: "Fiber Basic" });
    await userEvent.click(screen.getByRole("checkbox", { name: /retail/i }));
    expect(nav.search.get("channel")).toBe("retail");
    await userEvent.click(screen.getByRole("button", { name: /under 50/i }));
    expect(nav.search.get("min_price")).toBe("0");
    expect(nav.search.get("max_price")).toBe("50");
    await userEvent.selectOptions(screen.getByLabelText("Sort by"), "price_desc");
    expect(nav.search.get("sort")).toBe("price_desc");
    expect(nav.search.get("channel")).toBe("retail");
    await userEvent.click(screen.getByRole("button", { name: /reset/i }));
    expect(nav.search.toString()).toBe("");
  });

  it("shows an empty state that clears filters", async () => {
    resetNavigation("/store?q=nothing");
    storeApi();
    renderApp(<StoreView debounceMs={10} />, null);
    expect(await screen.findByText("No offerings match")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: /clear all filters/i }));
    expect(nav.search.toString()).toBe("");
  });

  it("shows an error state with a retry", async () => {
    resetNavigation("/store");
    const f = mockFetch()
      .once("GET", /store\/search/, { status: 503, body: { error: { code: "SERVICE_UNAVAILABLE", message: "store is down" } } })
      .on("GET", /store\/search/, { body: { items: [doc("o1", "Fiber Basic", 29.99)], total: 1, facets: {} } });
    renderApp(<StoreView debounceMs={10} />, null);
    expect(await screen.findByText(/store is down/)).toBeInTheDocument();
    await act(async () => {
      await userEvent.click(screen.getByRole("button", { name: /try again/i }));
    });
    expect(await screen.findByRole("heading", { name: "Fiber Basic" })).toBeInTheDocument();
    expect(f.callsTo("GET", /store\/search/)).toHaveLength(2);
  });

  it("pages through results with skip", async () => {
    resetNavigation("/store?q=many");
    const f = mockFetch().on("GET", /store\/search/, { body: { items: [doc("o1", "Many 1", 10)], total: 30, facets: {} } });
    renderApp(<StoreView debounceMs={10} />, null);
    await screen.findByRole("heading", { name: "Many 1" });
    await userEvent.click(screen.getByRole("button", { name: /next/i }));
    expect(nav.search.get("page")).toBe("2");
    await waitFor(() => expect(f.calls.at(-1)!.url.searchParams.get("skip")).toBe("12"));
  });
});
