import { describe, expect, it } from "vitest";
import { fakeToken } from "@/test/fetchMock";
import { decodeToken, isExpired } from "./jwt";

describe("decodeToken", () => {
  it("reads username and role", () => {
    expect(decodeToken(fakeToken("alice", "ADMIN"))).toMatchObject({ username: "alice", role: "ADMIN" });
  });
  it("returns null for garbage", () => {
    expect(decodeToken("not-a-token")).toBeNull();
    expect(decodeToken("a.b.c")).toBeNull();
  });
  it("tells an expired token", () => {
    const c = decodeToken(fakeToken("bob", "USER", -60))!;
    expect(isExpired(c)).toBe(true);
    expect(isExpired(decodeToken(fakeToken("bob", "USER", 60))!)).toBe(false);
  });
});
