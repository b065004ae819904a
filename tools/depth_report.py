#!/usr/bin/env python3
"""Logic depth of a yosys `ltp` report (make depth, issue #13 part 3).

The netlist is synth_xilinx's with every flip-flop, block RAM, LUT RAM, DSP and I/O buffer deleted, so the
longest topological path is the longest path between two registers (or a register and a RAM port). Prints and
returns the path length in cells, how many of them are LUTs (LUT1..LUT6), the other cell types, and the first
and last cell of the path (their names say where it starts and ends).

usage: depth_report.py LTP TYPES WIDTH [--merge bench/results/datapath.json]
  LTP    yosys `ltp` output (lines "N: WIRE (via CELL)")
  TYPES  "@TYPE" marker lines, each followed by `select -list t:TYPE` (module/cell per line)
"""
import json, re, sys
from collections import Counter


def parse(ltp):
    """(length, wires, cells) of the longest path: wire i is driven by cell i ('via'); wire 0 is the start."""
    text = open(ltp).read()
    m = list(re.finditer(r"Longest topological path in \S+ \(length=(\d+)\):\n((?:\s+\d+: .*\n)+)", text))
    if not m:
        sys.exit(f"{ltp}: no 'Longest topological path' found (did yosys run ltp?)")
    m = m[-1]
    wires, cells = [], []
    for line in m.group(2).splitlines():
        n = re.match(r"\s+\d+:\s+(\S+)(?: \[\d+\])?(?: \(via (\S+)\))?", line)
        if n:
            wires.append(n.group(1))
            if n.group(2):
                cells.append(n.group(2))
    return int(m.group(1)), wires, cells


def kinds(types_file, cells):
    """Cell type of each path cell, from the '@TYPE' blocks of `select -list` output."""
    types, cur = {}, None
    for line in open(types_file):
        line = line.strip()
        if line.startswith("@"):
            cur = line[1:]
        elif line and cur:
            types[line.split("/", 1)[-1]] = cur
    return Counter(types.get(c, "?") for c in cells)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    ltp, types_file, width = sys.argv[1], sys.argv[2], sys.argv[3]
    length, wires, cells = parse(ltp)
    k = kinds(types_file, cells)
    luts = sum(n for t, n in k.items() if re.fullmatch(r"LUT[1-6]", t))
    res = {"cells": length, "luts": luts, "types": dict(sorted(k.items())),
           "start": wires[0] if wires else None, "end": wires[-1] if wires else None}
    print(f"w{width}: longest register-to-register path {length} cells, {luts} LUTs "
          f"({', '.join(f'{n} {t}' for t, n in sorted(k.items()))}); from {res['start']} to {res['end']}")
    if "--merge" in sys.argv:
        path = sys.argv[sys.argv.index("--merge") + 1]
        try:
            doc = json.load(open(path))
        except FileNotFoundError:
            doc = {}
        doc.setdefault("logic_depth", {})[str(width)] = res
        with open(path, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
