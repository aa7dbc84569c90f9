import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Modal } from "./Modal";

describe("Modal", () => {
  it("moves focus in, keeps Tab inside, closes on Escape and gives focus back", async () => {
    const onClose = vi.fn();
    const { rerender } = render(
      <>
        <button type="button">opener</button>
        <Modal open={false} title="Edit" onClose={onClose}>
          <input aria-label="first" />
        </Modal>
      </>,
    );
    screen.getByRole("button", { name: "opener" }).focus();
    rerender(
      <>
        <button type="button">opener</button>
        <Modal open title="Edit" onClose={onClose}>
          <input aria-label="first" />
        </Modal>
      </>,
    );
    const dialog = screen.getByRole("dialog", { name: "Edit" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(screen.getByLabelText("first")).toHaveFocus();
    await userEvent.tab();
    expect(screen.getByRole("button", { name: "Close dialog" })).toHaveFocus();
    await userEvent.tab();
    expect(screen.getByLabelText("first")).toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledOnce();
    rerender(
      <>
        <button type="button">opener</button>
        <Modal open={false} title="Edit" onClose={onClose}>
          <input aria-label="first" />
        </Modal>
      </>,
    );
    expect(screen.getByRole("button", { name: "opener" })).toHaveFocus();
  });
});
