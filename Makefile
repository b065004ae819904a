# Nezha build and simulation.
#
#   make run          deps + simulator + .NET build, then the CLI's main scenario
#   make test         deps, register map check, lint, simulator, build, NUnit tests (TRX in build/test-results)
#   make sim          build/sim/libnezha_sim.so: w8, w64 and w512 models of nezha_core in one library,
#                     and build/sim/libnezha_modules.so (single-module benches, sim/modules)
#   make sim-trace    build/sim/libnezha_sim_trace.so (FST waveforms; same ABI)
#   make sim-cov      build/sim/libnezha_sim_cov.so (Verilator coverage; same ABI)
#   make wave TEST=x  trace flavour + the NUnit test(s) matching x -> build/waves/x.fst
#   make coverage     coverage flavour + tests (TEST=x to filter) -> build/coverage/{summary.txt,html/}
#   make lint | synth-check | depth | regs | regs-check | build | bench | bench-nezha | clean | install | uninstall
#
# CORE_SRC selects the top-level file (default rtl/nezha_core.v); other modules are found in rtl/.
# Parallelism is capped at two jobs (the build machines are small and shared).

MAKEFLAGS += --no-print-directory
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j2
endif
SHELL := /bin/bash
.DEFAULT_GOAL := all

CORE_SRC  ?= rtl/nezha_core.v
BUILD     ?= build
SIMDIR    := $(BUILD)/sim
DOTNET    ?= dotnet
VERILATOR ?= verilator
YOSYS     ?= yosys
PYTHON    ?= python3
SLN       := Nezha.sln
CONFIGS   := w8 w64 w512

# ---- configurations: read from rtl/builds.json, the single source (tools/gen_builds.py) -------------
BUILDS_JSON  := rtl/builds.json
PARAMS_w8    := $(shell $(PYTHON) tools/gen_builds.py --params w8)
PARAMS_w64   := $(shell $(PYTHON) tools/gen_builds.py --params w64)
PARAMS_w512  := $(shell $(PYTHON) tools/gen_builds.py --params w512)
param_of      = $(patsubst $(2)=%,%,$(filter $(2)=%,$(PARAMS_$(1))))
GPARAMS_w8   := $(addprefix -G,$(PARAMS_w8))
GPARAMS_w64  := $(addprefix -G,$(PARAMS_w64))
GPARAMS_w512 := $(addprefix -G,$(PARAMS_w512))
CHPARAM_w8   := $(foreach p,$(PARAMS_w8),-set $(subst =, ,$(p)))
# widths the C++ shim needs per configuration
SHIM_DEFS    := $(foreach c,$(CONFIGS),-DNZ_DATA_W_$(c)=$(call param_of,$(c),DATA_W) -DNZ_VNIC_W_$(c)=$(call param_of,$(c),VNIC_W))
# recipes that need the parameters start with this
CHECK_PARAMS  = @test -n "$(PARAMS_w8)" -a -n "$(PARAMS_w64)" -a -n "$(PARAMS_w512)" \
                || { echo "cannot read the configurations from $(BUILDS_JSON) (tools/gen_builds.py)"; exit 1; }

# ---- Verilator ----------------------------------------------------------------------------------------
VERILATOR_ROOT := $(shell command -v $(VERILATOR) >/dev/null 2>&1 && $(VERILATOR) --getenv VERILATOR_ROOT)
VINC        := $(addprefix -I,$(sort $(patsubst %/,%,$(dir $(CORE_SRC))) rtl))
# RTL dependencies of each model come from Verilator's own list of the files it read (deps.mk)
RTL_DEPS     = $(CORE_SRC)
VFLAGS_COMMON := --cc -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal --timescale 1ns/1ps \
                 --top-module nezha_core -CFLAGS -fPIC
