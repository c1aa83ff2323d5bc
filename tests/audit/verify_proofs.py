#!/usr/bin/env python3
"""Independent verifier of kycloud audit proofs, using only the Python standard library (hashlib).

It follows RFC 9162 (Certificate Transparency v2) sections 2.1.3.2 and 2.1.4.2 and
docs/audit-log-format.md, and shares no code with kycloud. Input: a JSON file
  {"checkpoint": <GET /v1/audit/checkpoint response>,
   "inclusion":  [<GET /v1/audit/proof/inclusion responses>],
   "consistency": [<GET /v1/audit/proof/consistency responses>]}
Exit status 0 when every proof verifies, 1 otherwise (each failure is printed).
"""
import base64
import hashlib
import json
import sys


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index, size, leaf, proof, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, proof):
    if first == second:
        return not proof and first_root == second_root
    if first == 0 or first > second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def main(path):
    doc = json.load(open(path))
    failures = []
    cp = doc["checkpoint"]["checkpoint"]
    lines = cp["note"].split("\n")
    note_size, note_root = int(lines[1]), base64.b64decode(lines[2])
    if note_size != cp["tree_size"] or note_root.hex() != cp["root"]:
        failures.append("the checkpoint's fields differ from its signed note")
    signed = {note_size: note_root}
    for p in doc["inclusion"]:
        entry = p["entry"].encode("utf-8")
        leaf = leaf_hash(entry)
        if leaf.hex() != p["leaf_hash"]:
            failures.append("leaf %d: the entry does not hash to leaf_hash" % p["leaf_index"])
        if json.loads(entry)["index"] != p["leaf_index"]:
            failures.append("leaf %d: the entry names another index" % p["leaf_index"])
        root = bytes.fromhex(p["root"])
        if p["tree_size"] in signed and signed[p["tree_size"]] != root:
            failures.append("leaf %d: the root differs from the signed checkpoint" % p["leaf_index"])
        proof = [bytes.fromhex(h) for h in p["proof"]]
        if not verify_inclusion(p["leaf_index"], p["tree_size"], leaf, proof, root):
            failures.append("leaf %d: the inclusion proof does not verify" % p["leaf_index"])
        # A proof must not verify for a different leaf.
        if verify_inclusion(p["leaf_index"], p["tree_size"], leaf_hash(entry + b" "), proof, root):
            failures.append("leaf %d: the proof verifies an altered entry" % p["leaf_index"])
    for c in doc["consistency"]:
        proof = [bytes.fromhex(h) for h in c["proof"]]
        a, b = bytes.fromhex(c["from_root"]), bytes.fromhex(c["to_root"])
        if c["to"] in signed and signed[c["to"]] != b:
            failures.append("consistency %d->%d: to_root differs from the signed checkpoint"
                            % (c["from"], c["to"]))
        if not verify_consistency(c["from"], c["to"], a, b, proof):
            failures.append("consistency %d->%d does not verify" % (c["from"], c["to"]))
    for f in failures:
        print("FAIL:", f)
    print("verified %d inclusion and %d consistency proofs against checkpoint of size %d; %d failures"
          % (len(doc["inclusion"]), len(doc["consistency"]), note_size, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
