# Turns Verilator's Vnz_*__ver.d into a make fragment: "<target>: <every file read>" plus an empty rule per
# file (like gcc -MP), so a deleted RTL file triggers a rebuild instead of an error.
# Usage: awk -v target=build/sim/fast/w8/Vnz_w8.mk -f sim/verdeps.awk Vnz_w8__ver.d > deps.mk
{
    sub(/^[^:]*:/, "")
    for (i = 1; i <= NF; i++) if (!seen[$i]++) files[++n] = $i
}
END {
    line = target ":"
    for (i = 1; i <= n; i++) line = line " " files[i]
    print line
    for (i = 1; i <= n; i++) print files[i] ":"
}
