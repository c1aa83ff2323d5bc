// Independent checks of kycloud's audit log, in the browser: RFC 6962 leaf and node hashes, the
// inclusion proof algorithm of RFC 9162 §2.1.3.2, and the Ed25519 signature of a C2SP signed-note
// checkpoint (docs/audit-log-format.md). Nothing here trusts the server's own verdict.

import { ed25519 } from "@noble/curves/ed25519";
import { sha256 } from "@noble/hashes/sha2";

const enc = new TextEncoder();

export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
export function unhex(s: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/i.test(s)) throw new Error(`not hex: ${s.slice(0, 16)}…`);
  return Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));
}
function unbase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function leafHash(entry: string): Uint8Array {
  return sha256(concat(Uint8Array.of(0), enc.encode(entry)));
}
function nodeHash(l: Uint8Array, r: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(1), l, r));
}

// The root an inclusion proof leads to, or an error saying why the proof is malformed.
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[]): Uint8Array {
  if (index >= size) throw new Error(`leaf ${index} is not in a tree of size ${size}`);
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new Error("the proof is longer than the tree allows");
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error("the proof is shorter than the tree needs");
  return r;
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: string; // hex
  signer: string;
  keyId: string;
}

// Verifies a signed-note checkpoint with a verifier key "<name>+<8 hex key id>+<base64(0x01 || key)>"
// and returns what it states. Throws with the reason when anything does not hold.
export function verifyCheckpoint(note: string, verifierKey: string): Checkpoint {
  const first = verifierKey.indexOf("+");
  const second = verifierKey.indexOf("+", first + 1);
  if (first <= 0 || second !== first + 9) throw new Error("the verifier key is not NAME+KEYID+KEY");
  const name = verifierKey.slice(0, first);
  const keyId = verifierKey.slice(first + 1, second);
  const keyBytes = unbase64(verifierKey.slice(second + 1));
  if (keyBytes.length !== 33 || keyBytes[0] !== 1) throw new Error("the verifier key is not an Ed25519 key");
  const expectedId = hex(sha256(concat(enc.encode(name + "\n"), keyBytes)).slice(0, 4));
  if (expectedId !== keyId.toLowerCase()) throw new Error("the verifier key's id does not match its key");

  const split = note.indexOf("\n\n");
  if (split < 0) throw new Error("the checkpoint has no signature block");
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2).split("\n").filter(Boolean);
  const mine = sigLines.find((l) => l.startsWith(`— ${name} `));
  if (!mine) throw new Error(`no signature by ${name} on the checkpoint`);
  const sig = unbase64(mine.slice(`— ${name} `.length));
  if (sig.length !== 68 || hex(sig.slice(0, 4)) !== keyId.toLowerCase()) {
    throw new Error("the signature was made with another key");
  }
  if (!ed25519.verify(sig.slice(4), enc.encode(text), keyBytes.slice(1))) {
    throw new Error("the signature does not verify: the checkpoint was altered or signed by another key");
  }
  const [origin, size, root64] = text.split("\n");
  const root = unbase64(root64);
  if (!/^\d+$/.test(size) || root.length !== 32) throw new Error("the checkpoint body is malformed");
  return { origin, size: Number(size), root: hex(root), signer: name, keyId };
}
