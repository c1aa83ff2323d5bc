// Who is signed in. The session itself is an HttpOnly cookie the console cannot read; it keeps
// the CSRF token in memory (fetched again after a reload) and one non-secret hint in
// localStorage so that a fresh visitor gets the sign-in form without a failing request first.

import { api, get, setCsrfToken } from "./api";

export interface User {
  key_id: string;
  name: string;
  role: "admin" | "officer" | "auditor" | "integrator" | "ingest";
  csrf_token?: string;
  expires_at?: string;
}

const HINT = "kycloud.signed-in";
let current: User | null = null;

export function user(): User | null {
  return current;
}

// Officers and admins act on cases, dispositions and judgements; auditors read and verify.
export function canAct(): boolean {
  return current?.role === "admin" || current?.role === "officer";
}

export async function restore(): Promise<User | null> {
  if (localStorage.getItem(HINT) !== "1") return null;
  try {
    const me = await get<User & { via: string }>("/v1/sessions/current");
    if (me.via !== "session") return null;
    adopt(me);
    return me;
  } catch {
    localStorage.removeItem(HINT);
    return null;
  }
}

export async function signIn(apiKey: string): Promise<User> {
  const me = await api<User>("POST", "/v1/sessions", { api_key: apiKey });
  adopt(me);
  localStorage.setItem(HINT, "1");
  return me;
}

export async function signOut(): Promise<void> {
  try {
    await api("DELETE", "/v1/sessions/current");
  } finally {
    forget();
  }
}

export function forget(): void {
  current = null;
  setCsrfToken("");
  localStorage.removeItem(HINT);
}

function adopt(me: User): void {
  current = me;
  setCsrfToken(me.csrf_token ?? "");
}