VFLAGS_fast  :=
VFLAGS_trace := --trace-fst
# coverage: line (with branch arms) and toggle points; 'user' adds nothing here (no cover properties)
VFLAGS_cov   ?= --coverage-line --coverage-toggle
DEFS_fast    := -DVM_TRACE=0 -DVM_TRACE_FST=0 -DVM_COVERAGE=0
DEFS_trace   := -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_COVERAGE=0
DEFS_cov     := -DVM_TRACE=0 -DVM_TRACE_FST=0 -DVM_COVERAGE=1
LIBS_fast    :=
LIBS_trace   := -lz
LIBS_cov     :=
LIB_fast     := $(SIMDIR)/libnezha_sim.so
LIB_trace    := $(SIMDIR)/libnezha_sim_trace.so
LIB_cov      := $(SIMDIR)/libnezha_sim_cov.so
# C++ optimisation of the generated model (fast path / one-time code / Verilator runtime) and the shim
OPT_FAST     ?= -O2
OPT_SLOW     ?= -O1
OPT_GLOBAL   ?= -O2
SIM_CXXFLAGS ?= -O2
CXX          ?= g++
SUBMAKE_OPTS  = OPT_FAST="$(OPT_FAST)" OPT_SLOW="$(OPT_SLOW)" OPT_GLOBAL="$(OPT_GLOBAL)"
# The coverage flavour's one-time code registers ~25k coverage points per configuration in a few huge
# functions that take g++ minutes each at -O1 and seconds at -O0; the per-cycle code keeps OPT_FAST.
OPT_FAST_cov ?= $(OPT_FAST)
OPT_SLOW_cov ?= -O0
SUBMAKE_OPTS_fast  = $(SUBMAKE_OPTS)
SUBMAKE_OPTS_trace = $(SUBMAKE_OPTS)
SUBMAKE_OPTS_cov   = OPT_FAST="$(OPT_FAST_cov)" OPT_SLOW="$(OPT_SLOW_cov)" OPT_GLOBAL="$(OPT_GLOBAL)"

# ---- .NET -------------------------------------------------------------------------------------------
CSPROJS := $(foreach p,Common Model Sim Testbench Tap Cluster Cli,src/Nezha.$(p)/Nezha.$(p).csproj) \
           driver/Nezha.Driver/Nezha.Driver.csproj tests/Nezha.Tests/Nezha.Tests.csproj bench/Nezha.Bench/Nezha.Bench.csproj
ASSETS  := $(foreach p,$(CSPROJS),$(dir $(p))obj/project.assets.json)
RESTORE_STAMP := $(BUILD)/.restore.stamp
TEST_RESULTS  := $(BUILD)/test-results
TEST_PROJECT  := tests/Nezha.Tests
TEST_ARGS     ?=

# tool -> Debian package
APT_TOOLS := verilator:verilator yosys:yosys nextpnr-ice40:nextpnr-ice40 icepack:fpga-icestorm \
             g++:g++ make:make python3:python3 ip:iproute2 ping:iputils-ping tshark:tshark

.PHONY: all deps deps-apt regs regs-check sim sim-modules sim-trace sim-cov lint synth-check synth-report depth build test run bench bench-nezha wave coverage \
        clean help install uninstall FORCE

all: sim build

help:
	@sed -n '2,14p' Makefile | sed 's/^# \{0,1\}//'

# ---- deps ------------------------------------------------------------------------------------------
deps: deps-apt $(RESTORE_STAMP)

deps-apt:
	@missing=""; \
	for tp in $(APT_TOOLS); do command -v "$${tp%%:*}" >/dev/null 2>&1 || missing="$$missing $${tp#*:}"; done; \
	[ -f /usr/include/zlib.h ] || missing="$$missing zlib1g-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "deps: apt-get install failed" >&2; exit 1; }; \
	fi

# restore when a project file changed or an obj/project.assets.json is missing (after deps-apt)
$(RESTORE_STAMP): $(SLN) $(wildcard Directory.Build.props Directory.Packages.props global.json) $(CSPROJS) \
                  $(if $(filter-out $(wildcard $(ASSETS)),$(ASSETS)),FORCE) | deps-apt
	@mkdir -p $(@D)
	@echo "  RESTORE $(SLN)"
	@$(DOTNET) restore $(SLN) --nologo -v q >$(BUILD)/restore.log 2>&1 || { cat $(BUILD)/restore.log; exit 1; }
	@touch $@

