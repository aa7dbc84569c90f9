"use client";

import { useEffect, useState, type FormEvent } from "react";
import { useRouter, useSearchParams } from "next/navigation";
import { Button } from "@/components/ui/Button";
import { TextField } from "@/components/ui/Field";
import { Icon } from "@/components/ui/Icon";
import { useAuth } from "@/contexts/AuthContext";
import { ApiError, describeError } from "@/lib/api/errors";
import { takeLoginNotice } from "@/lib/session";

/** Only same-site paths are accepted as a post-login destination. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/builder";
}

export function LoginForm() {
  const { login } = useAuth();
  const router = useRouter();
  const params = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<{ username?: string; password?: string }>({});
  const [message, setMessage] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- one-time read of sessionStorage after mount
    setNotice(takeLoginNotice());
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const v: typeof errors = {};
    if (!username.trim()) v.username = "Enter your username.";
    if (!password) v.password = "Enter your password.";
    setErrors(v);
    setMessage(null);
    if (v.username || v.password) return;
    setBusy(true);
    try {
      await login(username.trim(), password);
      router.replace(safeNext(params.get("next")));
    } catch (err) {
      setMessage(err instanceof ApiError && err.status === 401 ? "Invalid username or password." : describeError(err));
      setBusy(false);
    }
  };

  return (
    <div className="mx-auto mt-4 w-full max-w-md overflow-hidden rounded-3xl bg-white shadow-xl">
      <div className="flex flex-col items-center gap-2 bg-orange-700 px-8 py-10 text-white">
        <span className="rounded-full bg-white/20 p-4">
          <Icon name="logout" className="h-7 w-7 rotate-180" />
        </span>
        <h1 className="text-2xl font-bold">Catalog Portal</h1>
        <p className="text-orange-50">Sign in to manage product offerings</p>
      </div>
      <form noValidate onSubmit={submit} aria-label="Sign in" className="flex flex-col gap-5 px-8 py-8">
        {notice ? (
          <p role="status" className="rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            {notice}
          </p>
        ) : null}
        <TextField label="Username" name="username" autoComplete="username" placeholder="Enter your username" value={username} error={errors.username} onChange={(e) => setUsername(e.target.value)} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          placeholder="Enter your password"
          value={password}
          error={errors.password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {message ? (
          <p role="alert" className="rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
            {message}
          </p>
        ) : null}
        <Button type="submit" size="lg" loading={busy}>
          Sign in
        </Button>
        <p className="border-t border-slate-100 pt-4 text-center text-sm text-slate-600">New user? Ask your system administrator for an account.</p>
      </form>
    </div>
  );
}
