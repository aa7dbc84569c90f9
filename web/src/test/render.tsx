import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import { AuthProvider } from "@/contexts/AuthContext";
import { ToastProvider } from "@/contexts/ToastContext";
import { setToken } from "@/lib/session";
import { fakeToken } from "./fetchMock";

/** Renders ui inside the app's providers, signed in as role (or signed out with null). */
export function renderApp(ui: ReactElement, role: "ADMIN" | "USER" | null = "ADMIN"): RenderResult {
  if (role) setToken(fakeToken(role === "ADMIN" ? "admin" : "user", role));
  return render(
    <ToastProvider>
      <AuthProvider>{ui}</AuthProvider>
    </ToastProvider>,
  );
}
