// A few DOM helpers: h() builds elements (text is always set as text, never parsed as HTML),
// and small formatters shared by the views.

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (ev: Event) => void;
export type Attrs = Record<string, string | number | boolean | Handler | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      el.addEventListener(name.replace(/^on/, ""), value as EventListener);
    } else if (value === true) {
      el.setAttribute(name, "");
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

// A table with a caption (for screen readers) and one header row.
export function table(caption: string, headers: string[], rows: Child[][], attrs?: Attrs) {
  return h(
    "table",
    attrs ?? null,
    h("caption", { class: "sr-only" }, caption),
    h("thead", null, h("tr", null, headers.map((t) => h("th", { scope: "col" }, t)))),
    h(
      "tbody",
      null,
      rows.length === 0
        ? h("tr", null, h("td", { colspan: headers.length, class: "muted" }, "Nothing here."))
        : rows.map((r) => h("tr", null, r.map((c) => h("td", null, c)))),
    ),
  );
}

export function badge(text: string, kind = text): HTMLElement {
  return h("span", { class: `badge badge-${kind.replace(/[^a-z0-9_-]/gi, "_")}` }, text);
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

export function age(iso: string, now = Date.now()): string {
  const ms = now - new Date(iso).getTime();
  const h = Math.floor(ms / 3_600_000);
  if (h < 1) return "under 1 h";
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

export function ops(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return x.toExponential(2).replace("e+", "e");
}

export function link(href: string, text: Child, attrs?: Attrs): HTMLAnchorElement {
  return h("a", { href, ...(attrs ?? {}) }, text);
}

export function customerLink(id: string): HTMLAnchorElement {
  return link(`#/customers/${encodeURIComponent(id)}`, id);
}

export function section(title: string, ...children: Child[]): HTMLElement {
  const id = "s-" + title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), children);
}

export function dl(pairs: [string, Child][]): HTMLElement {
  return h(
    "dl",
    { class: "facts" },
    pairs.map(([k, v]) => [h("dt", null, k), h("dd", null, v === "" || v === null ? "—" : v)]),
  );
}
