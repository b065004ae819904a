#!/usr/bin/env python3
"""Print the Verilog parameters of one configuration from docs/datapath-spec.md section 1.

usage: spec_params.py w8|w64|w512   ->   DATA_W=8 VNIC_W=2 ...
The spec's table is the single source of the configurations (Makefile: -G flags for Verilator, chparam
for yosys). Exits 1 with a message on stderr when the table cannot be read.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "docs", "datapath-spec.md")


def table():
    rows, cols, inside = [], None, False
    with open(SPEC, encoding="utf-8") as f:
        for line in f:
            if line.startswith("## "):
                inside = line.startswith("## 1.")
                continue
            if not inside or not line.startswith("|"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cols is None:
                cols = [c.split()[0].lower() if c else c for c in cells]
                continue
            if set("".join(cells)) <= set("-: "):
                continue
            rows.append(cells)
    return cols, rows


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    cfg = sys.argv[1]
    cols, rows = table()
    if not cols or cfg not in cols:
        sys.exit(f"spec_params: no column '{cfg}' in the table of {SPEC} section 1")
    i = cols.index(cfg)
    out = []
    for r in rows:
        name, val = r[0], r[i] if i < len(r) else ""
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name) or not re.fullmatch(r"\d+", val):
            sys.exit(f"spec_params: bad row in {SPEC} section 1: {r}")
        out.append(f"{name}={val}")
    if not out:
        sys.exit(f"spec_params: empty table in {SPEC} section 1")
    print(" ".join(out))


if __name__ == "__main__":
    main()
