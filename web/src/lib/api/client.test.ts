import { describe, expect, it, vi } from "vitest";
import { mockFetch, fakeToken } from "@/test/fetchMock";
import { getToken, setToken, takeLoginNotice } from "@/lib/session";
import { buildQuery, request, setUnauthorizedHandler } from "./client";
import { ApiError } from "./errors";

describe("request", () => {
  it("sends the bearer token and parses JSON", async () => {
    setToken(fakeToken("admin", "ADMIN"));
    const f = mockFetch().on("GET", /\/api\/v1\/prices/, { body: [{ id: "p1" }] });
    await expect(request("/api/v1/prices")).resolves.toEqual([{ id: "p1" }]);
    expect(f.calls[0]!.headers.Authorization).toMatch(/^Bearer /);
    expect(f.calls[0]!.url.origin).toBe("http://127.0.0.1:8000");
  });

  it("on 401 clears the session, leaves a notice and calls the handler", async () => {
    setToken(fakeToken("admin", "ADMIN"));
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    mockFetch().on("GET", /offerings/, { status: 401, body: { error: { code: "UNAUTHORIZED", message: "token expired" } } });
    await expect(request("/api/v1/offerings")).rejects.toBeInstanceOf(ApiError);
    expect(getToken()).toBeNull();
    expect(handler).toHaveBeenCalledOnce();
    expect(takeLoginNotice()).toMatch(/sign in again/);
    setUnauthorizedHandler(null);
  });

  it("turns a network failure into a NETWORK_ERROR with status 0", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));
    await expect(request("/api/v1/store/search", { auth: false })).rejects.toMatchObject({ status: 0, code: "NETWORK_ERROR" });
  });

  it("posts form bodies url-encoded", async () => {
    const f = mockFetch().on("POST", /auth\/login/, { body: { access_token: "t" } });
    await request("/api/v1/auth/login", { method: "POST", form: { username: "a b", password: "p&q" }, auth: false });
    expect(f.calls[0]!.headers["Content-Type"]).toBe("application/x-www-form-urlencoded");
    expect(f.calls[0]!.body).toBe("username=a+b&password=p%26q");
  });
});

describe("buildQuery", () => {
  it("repeats array values and skips empty ones", () => {
    expect(buildQuery({ q: "fiber", min_price: "", characteristic: ["Speed:100", "GB:5"], skip: 0 })).toBe(
      "?q=fiber&characteristic=Speed%3A100&characteristic=GB%3A5&skip=0",
    );
  });
});

describe("base URL", () => {
  it("follows the URL the server injected at request time", async () => {
    window.__TMF_API_BASE_URL__ = "http://gateway.test:9000/";
    const f = mockFetch().on("GET", /health/, { body: {} });
    await request("/health", { auth: false });
    expect(f.calls[0]!.url.origin).toBe("http://gateway.test:9000");
    delete window.__TMF_API_BASE_URL__;
  });
});
