#!/usr/bin/env python3
"""Generate the port table and accessors of one Verilated module for the module-bench C ABI.

usage: gen_module_shim.py NAME PREFIX HEADER OUT.cpp
Reads the VL_IN*/VL_OUT* port declarations of the Verilated class header and writes a C++ file that
registers the module under NAME with a name-indexed table of ports and set/get functions working on
little-endian 32-bit words (word 0 = bits 31:0).
"""
import re, sys

name, prefix, header, out = sys.argv[1:5]
port_re = re.compile(r"VL_(IN|OUT|INOUT)(8|16|64|W)?\(&(\w+),(\d+),(\d+)(?:,(\d+))?\)")
ports = []
for line in open(header):
    m = port_re.search(line)
    if m:
        d, kind, pname, msb, lsb, words = m.groups()
        width = int(msb) - int(lsb) + 1
        ports.append((pname, 0 if d == "IN" else 1, width, kind or "32"))

L = [f'#include "{prefix}.h"', '#include "module_registry.h"', "", f"namespace {{"]
L.append(f"const mb_port_desc ports[] = {{")
for p, d, w, k in ports:
    L.append(f'    {{"{p}", {d}, {w}}},')
L.append("};")
L.append(f"void set_port({prefix}* m, int i, const uint32_t* w) {{")
L.append("    switch (i) {")
for i, (p, d, w, k) in enumerate(ports):
    if d != 0:
        continue
    if k == "W":
        L.append(f"    case {i}: for (int k = 0; k < {(w + 31) // 32}; k++) m->{p}[k] = w[k]; break;")
    elif k == "64":
        L.append(f"    case {i}: m->{p} = (uint64_t)w[0] | ((uint64_t)w[1] << 32); break;")
    else:
        mask = (1 << w) - 1
        L.append(f"    case {i}: m->{p} = w[0] & 0x{mask:X}u; break;")
L.append("    default: break;")
L.append("    }")
L.append("}")
L.append(f"void get_port({prefix}* m, int i, uint32_t* w) {{")
L.append("    switch (i) {")
for i, (p, d, w, k) in enumerate(ports):
    if k == "W":
        L.append(f"    case {i}: for (int k = 0; k < {(w + 31) // 32}; k++) w[k] = m->{p}[k]; break;")
    elif k == "64":
        L.append(f"    case {i}: w[0] = (uint32_t)m->{p}; w[1] = (uint32_t)(m->{p} >> 32); break;")
    else:
        L.append(f"    case {i}: w[0] = m->{p}; break;")
L.append("    default: break;")
L.append("    }")
L.append("}")
L.append("}  // namespace")
L.append("")
L.append(f"static mb_registrar<{prefix}> reg_{name}(\"{name}\", ports, sizeof(ports) / sizeof(ports[0]), set_port, get_port);")
open(out, "w").write("\n".join(L) + "\n")
