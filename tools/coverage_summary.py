#!/usr/bin/env python3
"""Per-module line and toggle coverage from Verilator coverage data (.dat files).

    python3 tools/coverage_summary.py build/coverage/merged.dat [-o build/coverage/summary.txt]
        [--split-dir DIR] [--toggle-info PATH] [--html-index PATH --report line --report toggle]
        [--toggle-min N] [--per-file] [--uncovered MODULE|all]

Input: one or more coverage files written by Verilator ("# SystemC::Coverage-3", one "C '<key>' <count>"
record per point and model instance), typically the merge of all runs (verilator_coverage --write
merged.dat runs/*.dat). Records with the same key are summed, as verilator_coverage does, so raw per-run
files can be given too; with --per-file they are kept apart (one group per file).

Each record's key holds fields separated by \\x01, each field name\\x02value: f (source file), l (line),
n (column), page ("v_line/<module>", "v_branch/<module>", "v_toggle/<module>", ...), o (comment: the
statement kind for line points, the signal and bit for toggle points), h (instance path) and S (lines a
block covers). <module> is Verilator's name of the elaborated module: the source name, then for a
parameterised module "__" and an encoding of the parameter values (acl_engine__A2_AB10_AC5,
flow_processor__pi2); everything from the first "__" is dropped, so every parameterisation counts as the
same module (module names must not contain "__" themselves).

What is counted, per module:
  line    Verilator's line coverage: v_line points (a block of statements) and v_branch points (each arm
          of an if/case). Both come from --coverage-line.
  toggle  v_toggle points: one per bit of each signal (--coverage-toggle). In Verilator 5.006 a bit's
          counter counts changes in either direction.

Aggregation: a point is identified by (module, file, line, column, comment), without the instance path
(h) and the parameter suffix, so the records of every instance in every configuration (w8, w64, w512)
belong to the same point. It is hit when one of its records has a count of at least 1 (--toggle-min for
toggle points, default 1): at least one instance of the module in at least one configuration (and, with
--per-file, in one file) hit it. Bits
that exist only at some widths (a wide bus's upper bits) are counted once. The totals add the modules.
With one file per model (make coverage COV_KEEP_RUNS=1), "--per-file --toggle-min 2 build/coverage/runs/*.dat"
counts a bit only when it changed twice in one model, i.e. went both 0->1 and 1->0.

--split-dir DIR also writes DIR/line.dat and DIR/toggle.dat, the input records of each kind (summed),
in the same format, so that `verilator_coverage --write-info` can make a separate lcov file for each
(its own --write-info folds line and toggle points of one source line into one DA record).

--toggle-info PATH writes an lcov tracefile of the toggle points aggregated as above: a BRDA record per
signal bit (shown by genhtml --branch-coverage as "branches") and a DA record per declaration line
holding the lowest count of its bits (the line is hit only when every bit is).

--html-index PATH writes a small HTML page with the table and links to the genhtml reports given with
--report NAME (directories next to the page).

--uncovered MODULE (or "all") lists the points of that module that were not hit, one line each.

Exit status: 0, or 1 when no coverage point was found, 2 on a usage or read error.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys

HEADER = "# SystemC::Coverage-3"
RECORD = re.compile(r"^C '(.*)' (\d+)\s*$")
KINDS = {"v_line": "line", "v_branch": "line", "v_toggle": "toggle"}


def parse_key(key: str) -> dict[str, str]:
    fields = {}
    for item in key.split("\x01"):
        if item:
            name, _, value = item.partition("\x02")
            fields[name] = value
    return fields


def module_of(fields: dict[str, str]) -> str:
    page = fields.get("page", "")
    _, _, mod = page.partition("/")
    if not mod:  # no module in the page: fall back to the file's name
        mod = os.path.splitext(os.path.basename(fields.get("f", "?")))[0]
    # parameterised copies are named name__<parameter encoding> (acl_engine__A2_AB10_AC5, flow_processor__pi2):
    # keep the source name (module names in rtl/ contain no "__")
    return mod.split("__", 1)[0] or mod


def kind_of(fields: dict[str, str]) -> str:
    t = fields.get("t") or fields.get("page", "").partition("/")[0]
    return KINDS.get(t, t or "?")


def read(paths: list[str], per_file: bool = False) -> collections.Counter:
    """(group, key) -> count, records with the same key summed within a group; the group is the file's
    index with per_file, else 0 (everything summed)."""
    counts: collections.Counter = collections.Counter()
    for index, path in enumerate(paths):
        group = index if per_file else 0
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as fh:
                first = fh.readline().rstrip("\n")
                if first != HEADER:
                    raise ValueError(f"{path}: not a Verilator coverage file (first line {first[:40]!r})")
                for lineno, line in enumerate(fh, start=2):
                    if not line.strip() or line.startswith("#"):
                        continue
                    m = RECORD.match(line)
                    if not m:
                        raise ValueError(f"{path}:{lineno}: unexpected line {line[:60]!r}")
                    counts[(group, m.group(1))] += int(m.group(2))
        except OSError as e:
            raise ValueError(f"{path}: {e.strerror}") from e
    return counts


def summarise(counts: collections.Counter, toggle_min: int):
    """points: (kind, module, file, line, column, comment) -> count, the sum over every record of the point
    (instances, configurations, groups) when the point is hit, i.e. when at least one record reaches
    its threshold (toggle_min for toggle points, 1 for line points), else 0."""
    total: dict[tuple, int] = collections.defaultdict(int)
    best: dict[tuple, int] = collections.defaultdict(int)
    files: dict[str, set] = collections.defaultdict(set)
    other: collections.Counter = collections.Counter()
    for (_, key), count in counts.items():
        f = parse_key(key)
        kind = kind_of(f)
        if kind not in ("line", "toggle"):
            other[kind] += 1
            continue
        mod = module_of(f)
        ident = (kind, mod, f.get("f", "?"), int(f.get("l", "0") or 0), int(f.get("n", "0") or 0), f.get("o", ""))
        total[ident] += count
        best[ident] = max(best[ident], count)
        files[mod].add(f.get("f", "?"))
    points = {ident: (total[ident] if best[ident] >= (toggle_min if ident[0] == "toggle" else 1) else 0)
              for ident in total}
    table: dict[str, dict[str, list[int]]] = collections.defaultdict(lambda: {"line": [0, 0], "toggle": [0, 0]})
    for (kind, mod, *_), count in points.items():
        cell = table[mod][kind]
        cell[1] += 1
        if count > 0:
            cell[0] += 1
    return points, table, files, other


def pct(hit: int, total: int) -> str:
    return f"{100.0 * hit / total:6.1f}%" if total else "      -"


def cell(hit: int, total: int) -> str:
    return f"{hit:>6}/{total:<6} {pct(hit, total)}" if total else f"{'-':>6} {'':6} {pct(0, 0)}"


def render(table, files, n_records: int, inputs: list[str], toggle_min: int, per_file: bool, other) -> str:
    width = max([len("module"), len("TOTAL")] + [len(m) for m in table])
    src = inputs[0] if len(inputs) == 1 else f"{len(inputs)} files"
    per = "instance, configuration and file" if per_file else "instance and configuration"
    out = [f"# {src}: {n_records} records. A point (module, file, line, column, signal/statement) is hit when",
           f"# its count reaches 1 (toggle points: {toggle_min}) in one {per}.",
           "# line = v_line + v_branch points (blocks, branch arms), toggle = signal bits.",
           f"{'module':<{width}}  {'line hit/total':<21}  {'toggle hit/total':<21}  file"]
    tot = {"line": [0, 0], "toggle": [0, 0]}
    for mod in sorted(table):
        row = table[mod]
        for k in tot:
            tot[k][0] += row[k][0]
            tot[k][1] += row[k][1]
        out.append(f"{mod:<{width}}  {cell(*row['line'])}  {cell(*row['toggle'])}  {' '.join(sorted(files[mod]))}")
    out.append(f"{'TOTAL':<{width}}  {cell(*tot['line'])}  {cell(*tot['toggle'])}  {len(table)} modules")
    if other:
        out.append("# not counted: " + ", ".join(f"{n} {k} points" for k, n in sorted(other.items())))
    return "\n".join(out) + "\n"


def write_split(counts: collections.Counter, directory: str) -> list[str]:
    """DIR/line.dat and DIR/toggle.dat: the records of each kind, summed over the groups."""
    summed: collections.Counter = collections.Counter()
    for (_, key), count in counts.items():
        summed[key] += count
    os.makedirs(directory, exist_ok=True)
    by_kind: dict[str, list[str]] = {"line": [], "toggle": []}
    for key, count in summed.items():
        kind = kind_of(parse_key(key))
        if kind in by_kind:
            by_kind[kind].append(f"C '{key}' {count}\n")
    written = []
    for kind, lines in by_kind.items():
        path = os.path.join(directory, f"{kind}.dat")
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(HEADER + "\n")
            fh.writelines(sorted(lines))
        written.append(path)
    return written


def write_toggle_info(points, path: str) -> None:
    """lcov tracefile of the toggle points, with the same aggregation as the table: one BRDA record per
    signal bit (genhtml shows them as "branches" when run with --branch-coverage) and one DA record per
    declaration line whose count is the lowest of its bits, so a line is hit only when all its bits are."""
    by_file: dict[str, dict[int, list]] = collections.defaultdict(lambda: collections.defaultdict(list))
    for (kind, mod, f, line, col, comment), count in points.items():
        if kind == "toggle":
            by_file[f][line].append((col, mod, comment, count))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("TN:toggle\n")
        for f in sorted(by_file):
            fh.write(f"SF:{f}\n")
            lh = brh = brf = 0
            for line in sorted(by_file[f]):
                bits = sorted(by_file[f][line], key=lambda b: (b[0], b[1], natural(b[2])))
                for i, (col, mod, comment, count) in enumerate(bits):
                    fh.write(f"BRDA:{line},0,{i},{count}\n")
                    brf += 1
                    brh += count > 0
            for line in sorted(by_file[f]):
                low = min(b[3] for b in by_file[f][line])
                fh.write(f"DA:{line},{low}\n")
                lh += low > 0
            fh.write(f"BRF:{brf}\nBRH:{brh}\nLF:{len(by_file[f])}\nLH:{lh}\nend_of_record\n")


def natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def write_html_index(path: str, table_text: str, reports: list[str]) -> None:
    import html
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    links = "".join(f'<li><a href="{html.escape(r)}/index.html">{html.escape(r)} coverage</a></li>'
                    for r in reports)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Nezha coverage</title></head><body>\n"
                 f"<h1>Nezha RTL coverage</h1><ul>{links}</ul>\n"
                 "<p>Per module (see docs/coverage.md):</p>\n"
                 f"<pre>{html.escape(table_text)}</pre></body></html>\n")


def list_uncovered(points, which: str) -> str:
    out = []
    order = sorted(points, key=lambda p: (p[1], p[0], p[2], p[3], p[4], natural(p[5])))
    for kind, mod, f, line, col, comment in order:
        if points[(kind, mod, f, line, col, comment)] > 0 or (which != "all" and mod != which):
            continue
        out.append(f"{mod:<20} {kind:<6} {f}:{line}:{col}  {comment}")
    return "\n".join(out) + ("\n" if out else "")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="Per-module line and toggle coverage from Verilator .dat files "
                                 "(see the module docstring).")
    ap.add_argument("dat", nargs="+", help="coverage data file(s), e.g. build/coverage/merged.dat")
    ap.add_argument("-o", "--output", help="also write the table to this file")
    ap.add_argument("--toggle-min", type=int, default=1, metavar="N",
                    help="count one record of a toggle point must reach for the point to be hit (default 1)")
    ap.add_argument("--per-file", action="store_true",
                    help="do not add up the input files: with one file per model (COV_KEEP_RUNS=1), a point is "
                    "hit when one instance in one run reached the threshold")
    ap.add_argument("--split-dir", metavar="DIR", help="write DIR/line.dat and DIR/toggle.dat")
    ap.add_argument("--toggle-info", metavar="PATH",
                    help="write an lcov tracefile of the toggle points (see the module docstring)")
    ap.add_argument("--html-index", metavar="PATH", help="write an HTML page with the table and links to the "
                    "genhtml reports named by --report")
    ap.add_argument("--report", action="append", default=[], metavar="NAME",
                    help="a genhtml report directory next to the --html-index page (repeatable)")
    ap.add_argument("--uncovered", metavar="MODULE", help="list the points of MODULE (or 'all') that were not hit")
    args = ap.parse_args(argv)
    if args.toggle_min < 1:
        ap.error("--toggle-min must be at least 1")
    try:
        counts = read(args.dat, args.per_file)
    except ValueError as e:
        print(f"coverage_summary: {e}", file=sys.stderr)
        return 2
    if not counts:
        print(f"coverage_summary: no coverage points in {' '.join(args.dat)}", file=sys.stderr)
        return 1
    points, table, files, other = summarise(counts, args.toggle_min)
    text = render(table, files, len(counts), args.dat, args.toggle_min, args.per_file, other)
    if args.uncovered:
        sys.stdout.write(list_uncovered(points, args.uncovered))
    else:
        sys.stdout.write(text)
    if args.output:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    if args.split_dir:
        write_split(counts, args.split_dir)
    if args.toggle_info:
        write_toggle_info(points, args.toggle_info)
    if args.html_index:
        write_html_index(args.html_index, text, args.report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
