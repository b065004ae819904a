/* nezha_sim.h - C ABI of libnezha_sim*.so: cycle-accurate Verilator models of nezha_core.
 *
 * One library holds three configurations of the core (docs/datapath-spec.md section 1):
 *   config 0 = w8, 1 = w64, 2 = w512.
 * Flavours share this ABI: libnezha_sim.so (fast), libnezha_sim_trace.so (FST waveforms),
 * libnezha_sim_cov.so (Verilator coverage).
 *
 * A handle is one independent core (own VerilatedContext); handles may be used from different threads,
 * one thread per handle at a time. Ports: 0 = net, 1 = host. Cycle numbers count rising clock edges since
 * nz_create; an event's cycle is the number of the cycle during which its handshake happened.
 *
 * Per cycle the wrapper: drives inputs (s_* beats, m_* tready, AXI-Lite, tick_in), evaluates with clk low,
 * samples every handshake (valid && ready), evaluates the rising edge, then updates its queues.
 */
#ifndef NEZHA_SIM_H
#define NEZHA_SIM_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NZ_ABI_VERSION 4 /* 2: nz_tick_pulse; 3: probe-round monitor records; 4: register-commit monitor records */

#define NZ_FLAVOUR_TRACE 1u    /* built with --trace-fst */
#define NZ_FLAVOUR_COVERAGE 2u /* built with --coverage */

#define NZ_RESP_TIMEOUT 0xFFFFFFFFu /* nz_reg_write / nz_reg_read: no response within the time limit */

typedef struct nz_info {
    int32_t abi_version; /* NZ_ABI_VERSION */
    int32_t config;      /* 0 w8, 1 w64, 2 w512 */
    int32_t data_w;      /* AXI-Stream data width in bits */
    int32_t keep_w;      /* data_w / 8 */
    int32_t user_w;      /* vnic_w + 8 */
    int32_t vnic_w;      /* vNIC id width */
    uint32_t flavour;    /* NZ_FLAVOUR_* bits of this library */
    int32_t reserved;
} nz_info_t;

typedef struct nz_mon {
    int32_t port;         /* mon_port: 0 net, 1 host; NZ_MON_PROBE_ROUND / NZ_MON_CONFIG_COMMIT: not a frame */
    uint16_t tick;        /* mon_tick */
    uint16_t slow_cycles; /* mon_slow_cycles */
    uint64_t cycle;       /* cycle in which mon_valid was high */
} nz_mon_t;

/* nz_mon_t.port of a probe round (docs/nezha-offload.md section 5): tick = the round's tick, slow_cycles 0. */
#define NZ_MON_PROBE_ROUND 2
/* nz_mon_t.port of a register commit (mon_cfg): a table write or datapath register write took effect between
 * the frames reported before and after it. */
#define NZ_MON_CONFIG_COMMIT 3

/* Creates a core and holds it in reset for 16 cycles. path: the FST file in the trace flavour, the
 * coverage data file (written by nz_destroy) in the coverage flavour; ignored (may be NULL) otherwise.
 * seed: seeds Verilator's randomisation and the default seeds of the stall generators.
 * Returns NULL on a bad config. */
void* nz_create(int config, const char* path, uint64_t seed);
void nz_destroy(void* h);
/* rst high for `cycles` cycles (at least 1) with all inputs idle; empties every queue of the wrapper. */
void nz_reset(void* h, uint32_t cycles);
void nz_info(void* h, nz_info_t* info);
uint32_t nz_flavour(void);

/* Queues one whole frame (len >= 1) on an input port. tuser bits [vnic_w-1:0] and the other flag bits go
 * on every beat, the rx-error flag tuser[vnic_w] only on the last beat. Returns 0, or -1 on bad args. */
int nz_push(void* h, int port, const uint8_t* data, uint32_t len, uint32_t tuser);
/* Frames queued on an input port and not completely accepted by the core yet. */
uint32_t nz_pending_in(void* h, int port);
void nz_step(void* h, uint32_t cycles);
/* Runs until no input is queued, no tick pulse is pending, no frame is partly sent or received, no
 * AXI-Lite access is open, the core's busy is low and both m_*_tvalid are low, for 4 consecutive cycles
 * (or max_cycles ran). Returns the cycles run. */
uint64_t nz_run_until_idle(void* h, uint64_t max_cycles);
int nz_idle(void* h); /* the idle condition above, for the current cycle */

/* External tick (datapath-spec section 5, counted by the core when TICK_CYCLES = 0): tick_in is 0 except
 * that each call makes it high for exactly one clocked cycle, the next one without a pulse yet: calls
 * before a step queue one pulse per cycle (3 calls -> tick_in high in the next 3 cycles). Pulses are not
 * driven while rst is high; nz_reset discards pending ones. */
void nz_tick_pulse(void* h);
/* Tick pulses queued and not driven yet. */
uint32_t nz_tick_pending(void* h);

/* Complete output frames are collected from m_net / m_host as they finish (tuser and cycle of the last
 * beat's handshake; tuser is sampled on the first beat). nz_pop returns 1 and removes the oldest frame of
 * that port, 0 when there is none, -1 (and *len = the frame length, frame kept) when cap is too small. */
int nz_pop(void* h, int port, uint8_t* buf, uint32_t cap, uint32_t* len, uint32_t* tuser, uint64_t* cycle);
uint32_t nz_pending_out(void* h, int port); /* complete frames waiting to be popped */

/* Random tready on output port (ready with probability ready_permille/1000 each cycle, 1000 = always). */
void nz_set_backpressure(void* h, int port, uint32_t ready_permille, uint64_t seed);
/* Random gaps on input port: a beat is offered with probability valid_permille/1000 each cycle once the
 * previous beat was taken (valid never drops before its handshake). */
void nz_set_input_gaps(void* h, int port, uint32_t valid_permille, uint64_t seed);

/* AXI4-Lite write / read; traffic keeps running while the handshake is in progress.
 * Return the response (0 OKAY, 2 SLVERR, ...) or NZ_RESP_TIMEOUT after 100000 cycles. */
uint32_t nz_reg_write(void* h, uint32_t addr, uint32_t data, uint32_t wstrb);
uint32_t nz_reg_read(void* h, uint32_t addr, uint32_t* data);

/* Monitor records (every cycle with mon_valid high), oldest first. */
int nz_mon_pop(void* h, nz_mon_t* ev);
uint32_t nz_mon_pending(void* h);

uint64_t nz_cycles(void* h);
int nz_busy(void* h); /* the core's busy output after the last clock edge */

/* Interface checks done by the wrapper on the outputs (tkeep contiguous and full except on the last beat,
 * tuser constant over a frame, m_net tuser zero, payload stable while stalled, AXI-Lite responses only
 * after their request). Count of violations; text of the first one (returns its full length). */
uint64_t nz_protocol_errors(void* h);
uint32_t nz_protocol_error_text(void* h, char* buf, uint32_t cap);

/* Native baseline: keeps at most 2 copies of the frame queued on `port` until `count` were pushed,
 * steps one cycle at a time popping every output frame and monitor record, until idle.
 * Returns the number of output frames received; cycles and wall time through the pointers. */
int64_t nz_bench_native(void* h, int port, const uint8_t* frame, uint32_t len, uint32_t tuser, uint32_t count,
                        uint64_t* cycles, uint64_t* nanoseconds);

#ifdef __cplusplus
}
#endif
#endif
