import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { envelope, mockFetch } from "@/test/fetchMock";
import { renderApp } from "@/test/render";
import { CharacteristicForm } from "./CharacteristicForm";
import { OfferingForm } from "./OfferingForm";
import { PriceForm } from "./PriceForm";
import { SpecificationForm } from "./SpecificationForm";

const now = "2026-01-01T00:00:00Z";

describe("CharacteristicForm", () => {
  it("shows required-field errors and sends nothing when empty", async () => {
    const f = mockFetch();
    renderApp(<CharacteristicForm />);
    await userEvent.click(screen.getByRole("button", { name: /create characteristic/i }));
    expect(await screen.findByText("Name is required.")).toBeInTheDocument();
    expect(screen.getByText("Value is required.")).toBeInTheDocument();
    expect(screen.getByLabelText(/^name/i)).toHaveAttribute("aria-invalid", "true");
    expect(f.callsTo("POST", /characteristics/)).toHaveLength(0);
  });

  it("posts the characteristic and clears the form", async () => {
    const f = mockFetch().on("POST", /\/api\/v1\/characteristics$/, (c) => ({
      status: 201,
      body: { ...(c.body as object), id: "c1", created_at: now, updated_at: now },
    }));
    renderApp(<CharacteristicForm />);
    await userEvent.type(screen.getByLabelText(/^name/i), "Download speed");
    await userEvent.type(screen.getByLabelText(/^value/i), "100");
    await userEvent.selectOptions(screen.getByLabelText(/unit of measure/i), "Mbps");
    await userEvent.click(screen.getByRole("button", { name: /create characteristic/i }));
    await waitFor(() => expect(f.callsTo("POST", /characteristics/)).toHaveLength(1));
    expect(f.calls[0]!.body).toEqual({ name: "Download speed", value: "100", unit_of_measure: "Mbps" });
    await waitFor(() => expect(screen.getByLabelText(/^name/i)).toHaveValue(""));
  });

  it("puts the server's field errors under the right fields and shows a 409 message", async () => {
    mockFetch()
      .once("POST", /characteristics/, envelope(422, "VALIDATION_ERROR", "Invalid input", [{ field: "value", message: "value is not allowed" }]))
      .once("POST", /characteristics/, envelope(409, "CONFLICT", "A characteristic named Speed already exists"));
    renderApp(<CharacteristicForm />);
    await userEvent.type(screen.getByLabelText(/^name/i), "Speed");
    await userEvent.type(screen.getByLabelText(/^value/i), "x");
    await userEvent.click(screen.getByRole("button", { name: /create characteristic/i }));
    expect(await screen.findByText("value is not allowed")).toBeInTheDocument();
    expect(screen.getByLabelText(/^value/i)).toHaveAttribute("aria-invalid", "true");
    await userEvent.click(screen.getByRole("button", { name: /create characteristic/i }));
    expect(await screen.findAllByText(/already exists/)).not.toHaveLength(0);
  });
});

describe("PriceForm", () => {
  it("rejects more than two decimals before calling the API", async () => {
    const f = mockFetch();
    renderApp(<PriceForm />);
    await userEvent.type(screen.getByLabelText(/^name/i), "Monthly");
    await userEvent.type(screen.getByLabelText(/amount/i), "9.999");
    await userEvent.click(screen.getByRole("button", { name: /create price/i }));
    expect(await screen.findByText(/at most 2 decimals/)).toBeInTheDocument();
    expect(f.calls).toHaveLength(0);
  });

  it("sends the amount as a decimal string with the chosen currency", async () => {
    const f = mockFetch().on("POST", /prices$/, (c) => ({
      status: 201,
      body: { ...(c.body as object), id: "p1", locked: false, locked_by_saga_id: null, created_at: now, updated_at: now },
    }));
    renderApp(<PriceForm />);
    await userEvent.type(screen.getByLabelText(/^name/i), "Monthly");
    await userEvent.type(screen.getByLabelText(/amount/i), "29,90");
    await userEvent.selectOptions(screen.getByLabelText(/currency/i), "EUR");
    await userEvent.click(screen.getByRole("button", { name: /create price/i }));
    await waitFor(() => expect(f.callsTo("POST", /prices/)).toHaveLength(1));
    expect(f.calls.at(-1)!.body).toEqual({ name: "Monthly", value: "29.90", unit: "per month", currency: "EUR" });
  });
});

describe("SpecificationForm", () => {
  it("searches characteristics, shows chips, and requires one", async () => {
    const f = mockFetch()
      .on("GET", /characteristics/, {
        body: [
          { id: "c1", name: "Speed", value: "100", unit_of_measure: "Mbps", created_at: now, updated_at: now },
          { id: "c2", name: "Storage", value: "256", unit_of_measure: "GB", created_at: now, updated_at: now },
        ],
      })
      .on("POST", /specifications$/, (c) => ({ status: 201, body: { ...(c.body as object), id: "s1", created_at: now, updated_at: now } }));
    renderApp(<SpecificationForm />);
    await userEvent.type(screen.getByLabelText(/^name/i), "Fiber");
    await userEvent.click(screen.getByRole("button", { name: /create specification/i }));
    expect(await screen.findByText(/at least one characteristic/)).toBeInTheDocument();

    const combo = screen.getByRole("combobox", { name: /characteristics/i });
    await userEvent.click(combo);
    await userEvent.type(combo, "stor");
    const list = await screen.findByRole("listbox");
    expect(within(list).queryByText("Speed")).not.toBeInTheDocument();
    await userEvent.keyboard("{Enter}");
    expect(screen.getByRole("button", { name: "Remove Storage" })).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: /create specification/i }));
    await waitFor(() => expect(f.callsTo("POST", /specifications/)).toHaveLength(1));
    expect(f.callsTo("POST", /specifications/)[0]!.body).toEqual({ name: "Fiber", characteristic_ids: ["c2"] });
  });
});