# ---- register map and build configurations (generated C#, Verilog and doc tables) --------------------
regs:
	$(PYTHON) tools/gen_regs.py
	$(PYTHON) tools/gen_builds.py

regs-check:
	@$(PYTHON) tools/gen_regs.py --check
	@$(PYTHON) tools/gen_builds.py --check

# ---- simulator libraries ---------------------------------------------------------------------------
sim: $(LIB_fast) sim-modules
sim-trace: $(LIB_trace)
sim-cov: $(LIB_cov)

# build/sim/libnezha_modules.so: single-module benches (sim/modules; the script is incremental itself)
sim-modules:
	@bash sim/modules/build_modules.sh

# A stamp per flavour holds everything that changes the generated code; it is rewritten only on change.
define FLAVOUR_RULES
$(SIMDIR)/$(1)/flags.stamp: FORCE
	$(CHECK_PARAMS)
	@mkdir -p $$(@D)
	@echo '$(CORE_SRC) $(VINC) $(VFLAGS_COMMON) $(VFLAGS_$(1)) $(GPARAMS_w8) $(GPARAMS_w64) $(GPARAMS_w512) $(SUBMAKE_OPTS_$(1))' \
	  | cmp -s - $$@ || echo '$(CORE_SRC) $(VINC) $(VFLAGS_COMMON) $(VFLAGS_$(1)) $(GPARAMS_w8) $(GPARAMS_w64) $(GPARAMS_w512) $(SUBMAKE_OPTS_$(1))' > $$@

# Verilator runtime, compiled once per flavour (in the w8 directory, with that flavour's defines)
$(SIMDIR)/$(1)/w8/nz_rt.a: $(SIMDIR)/$(1)/w8/Vnz_w8.mk sim/rt.mk
	@$(MAKE) -C $$(@D) -f Vnz_w8.mk -f $(CURDIR)/sim/rt.mk nz_rt.a $(SUBMAKE_OPTS_$(1)) >$$(@D)/rt.log 2>&1 \
	  || { cat $$(@D)/rt.log; exit 1; }
	@touch $$@

$(SIMDIR)/$(1)/nezha_sim.o: sim/nezha_sim.cpp sim/nezha_sim.h $(foreach c,$(CONFIGS),$(SIMDIR)/$(1)/$(c)/Vnz_$(c).mk)
	@echo "  CXX     $$@"
	@$(CXX) $(SIM_CXXFLAGS) -std=gnu++17 -fPIC -fvisibility=hidden -faligned-new $(DEFS_$(1)) -DVM_SC=0 $(SHIM_DEFS) \
	  -I$(VERILATOR_ROOT)/include -I$(VERILATOR_ROOT)/include/vltstd \
	  $(foreach c,$(CONFIGS),-I$(SIMDIR)/$(1)/$(c)) -c -o $$@ $$<

$(LIB_$(1)): $(SIMDIR)/$(1)/nezha_sim.o $(foreach c,$(CONFIGS),$(SIMDIR)/$(1)/$(c)/Vnz_$(c)__ALL.a) \
             $(SIMDIR)/$(1)/w8/nz_rt.a sim/nezha_sim.map
	@echo "  LINK    $$@"
	@$(CXX) -shared -o $$@.tmp $(SIMDIR)/$(1)/nezha_sim.o \
	  $(foreach c,$(CONFIGS),$(SIMDIR)/$(1)/$(c)/Vnz_$(c)__ALL.a) $(SIMDIR)/$(1)/w8/nz_rt.a \
	  -Wl,--version-script=sim/nezha_sim.map -Wl,--exclude-libs,ALL -Wl,--no-undefined -pthread -latomic $(LIBS_$(1))
	@mv -f $$@.tmp $$@
endef

