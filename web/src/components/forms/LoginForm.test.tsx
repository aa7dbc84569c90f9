import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { RequireAuth } from "@/components/layout/RequireAuth";
import { Header } from "@/components/layout/Header";
import { getToken, setLoginNotice } from "@/lib/session";
import { envelope, fakeToken, mockFetch } from "@/test/fetchMock";
import { nav, resetNavigation } from "@/test/navigation";
import { renderApp } from "@/test/render";
import { LoginForm } from "./LoginForm";

describe("LoginForm", () => {
  it("says so on bad credentials", async () => {
    mockFetch().on("POST", /auth\/login/, envelope(401, "UNAUTHORIZED", "Invalid credentials"));
    renderApp(<LoginForm />, null);
    await userEvent.type(screen.getByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Invalid username or password.")).toBeInTheDocument();
    expect(getToken()).toBeNull();
  });

  it("stores the token and goes to the page asked for", async () => {
    resetNavigation("/login?next=%2Fviewer%3Ftab%3Dprice");
    const f = mockFetch().on("POST", /auth\/login/, { body: { access_token: fakeToken("admin", "ADMIN"), token_type: "bearer" } });
    renderApp(<LoginForm />, null);
    await userEvent.type(screen.getByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "admin");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(nav.replace).toHaveBeenCalledWith("/viewer?tab=price"));
    expect(getToken()).not.toBeNull();
    expect(f.calls[0]!.body).toBe("username=admin&password=admin");
  });

  it("shows the message left by an expired session", async () => {
    setLoginNotice("Your session has ended. Please sign in again.");
    renderApp(<LoginForm />, null);
    expect(await screen.findByText(/session has ended/)).toBeInTheDocument();
  });
});

describe("route protection", () => {
  it("sends a signed-out visitor to /login with the way back", async () => {
    resetNavigation("/viewer?tab=offering");
    renderApp(<RequireAuth>secret</RequireAuth>, null);
    await waitFor(() => expect(nav.replace).toHaveBeenCalledWith("/login?next=%2Fviewer%3Ftab%3Doffering"));
    expect(screen.queryByText("secret")).not.toBeInTheDocument();
  });

  it("keeps a USER out of admin pages and shows user and role in the header", async () => {
    renderApp(
      <>
        <Header />
        <RequireAuth admin>ops</RequireAuth>
      </>,
      "USER",
    );
    expect(await screen.findByText("Administrators only")).toBeInTheDocument();
    expect(screen.getByTestId("current-user")).toHaveTextContent("user");
    expect(screen.queryByRole("link", { name: /operations/i })).not.toBeInTheDocument();
  });

  it("shows Operations to an ADMIN and signs out", async () => {
    renderApp(<Header />, "ADMIN");
    expect(await screen.findByRole("link", { name: /operations/i })).toBeInTheDocument();
    expect(screen.getByTestId("current-user")).toHaveTextContent("Administrator");
    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(getToken()).toBeNull();
    expect(nav.replace).toHaveBeenCalledWith("/login");
  });
});

describe("401 anywhere", () => {
  it("drops the session and sends the user to login with the way back", async () => {
    resetNavigation("/viewer?tab=characteristic");
    window.history.pushState({}, "", "/viewer?tab=characteristic");
    mockFetch().on("GET", /characteristics/, envelope(401, "UNAUTHORIZED", "token expired"));
    const { CharacteristicTable } = await import("@/components/viewer/CharacteristicTable");
    renderApp(<CharacteristicTable />, "ADMIN");
    await waitFor(() => expect(nav.replace).toHaveBeenCalledWith("/login?next=%2Fviewer%3Ftab%3Dcharacteristic"));
    expect(getToken()).toBeNull();
    window.history.pushState({}, "", "/");
  });
});