describe("OfferingForm", () => {
  const lists = () =>
    mockFetch()
      .on("GET", /\/api\/v1\/specifications/, { body: [{ id: "s1", name: "Fiber spec", characteristic_ids: ["c1"], created_at: now, updated_at: now }] })
      .on("GET", /\/api\/v1\/prices/, {
        body: [{ id: "p1", name: "Monthly", value: "29.99", unit: "per month", currency: "USD", locked: false, locked_by_saga_id: null, created_at: now, updated_at: now }],
      });

  it("saves a draft with only a name", async () => {
    const f = lists().on("POST", /\/api\/v1\/offerings$/, (c) => ({
      status: 201,
      body: { ...(c.body as object), id: "o1", lifecycle_status: "DRAFT", created_at: now, updated_at: now },
    }));
    renderApp(<OfferingForm />);
    await userEvent.type(screen.getByLabelText(/^name/i), "Fiber Home");
    await userEvent.click(screen.getByRole("button", { name: /save draft/i }));
    await waitFor(() => expect(f.callsTo("POST", /offerings$/)).toHaveLength(1));
    expect(f.callsTo("POST", /offerings$/)[0]!.body).toEqual({ name: "Fiber Home", description: null, specification_ids: [], pricing_ids: [], sales_channels: [] });
  });

  it("publish asks for a specification, a price and a channel first", async () => {
    const f = lists();
    renderApp(<OfferingForm />);
    await userEvent.type(screen.getByLabelText(/^name/i), "Fiber Home");
    await userEvent.click(screen.getByRole("button", { name: /^publish$/i }));
    expect(await screen.findByText(/at least one specification/)).toBeInTheDocument();
    expect(screen.getByText(/at least one price/)).toBeInTheDocument();
    expect(screen.getByText(/at least one sales channel/)).toBeInTheDocument();
    expect(f.callsTo("POST", /offerings/)).toHaveLength(0);
  });

  it("hides Publish from a USER", async () => {
    lists();
    renderApp(<OfferingForm />, "USER");
    expect(await screen.findByRole("button", { name: /save draft/i })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^publish$/i })).not.toBeInTheDocument();
  });
});

describe("OfferingForm publish", () => {
  it("saves, publishes and shows the saga's progress", async () => {
    const offering = (status: string) => ({
      id: "o1",
      name: "Fiber Home",
      description: null,
      specification_ids: ["s1"],
      pricing_ids: ["p1"],
      sales_channels: ["online"],
      lifecycle_status: status,
      created_at: now,
      updated_at: now,
      process_instance_key: null,
    });
    const f = mockFetch()
      .on("GET", /\/api\/v1\/specifications/, { body: [{ id: "s1", name: "Fiber spec", characteristic_ids: ["c1"], created_at: now, updated_at: now }] })
      .on("GET", /\/api\/v1\/prices/, {
        body: [{ id: "p1", name: "Monthly", value: "29.99", unit: "per month", currency: "USD", locked: false, locked_by_saga_id: null, created_at: now, updated_at: now }],
      })
      .on("POST", /\/api\/v1\/offerings$/, { status: 201, body: offering("DRAFT") })
      .on("POST", /\/api\/v1\/offerings\/o1\/publish$/, { status: 202, body: offering("PUBLISHING") })
      .on("GET", /\/api\/v1\/offerings\/o1$/, { body: offering("PUBLISHING") })
      .on("GET", /\/ops\/api\/instances/, { body: { items: [], total: 0 } });
    renderApp(<OfferingForm />);
    await userEvent.type(screen.getByLabelText(/^name/i), "Fiber Home");
    for (const [combo, option] of [
      [/specifications/i, "Fiber spec"],
      [/prices/i, "Monthly"],
    ] as const) {
      await userEvent.click(screen.getByRole("combobox", { name: combo }));
      await userEvent.click(await screen.findByRole("option", { name: new RegExp(option) }));
      await userEvent.keyboard("{Escape}");
    }
    await userEvent.click(screen.getByRole("checkbox", { name: "Online" }));
    await userEvent.click(screen.getByRole("button", { name: /^publish$/i }));
    expect(await screen.findByRole("region", { name: "Publication progress" })).toBeInTheDocument();
    expect(await screen.findByText(/the saga is running/i)).toBeInTheDocument();
    expect(f.callsTo("POST", /offerings$/)[0]!.body).toMatchObject({ specification_ids: ["s1"], pricing_ids: ["p1"], sales_channels: ["online"] });
    expect(f.callsTo("POST", /publish$/)).toHaveLength(1);
    expect(screen.getByRole("button", { name: /save draft/i })).toBeDisabled();
  });
});
