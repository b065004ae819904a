# Read after a Verilator-generated Vnz_*.mk (make -f Vnz_w8.mk -f sim/rt.mk nz_rt.a):
# archives the Verilator runtime objects of that flavour (VK_GLOBAL_OBJS: verilated.o,
# verilated_threads.o, plus verilated_fst_c.o / verilated_cov.o when tracing / coverage is on).
nz_rt.a: $(VK_GLOBAL_OBJS)
	rm -f $@
	$(AR) -rcs $@ $^