# $(1) = flavour, $(2) = configuration
define MODEL_RULES
$(SIMDIR)/$(1)/$(2)/Vnz_$(2).mk: $(RTL_DEPS) $(SIMDIR)/$(1)/flags.stamp sim/verdeps.awk
	@echo "  VERILATE $(1)/$(2)"
	@mkdir -p $$(@D)
	@$(VERILATOR) $(VFLAGS_COMMON) $(VFLAGS_$(1)) $(VINC) $(GPARAMS_$(2)) --prefix Vnz_$(2) -Mdir $$(@D) \
	  $(CORE_SRC) >$$(@D)/verilate.log 2>&1 || { cat $$(@D)/verilate.log; exit 1; }
	@awk -v target=$$@ -f sim/verdeps.awk $$(@D)/Vnz_$(2)__ver.d > $$(@D)/deps.mk
	@grep -q '%Warning' $$(@D)/verilate.log && echo "  ($$$$(grep -c '%Warning' $$(@D)/verilate.log) Verilator warning(s): $$(@D)/verilate.log; see make lint)" || true
	@touch $$@

$(SIMDIR)/$(1)/$(2)/Vnz_$(2)__ALL.a: $(SIMDIR)/$(1)/$(2)/Vnz_$(2).mk
	@echo "  CXX     $(1)/$(2) model"
	@$(MAKE) -C $$(@D) -f Vnz_$(2).mk Vnz_$(2)__ALL.a $(SUBMAKE_OPTS_$(1)) >$$(@D)/build.log 2>&1 \
	  || { cat $$(@D)/build.log; exit 1; }
	@touch $$@
endef

$(foreach f,fast trace cov,$(eval $(call FLAVOUR_RULES,$(f))))
$(foreach f,fast trace cov,$(foreach c,$(CONFIGS),$(eval $(call MODEL_RULES,$(f),$(c)))))
-include $(wildcard $(SIMDIR)/*/*/deps.mk)

# ---- lint / synthesis ------------------------------------------------------------------------------
lint: $(addprefix lint-,$(CONFIGS))
lint-%:
	$(CHECK_PARAMS)
	@echo "  LINT    $*"
	@$(VERILATOR) --lint-only -Wall --timescale 1ns/1ps --top-module nezha_core $(VINC) $(GPARAMS_$*) $(CORE_SRC)

