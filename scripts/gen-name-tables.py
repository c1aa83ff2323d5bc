#!/usr/bin/env python3
"""Regenerates data/text/*.tsv from opensanctions/rigour's YAML name tables (a development-time
tool; the build and the service read only the TSV files).

usage: scripts/gen-name-tables.py RIGOUR_NAMES_DIR
  org_types.tsv      alias <TAB> compare form <TAB> generic form   (legal forms, many languages)
  name_prefixes.tsv  kind <TAB> prefix                              (titles and honorifics)
Aliases are written raw; kycloud normalises them with the same code it uses for names.
"""
import sys, yaml, os

src = sys.argv[1]
out = os.path.join(os.path.dirname(__file__), "..", "data", "text")
types = yaml.safe_load(open(os.path.join(src, "org_types.yml")))["types"]
with open(os.path.join(out, "org_types.tsv"), "w") as f:
    f.write("# Legal forms: alias, compare form, generic form. From opensanctions/rigour @ 8f4044dd,\n")
    f.write("# resources/names/org_types.yml (MIT licence, see data/text/LICENSE-rigour).\n")
    for t in types:
        compare = t.get("compare") or t.get("display") or (t.get("aliases") or [""])[0]
        generic = t.get("generic") or ""
        for alias in [t.get("display")] + list(t.get("aliases") or []):
            if not alias:
                continue
            clean = lambda s: str(s).replace("\t", " ").replace("\n", " ")
            f.write(f"{clean(alias)}\t{clean(compare)}\t{clean(generic)}\n")
stop = yaml.safe_load(open(os.path.join(src, "stopwords.yml")))
with open(os.path.join(out, "name_prefixes.tsv"), "w") as f:
    f.write("# Name prefixes (titles, honorifics). From opensanctions/rigour @ 8f4044dd,\n")
    f.write("# resources/names/stopwords.yml (MIT licence, see data/text/LICENSE-rigour).\n")
    for kind in ("PERSON_NAME_PREFIXES", "ORG_NAME_PREFIXES", "OBJ_NAME_PREFIXES"):
        for p in stop.get(kind) or []:
            f.write(f"{kind.split('_')[0].lower()}\t{p}\n")
