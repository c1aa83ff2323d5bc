// Audit verification: the latest signed checkpoint checked against a verifier key the auditor
// keeps, and any entry's inclusion proof checked against that checkpoint's root, in the browser.

import { get } from "../api";
import { clear, fmtTime, h, section, table } from "../dom";
import { hex, leafHash, rootFromInclusionProof, unhex, verifyCheckpoint, type Checkpoint } from "../audit/verify";

export async function renderAudit(main: HTMLElement, _p: string[], q: URLSearchParams) {
  const cp = await get<any>("/v1/audit/checkpoint");
  main.append(h("h1", null, "Audit log"));
  if (!cp.checkpoint) {
    main.append(h("p", { class: "muted" }, "The log has no entries yet."));
    return;
  }
  let verified: Checkpoint | null = null;
  // Trust on first use: the first key that verifies is pinned in this browser, and a server that
  // later presents another one is flagged. An auditor who keeps the key elsewhere pastes it.
  const PIN = "kycloud.verifier-key";
  const pinned = localStorage.getItem(PIN);
  const keyInput = h("input", {
    id: "verifier-key",
    name: "verifier_key",
    value: pinned ?? cp.verifier_key,
    autocomplete: "off",
    spellcheck: "false",
    class: "wide",
  });
  const cpStatus = h("div", { class: "form-status", role: "status", "data-testid": "checkpoint-status" });
  const checkCheckpoint = () => {
    clear(cpStatus);
    try {
      const c = verifyCheckpoint(cp.checkpoint.note, keyInput.value.trim());
      if (c.root !== cp.checkpoint.root || c.size !== cp.checkpoint.tree_size) {
        throw new Error("the signed note and the server's summary disagree");
      }
      verified = c;
      cpStatus.append(
        h("p", { class: "ok" }, `Signature valid: ${c.origin} checkpoint of ${c.size} entries, signed by ${c.signer} (key ${c.keyId}).`),
      );
      if (!localStorage.getItem(PIN)) {
        localStorage.setItem(PIN, keyInput.value.trim());
        cpStatus.append(h("p", { class: "muted" }, "This key is now pinned in this browser: another key later will be flagged."));
      }
    } catch (e: any) {
      verified = null;
      cpStatus.append(h("p", { class: "error", role: "alert" }, `Not verified: ${e.message}`));
    }
  };

  const leafInput = h("input", {
    id: "leaf-index",
    name: "leaf",
    type: "number",
    min: 0,
    max: cp.checkpoint.tree_size - 1,
    value: q.get("leaf") ?? String(cp.checkpoint.tree_size - 1),
  });
  const proofStatus = h("div", { class: "form-status", role: "status", "data-testid": "inclusion-status" });
  const checkInclusion = async (leaf: number) => {
    clear(proofStatus);
    if (!verified) checkCheckpoint();
    if (!verified) {
      proofStatus.append(h("p", { class: "error", role: "alert" }, "Verify the checkpoint's signature first."));
      return;
    }
    try {
      if (!(leaf >= 0 && leaf < verified.size)) {
        throw new Error(`entry ${leaf} is not in the signed checkpoint (entries 0 to ${verified.size - 1})`);
      }
      const p = await get<any>("/v1/audit/proof/inclusion", { leaf, tree_size: verified.size });
      const lh = leafHash(p.entry);
      if (hex(lh) !== p.leaf_hash) throw new Error("the entry's bytes do not hash to its leaf hash");
      const entry = JSON.parse(p.entry);
      if (entry.index !== leaf) throw new Error(`the entry says it is number ${entry.index}, not ${leaf}`);
      const root = rootFromInclusionProof(leaf, verified.size, lh, p.proof.map(unhex));
      if (hex(root) !== verified.root) throw new Error("the proof leads to another root than the signed one");
      proofStatus.append(
        h("p", { class: "ok" }, `Entry ${leaf} is included in the signed checkpoint of ${verified.size} entries (proof of ${p.proof.length} hashes).`),
        h("pre", { class: "json" }, JSON.stringify(entry, null, 2)),
      );
    } catch (e: any) {
      proofStatus.append(h("p", { class: "error", role: "alert" }, `Not verified: ${e.words ?? e.message}`));
    }
  };

  const from = Math.max(0, cp.log_size - 25);
  const entries = await get<{ entries: { index: number; entry: string; leaf_hash: string }[] }>("/v1/audit/entries", {
    from,
    limit: 25,
  });

  main.append(
    pinned && pinned !== cp.verifier_key
      ? h(
          "p",
          { class: "error", role: "alert" },
          `The server presents verifier key ${cp.verifier_key}, not the one pinned in this browser. ` +
            "Checks below use the pinned key; find out why the key changed before trusting the log.",
        )
      : "",
    section(
      "Signed checkpoint",
      table(
        "Checkpoint",
        ["What", "Value"],
        [
          ["Origin", cp.checkpoint.origin],
          ["Entries", String(cp.checkpoint.tree_size)],
          ["Root", h("code", null, cp.checkpoint.root)],
          ["Signed", fmtTime(cp.checkpoint.time)],
          ["Log size now", String(cp.log_size)],
        ],
      ),
      h("pre", { class: "note" }, cp.checkpoint.note),
      h(
        "form",
        {
          class: "inline-form",
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            checkCheckpoint();
          },
        },
        h("label", { for: "verifier-key" }, "Verifier key (paste the one you keep; the server's is filled in)"),
        keyInput,
        h("button", { type: "submit" }, "Verify signature"),
      ),
      cpStatus,
    ),
    section(
      "Inclusion of an entry",
      h(
        "form",
        {
          class: "inline-form",
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            void checkInclusion(Number(leafInput.value));
          },
        },
        h("label", { for: "leaf-index" }, "Entry number"),
        leafInput,
        h("button", { type: "submit" }, "Verify inclusion"),
      ),
      proofStatus,
    ),
    section(
      "Latest entries",
      table(
        "Latest audit entries",
        ["#", "Kind", "Actor", "Time", ""],
        entries.entries
          .slice()
          .reverse()
          .map((e) => {
            const j = JSON.parse(e.entry);
            return [
              String(e.index),
              j.kind,
              j.actor,
              fmtTime(j.time),
              e.index < cp.checkpoint.tree_size
                ? h(
                    "button",
                    {
                      type: "button",
                      class: "link",
                      "aria-label": `Verify entry ${e.index}`,
                      onclick: () => {
                        leafInput.value = String(e.index);
                        void checkInclusion(e.index);
                      },
                    },
                    "Verify",
                  )
                : h("span", { class: "muted" }, "after the checkpoint"),
            ];
          }),
      ),
    ),
  );
  checkCheckpoint();
  if (q.get("leaf")) await checkInclusion(Number(q.get("leaf")));
}
