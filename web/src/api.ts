// The console's only way to the server: same-origin fetch with the session cookie, the session's
// CSRF token on every change, and errors turned into sentences for the user.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
  // What the user reads.
  get words(): string {
    const where = this.field ? ` (field ${this.field})` : "";
    const prefix =
      this.status === 403 && this.code !== "csrf"
        ? "Not allowed: "
        : this.status === 401
          ? "Signed out: "
          : this.status === 404
            ? "Not found: "
            : this.status === 409
              ? "Conflict: "
              : this.status >= 500
                ? "The server could not do this: "
                : "";
    return `${prefix}${this.message}${where}`;
  }
}

let csrfToken = "";
let onSignedOut: (() => void) | null = null;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}
export function onUnauthenticated(fn: () => void): void {
  onSignedOut = fn;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, q?: Query): string {
  if (!q) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "the server cannot be reached; is kycloud serve running?");
  }
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = json?.error ?? {};
    const err = new ApiError(
      res.status,
      e.code ?? String(res.status),
      e.message ?? `HTTP ${res.status}`,
      e.field,
      e.request_id,
    );
    if (res.status === 401 && onSignedOut && !path.startsWith("/v1/sessions")) onSignedOut();
    throw err;
  }
  return json as T;
}

export const get = <T = any>(path: string, q?: Query) => api<T>("GET", withQuery(path, q));
export const post = <T = any>(path: string, body: unknown) => api<T>("POST", path, body);
