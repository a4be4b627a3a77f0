#!/usr/bin/env python3
"""Converts ../shared/evidence/targets.csv (one line per E-entry, multi-valued cells joined by
" / ") into data/evidence/evidence.csv (one row per observed value). Run once; the output is
the maintained file (new entries are added to it by hand, with a source)."""
import csv, re, sys

src, dst = sys.argv[1], sys.argv[2]
ident = re.compile(r"(doi:\S+|PMID \d+|PMC\d+)")
number = r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?"

def parse(value):
    """(value, low, high) as text; numeric where the cell is a number or a range."""
    v = value.strip().lstrip("~")
    if re.fullmatch(number, v):
        return v, "", ""
    m = re.fullmatch(f"({number})-({number})", v)
    if m:
        lo, hi = float(m.group(1)), float(m.group(2))
        return repr((lo + hi) / 2).rstrip("0").rstrip("."), m.group(1), m.group(2)
    return "", "", ""

rows = []
with open(src, newline="") as f:
    for r in csv.DictReader(f):
        values = [v.strip() for v in r["value"].split(" / ")]
        spreads = [s.strip() for s in r["spread"].split(" / ")] if r["spread"] else []
        units = [u.strip() for u in r["unit"].split(" / ")]
        conds = [c.strip() for c in r["condition"].split(" / ")]
        reads = [x.strip() for x in re.split(r" / | by body weight ", r["readout"])]
        k = len(values)
        for i, text in enumerate(values):
            value, low, high = parse(text)
            if r["spread_kind"] == "range" and not low and value:
                low = high = value
            pick = lambda xs: xs[i] if len(xs) == k else r_field(xs)
            def r_field(xs):
                return " / ".join(xs)
            rows.append({
                "id": r["id"] if k == 1 else f"{r['id']}.{i + 1}",
                "entry": r["id"], "topic": r["topic"], "species": r["species"], "model": r["model"],
                "condition": pick(conds), "readout": r["readout"] if k == 1 else r["readout"] + f" [value {i + 1} of {k}]",
                "timepoint": r["timepoint"], "value_text": text, "value": value, "low": low, "high": high,
                "spread": (spreads[i] if len(spreads) == k else r["spread"]).replace("-", "") ,
                "spread_kind": r["spread_kind"], "n": r["n"], "unit": pick(units),
                "source": r["source"], "identifier": "; ".join(ident.findall(r["source"])),
                "confidence": r["confidence"]})
fields = list(rows[0].keys())
with open(dst, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
print(len(rows), "rows")