SYNTH_SRCS = $(CORE_SRC) $(filter-out $(CORE_SRC) rtl/nezha_core.v,$(wildcard rtl/*.v))
# synthesis reruns only when the RTL or the w8 parameters change (it takes several minutes). synth_ice40 runs up to
# its 'check' label, whose checks follow without 'autoname' (it only renames cells; yosys CPU 733 s -> 663 s);
# 'check -assert' fails the target on a driver conflict or a logic loop.
synth-check: $(BUILD)/synth/nezha_w8_stat.txt
	@$(MAKE) synth-report

$(BUILD)/synth/nezha_w8_stat.txt: $(SYNTH_SRCS) $(wildcard rtl/*.vh) $(BUILDS_JSON)
	$(CHECK_PARAMS)
	@mkdir -p $(BUILD)/synth
	@echo "  SYNTH   w8 (iCE40), log in $(BUILD)/synth/nezha_w8.log"
	@$(YOSYS) -q -l $(BUILD)/synth/nezha_w8.log -p "read_verilog -Irtl $(SYNTH_SRCS); \
	  chparam $(CHPARAM_w8) nezha_core; synth_ice40 -top nezha_core -run :check; \
	  hierarchy -check; tee -q -o $@.tmp stat; check -noinit -assert" || { tail -20 $(BUILD)/synth/nezha_w8.log; exit 1; }
	@mv -f $@.tmp $@

synth-report: $(BUILD)/synth/nezha_w8_stat.txt
	@grep -E 'Number of cells|SB_LUT4|SB_CARRY|SB_DFF|SB_RAM40_4K' $(BUILD)/synth/nezha_w8_stat.txt | sed 's/^ */  /'
	@grep -q SB_RAM40_4K $(BUILD)/synth/nezha_w8_stat.txt || echo "  SB_RAM40_4K 0"
	@awk '$$1=="SB_LUT4"{l=$$2} $$1=="SB_RAM40_4K"{r=$$2} END{printf "  HX8K (7680 LCs, 32 BRAM): LUT4 %d%%, BRAM %d%%; UP5K (5280 LCs, 30 BRAM): LUT4 %d%%, BRAM %d%%\n", \
	  100*l/7680, 100*r/32, 100*l/5280, 100*r/30}' $(BUILD)/synth/nezha_w8_stat.txt

# Logic depth (issue #13 part 3): yosys synth_xilinx for UltraScale+ of w64 and w512, flattened; every
# flip-flop, block RAM, LUT RAM, DSP and I/O buffer is deleted, so `ltp` (longest topological path) measures the
# longest path between two registers in cells. tools/depth_report.py counts its LUTs and merges
# "logic_depth" into bench/results/datapath.json. Slow (w512: tens of minutes): not part of `make test`.
DEPTH_CONFIGS ?= w64 w512
DEPTH_TYPES   := LUT1 LUT2 LUT3 LUT4 LUT5 LUT6 MUXF7 MUXF8 MUXF9 CARRY4 CARRY8 INV
CHPARAM_w64  := $(foreach p,$(PARAMS_w64),-set $(subst =, ,$(p)))
CHPARAM_w512 := $(foreach p,$(PARAMS_w512),-set $(subst =, ,$(p)))

depth: $(foreach c,$(DEPTH_CONFIGS),$(BUILD)/depth/$(c).ltp)
	@for c in $(DEPTH_CONFIGS); do \
	  $(PYTHON) tools/depth_report.py $(BUILD)/depth/$$c.ltp $(BUILD)/depth/$$c.types $${c#w} --merge bench/results/datapath.json || exit 1; \
	done

$(BUILD)/depth/%.ltp: $(SYNTH_SRCS) $(wildcard rtl/*.vh) docs/datapath-spec.md
	$(CHECK_PARAMS)
	@mkdir -p $(BUILD)/depth
	@echo "  DEPTH   $* (synth_xilinx xcup), log in $(BUILD)/depth/$*.log"
	@rm -f $(BUILD)/depth/$*.types
	@$(YOSYS) -q -l $(BUILD)/depth/$*.log -p "read_verilog -Irtl $(SYNTH_SRCS); chparam $(CHPARAM_$*) nezha_core; \
	  synth_xilinx -family xcup -flatten -top nezha_core; tee -q -o $(BUILD)/depth/$*.stat stat; \
	  delete t:FD* t:RAMB* t:RAM32M16 t:RAM64M8 t:DSP48E2 t:IBUF t:OBUF t:BUFG; tee -q -o $@.tmp ltp; \
	  $(foreach t,$(DEPTH_TYPES),tee -q -a $(BUILD)/depth/$*.types log @$(t); tee -q -a $(BUILD)/depth/$*.types select -list t:$(t);)" \
	  || { tail -20 $(BUILD)/depth/$*.log; exit 1; }
	@mv -f $@.tmp $@

# ---- .NET ------------------------------------------------------------------------------------------
build:
	$(DOTNET) build $(SLN) -c Release --nologo -v minimal

test:
	@$(MAKE) deps
	@$(MAKE) regs-check
	@$(MAKE) lint
	@rm -rf $(TEST_RESULTS)
	@mkdir -p $(BUILD)
	@# yosys (single-threaded, the longest step) starts first and runs beside the simulator and .NET builds and
	@# the NUnit regression
	@$(MAKE) synth-check >$(BUILD)/synth-check.out 2>&1 & synth=$$!; \
	  $(MAKE) sim && $(MAKE) build && \
	  $(DOTNET) test $(TEST_PROJECT) -c Release --no-build --logger trx --results-directory $(TEST_RESULTS) $(TEST_ARGS); rc=$$?; \
	  wait $$synth; src=$$?; cat $(BUILD)/synth-check.out; \
	  [ $$src -eq 0 ] || echo "synth-check failed (see $(BUILD)/synth/nezha_w8.log)"; \
	  [ $$rc -eq 0 ] && [ $$src -eq 0 ]

run:
	@$(MAKE) deps
	@$(MAKE) sim
	@$(MAKE) build
	$(DOTNET) run --project src/Nezha.Cli -c Release --no-build -- run

bench:
	@$(MAKE) deps
	@$(MAKE) sim
	@$(MAKE) build
	$(DOTNET) run --project bench/Nezha.Bench -c Release --no-build

# the Nezha cluster measurements (docs/cluster.md): bench/results/nezha.json and nezha.png
bench-nezha:
	@$(MAKE) deps
	@$(MAKE) sim
	@$(MAKE) build
	nice -n 5 $(DOTNET) run --project bench/Nezha.Bench -c Release --no-build -- nezha $(BENCH_ARGS)

wave:
	@test -n "$(TEST)" || { echo "usage: make wave TEST=<test name or part of it>"; exit 2; }
	@$(MAKE) deps
	@$(MAKE) sim-trace
	@$(MAKE) build
	@mkdir -p $(BUILD)/waves && rm -f $(BUILD)/waves/$(TEST).fst $(BUILD)/waves/$(TEST).*.fst
	@NEZHA_TRACE=$(abspath $(BUILD)/waves/$(TEST).fst) $(DOTNET) test $(TEST_PROJECT) -c Release --no-build \
	  --filter "FullyQualifiedName~$(TEST)" $(TEST_ARGS); rc=$$?; \
	ls -l $(BUILD)/waves/$(TEST).fst $(BUILD)/waves/$(TEST).*.fst 2>/dev/null || echo "no waveform written (no SimNic created?)"; exit $$rc

# Coverage (docs/coverage.md): every SimNic of the run writes one .dat into $(COV_DIR)/runs when destroyed;
# they are merged into merged.dat (runs/ is then deleted unless COV_KEEP_RUNS=1), summarised per module by
# tools/coverage_summary.py (summary.txt) and turned into two lcov reports, html/line and html/toggle.
# Failing tests still give a report; the target then exits with the tests' status.
COV_DIR        = $(BUILD)/coverage
COV_APT_TOOLS := genhtml:lcov
COV_KEEP_RUNS ?= 0
VERILATOR_COVERAGE ?= verilator_coverage
GENHTML       ?= genhtml

coverage:
	@$(MAKE) deps APT_TOOLS="$(APT_TOOLS) $(COV_APT_TOOLS)"
	@$(MAKE) sim-cov sim-modules
	@$(MAKE) build
	@rm -rf $(COV_DIR) && mkdir -p $(COV_DIR)/runs
	@echo "  TEST    coverage flavour$(if $(TEST), (tests matching $(TEST))), data in $(COV_DIR)/runs"
	@t0=$$(date +%s); \
	  NEZHA_COVERAGE=$(abspath $(COV_DIR)/runs) $(DOTNET) test $(TEST_PROJECT) -c Release --no-build \
	    --logger trx --results-directory $(abspath $(COV_DIR)/test-results) \
	    $(if $(TEST),--filter "FullyQualifiedName~$(TEST)") $(TEST_ARGS); \
	  echo $$? > $(COV_DIR)/test.rc; echo "  tests took $$(( $$(date +%s) - t0 )) s"
	@n=$$(ls $(COV_DIR)/runs | grep -c '\.dat$$'); \
	  [ "$$n" -gt 0 ] || { echo "coverage: no .dat file written in $(COV_DIR)/runs (did any test create a SimNic?)"; exit 1; }; \
	  echo "  MERGE   $$n files -> $(COV_DIR)/merged.dat"; \
	  $(VERILATOR_COVERAGE) --write $(COV_DIR)/merged.dat $(COV_DIR)/runs/*.dat
	@[ "$(COV_KEEP_RUNS)" = 1 ] || rm -rf $(COV_DIR)/runs
	@$(PYTHON) tools/coverage_summary.py $(COV_DIR)/merged.dat -o $(COV_DIR)/summary.txt --split-dir $(COV_DIR) \
	  --toggle-info $(COV_DIR)/toggle.info --html-index $(COV_DIR)/html/index.html --report line --report toggle
	@$(VERILATOR_COVERAGE) --write-info $(COV_DIR)/line.info $(COV_DIR)/line.dat
	@$(GENHTML) -q --branch-coverage --title "Nezha line coverage" -o $(COV_DIR)/html/line $(COV_DIR)/line.info
	@$(GENHTML) -q --branch-coverage --title "Nezha toggle coverage (branches = signal bits)" \
	  -o $(COV_DIR)/html/toggle $(COV_DIR)/toggle.info
	@echo "  SUMMARY $(COV_DIR)/summary.txt"
	@echo "  HTML    $(COV_DIR)/html/index.html (line/, toggle/)"
	@rc=$$(cat $(COV_DIR)/test.rc); [ "$$rc" = 0 ] || echo "coverage: the tests failed (exit $$rc), see $(COV_DIR)/test-results"; exit $$rc

clean:
	rm -rf $(BUILD) $(foreach p,$(CSPROJS),$(dir $(p))bin $(dir $(p))obj)

# ---- install: `nezha` on the PATH ------------------------------------------------------------------
# A wrapper script $(PREFIX)/bin/nezha runs the CLI built in this tree (which must stay where it is) and a bash
# completion script goes to $(PREFIX)/share/bash-completion/completions/nezha. Both carry INSTALL_MARK: install
# refuses to overwrite a file (or a link) that does not, and uninstall removes only files that do.
PREFIX       ?= /usr/local
BINDIR        = $(DESTDIR)$(PREFIX)/bin
COMPDIR       = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
NEZHA_DLL     = $(CURDIR)/src/Nezha.Cli/bin/Release/net10.0/nezha.dll
INSTALL_MARK  = installed by the Nezha Makefile (make install)
INSTALLED     = $(BINDIR)/nezha $(COMPDIR)/nezha
# opens an `if` that is true unless $$f is missing or a regular file carrying the mark
NOT_OURS      = if [ -L "$$f" ] || { [ -e "$$f" ] && ! { [ -f "$$f" ] && grep -qsF "$(INSTALL_MARK)" "$$f"; }; }; then

install:
	@test -f $(NEZHA_DLL) || $(MAKE) all
	@for f in $(INSTALLED); do \
	  $(NOT_OURS) echo "install: $$f exists and was not installed by this Makefile; not overwritten (remove it, or set PREFIX)" >&2; exit 1; fi; \
	done
	@dotnet=$$(command -v $(DOTNET) || echo $(DOTNET)); tmp=$$(mktemp); \
	  printf '#!/bin/sh\n# nezha: %s from %s; make uninstall removes it.\nexec "%s" "%s" "$$@"\n' \
	    "$(INSTALL_MARK)" "$(CURDIR)" "$$dotnet" "$(NEZHA_DLL)" > $$tmp && \
	  install -d $(BINDIR) && install -m 0755 $$tmp $(BINDIR)/nezha; rc=$$?; rm -f $$tmp; exit $$rc
	@install -d $(COMPDIR) && install -m 0644 tools/nezha-completion.bash $(COMPDIR)/nezha
	@echo "  INSTALL $(BINDIR)/nezha (runs $(NEZHA_DLL))"
	@echo "  INSTALL $(COMPDIR)/nezha (bash completion: new shells, or source it)"

uninstall:
	@for f in $(INSTALLED); do \
	  if [ ! -e "$$f" ] && [ ! -L "$$f" ]; then continue; fi; \
	  $(NOT_OURS) echo "uninstall: $$f was not installed by this Makefile; left alone" >&2; continue; fi; \
	  rm -f "$$f" && echo "  RM      $$f"; \
	done

FORCE:
