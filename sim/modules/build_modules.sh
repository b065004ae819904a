#!/usr/bin/env bash
# Builds build/sim/libnezha_modules.so: every module of modules.txt, Verilated on its own with its own
# prefix, plus the generic port shim (module_sim.cpp) — the C ABI of the per-module benches.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/mod
lib=$root/build/sim/libnezha_modules.so
mkdir -p "$out" "$root/build/sim"
# one build at a time: a second make (another shell, an IDE) would delete directories under the first
exec 9>"$out/.lock"
flock 9
vflags="-O3 --x-assign fast --x-initial fast --noassert -Wno-fatal -Wno-lint -Wno-style -CFLAGS -fPIC -CFLAGS -O2"
objs=()
newest_rtl=$(ls -t "$root"/rtl/*.v "$root"/rtl/*.vh "$root"/rtl/flow/*.v "$0" "$(dirname "$0")"/*.txt "$(dirname "$0")"/*.py "$(dirname "$0")"/*.cpp "$(dirname "$0")"/*.h | head -1)
while read -r name top params; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    d=$out/$name
    a=$d/Vmb_${name}__ALL.a
    if [[ ! -f $a || $newest_rtl -nt $a ]]; then
        rm -rf "$d"
        top_v=$root/rtl/$top.v
        [[ -f $top_v ]] || top_v=$root/rtl/flow/$top.v
        verilator --cc $vflags -I"$root/rtl" -y "$root/rtl" -y "$root/rtl/flow" --top-module "$top" $params --prefix "Vmb_$name" \
            -Mdir "$d" "$top_v" >"$d.log" 2>&1 || { cat "$d.log"; exit 1; }
        make -s -C "$d" -f "Vmb_$name.mk" "Vmb_${name}__ALL.a" OPT_FAST="-O2 -fPIC" OPT_SLOW="-O1 -fPIC" >>"$d.log" 2>&1 || { cat "$d.log"; exit 1; }
        python3 "$root/sim/modules/gen_module_shim.py" "$name" "Vmb_$name" "$d/Vmb_$name.h" "$d/shim_$name.cpp"
        g++ -O2 -fPIC -std=c++17 -c -I"$d" -I"$root/sim/modules" -I/usr/share/verilator/include -I/usr/share/verilator/include/vltstd \
            "$d/shim_$name.cpp" -o "$d/shim_$name.o"
    fi
    objs+=("$d/shim_$name.o" "$a")
done <"${MODULES_FILE:-$root/sim/modules/modules.txt}"
rt=$out/runtime
mkdir -p "$rt"
# Verilator runtime: verilated.cpp needs verilated_threads.cpp too (VlThreadPool), even single-threaded
for src in verilated verilated_threads; do
    if [[ ! -f $rt/$src.o ]]; then
        g++ -O2 -fPIC -std=c++17 -c -I/usr/share/verilator/include -I/usr/share/verilator/include/vltstd \
            /usr/share/verilator/include/$src.cpp -o "$rt/$src.o"
    fi
done
g++ -O2 -fPIC -std=c++17 -c -I"$root/sim/modules" -I/usr/share/verilator/include -I/usr/share/verilator/include/vltstd \
    "$root/sim/modules/module_sim.cpp" -o "$rt/module_sim.o"
# whole-archive so every module's static registrar is linked in
g++ -shared -Wl,--no-undefined -o "$lib" "$rt/module_sim.o" "$rt/verilated.o" "$rt/verilated_threads.o" \
    -Wl,--whole-archive "${objs[@]}" -Wl,--no-whole-archive -pthread -latomic
echo "module benches: $lib"
