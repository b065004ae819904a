// nezha_sim.cpp - C ABI (sim/nezha_sim.h) around the Verilated models of nezha_core.
//
// One template, Core<M>, drives any of the three Verilated classes (Vnz_w8, Vnz_w64, Vnz_w512, built from
// the same RTL with different parameters and --prefix). Everything per cycle is in Core<M>::cycle(), which is
// inlined into the stepping loops; queues are byte rings with frame descriptors, so a beat costs no heap
// allocation (buffers only grow, amortised, when more data is queued than ever before).

#include "nezha_sim.h"

#include <verilated.h>
#if VM_TRACE
#include <verilated_fst_c.h>
#endif
#if VM_COVERAGE
#include <verilated_cov.h>
#endif

#include "Vnz_w8.h"
#include "Vnz_w64.h"
#include "Vnz_w512.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "nezha_sim assumes a little-endian host (byte i of a beat = bits [8i+7:8i])"
#endif

#define NZ_API extern "C" __attribute__((visibility("default")))

// Widths per configuration: the Makefile passes them from rtl/builds.json (SHIM_DEFS); there is no copy here.
#if !defined(NZ_DATA_W_w8) || !defined(NZ_VNIC_W_w8) || !defined(NZ_DATA_W_w64) || !defined(NZ_VNIC_W_w64) || \
    !defined(NZ_DATA_W_w512) || !defined(NZ_VNIC_W_w512)
#error "NZ_DATA_W_<build> and NZ_VNIC_W_<build> come from rtl/builds.json: build with make sim"
#endif
static_assert(NZ_DATA_W_w8 % 8 == 0 && NZ_DATA_W_w64 % 8 == 0 && NZ_DATA_W_w512 % 8 == 0, "DATA_W is whole bytes");
static_assert(NZ_DATA_W_w8 <= 512 && NZ_DATA_W_w64 <= 512 && NZ_DATA_W_w512 <= 512,
              "the shim handles beats of up to 64 bytes (tkeep in a uint64_t)");

namespace {

constexpr uint32_t kAxiTimeout = 100000;
constexpr int kIdleStreak = 4;

// ---- small helpers ---------------------------------------------------------------------------------

struct Rng {  // splitmix64
    uint64_t s = 1;
    void seed(uint64_t v) { s = v ^ 0x6A09E667F3BCC909ull; }
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    bool chance(uint32_t permille) { return permille >= 1000 || (next() % 1000) < permille; }
};

// Signals narrower than 65 bits are plain integers, wider ones VlWide<N> (32-bit words, LSW first).
template <class T>
inline void sig_set_bytes(T& s, const uint8_t* p, unsigned n) {
    T v = 0;
    std::memcpy(&v, p, n);
    s = v;
}
template <std::size_t W>
inline void sig_set_bytes(VlWide<W>& s, const uint8_t* p, unsigned n) {
    uint8_t* d = reinterpret_cast<uint8_t*>(s.data());
    std::memcpy(d, p, n);
    if (n < W * 4) std::memset(d + n, 0, W * 4 - n);
}
template <class T>
inline void sig_get_bytes(const T& s, uint8_t* p, unsigned n) {
    T v = s;
    std::memcpy(p, &v, n);
}
template <std::size_t W>
inline void sig_get_bytes(const VlWide<W>& s, uint8_t* p, unsigned n) {
    std::memcpy(p, s.data(), n);
}
inline uint64_t keep_mask(unsigned n) { return n >= 64 ? ~0ull : ((1ull << n) - 1); }

struct FrameDesc {
    uint64_t off;  // logical byte offset in the queue
    uint32_t len;
    uint32_t tuser;
    uint64_t cycle;
};

// Frames stored back to back in one growable byte buffer, addressed by logical offsets (buf[0] = base).
struct FrameQueue {
    std::vector<uint8_t> buf;
    uint64_t base = 0, wr = 0;
    uint64_t pstart = 0;  // start of the frame being assembled (== wr when none)
    std::deque<FrameDesc> frames;

    FrameQueue() { buf.resize(1 << 16); }
    uint64_t live_start() const { return frames.empty() ? pstart : frames.front().off; }
    uint8_t* ptr(uint64_t off) { return buf.data() + (off - base); }
    void ensure(uint64_t n) {
        if (wr - base + n <= buf.size()) return;
        const uint64_t ls = live_start();
        const uint64_t live = wr - ls;
        if (live) std::memmove(buf.data(), buf.data() + (ls - base), live);
        base = ls;
        if (live + n > buf.size()) buf.resize(std::max<uint64_t>(buf.size() * 2, live + n));
    }
    void push_frame(const uint8_t* p, uint32_t len, uint32_t tuser) {
        ensure(len);
        std::memcpy(ptr(wr), p, len);
        frames.push_back(FrameDesc{wr, len, tuser, 0});
        wr += len;
        pstart = wr;
    }
    void clear() {
        frames.clear();
        base = wr = pstart = 0;
    }
};

struct InPort {
    FrameQueue q;
    uint32_t pos = 0;         // bytes of the front frame already accepted
    bool presenting = false;  // tvalid is high with the beat at pos
    unsigned beat_n = 0;
    bool beat_last = false;
    uint32_t valid_pm = 1000;
    Rng rng;
};

struct OutPort {
    FrameQueue q;
    bool in_frame = false;
    uint32_t cur_tuser = 0;
    uint32_t ready_pm = 1000;
    bool ready = true;
    Rng rng;
    // stability check while stalled
    bool stalled = false;
    uint8_t prev_data[64];
    uint64_t prev_keep = 0;
    bool prev_last = false;
    uint32_t prev_user = 0;
};

struct Axil {
    int op = 0;  // 0 idle, 1 write, 2 read
    bool aw_done = false, w_done = false, ar_done = false, done = false;
    uint32_t resp = 0, rdata = 0;
};

// ---- configuration-independent part --------------------------------------------------------------

class SimBase {
public:
    virtual ~SimBase() = default;
    virtual void step(uint64_t n) = 0;
    virtual uint64_t run_until_idle(uint64_t max_cycles) = 0;
    virtual void reset(uint32_t cycles) = 0;
    virtual bool idle_now() const = 0;
    virtual bool busy() const = 0;
    virtual uint32_t reg_access(int op, uint32_t addr, uint32_t data, uint32_t strb, uint32_t* rdata) = 0;
    virtual int64_t bench(int port, const uint8_t* frame, uint32_t len, uint32_t tuser, uint32_t count,
                          uint64_t* cycles, uint64_t* ns) = 0;

    nz_info_t info{};
    InPort in[2];
    OutPort out[2];
    std::deque<nz_mon_t> mon;
    Axil ax;
    uint64_t tick_pulses = 0;  // tick_in pulses still to drive, one per cycle
    uint64_t cycle = 0;
    uint64_t proto_errors = 0;
    std::string proto_text;

    void proto(const char* what, int port) {
        if (proto_errors++ == 0) {
            char b[256];
            std::snprintf(b, sizeof b, "cycle %llu: %s%s", (unsigned long long)cycle, what,
                          port < 0 ? "" : (port == 0 ? " (m_net)" : " (m_host)"));
            proto_text = b;
        }
    }

    void clear_queues() {
        for (auto& p : in) {
            p.q.clear();
            p.pos = 0;
            p.presenting = false;
        }
        for (auto& p : out) {
            p.q.clear();
            p.in_frame = false;
            p.stalled = false;
        }
        mon.clear();
        ax = Axil{};
        tick_pulses = 0;
    }

    int pop(int port, uint8_t* buf, uint32_t cap, uint32_t* len, uint32_t* tuser, uint64_t* cyc) {
        FrameQueue& q = out[port].q;
        if (q.frames.empty()) return 0;
        const FrameDesc& f = q.frames.front();
        if (len) *len = f.len;
        if (f.len > cap || (!buf && f.len)) return -1;
        std::memcpy(buf, q.ptr(f.off), f.len);
        if (tuser) *tuser = f.tuser;
        if (cyc) *cyc = f.cycle;
        q.frames.pop_front();
        return 1;
    }

    bool mon_pop(nz_mon_t* ev) {
        if (mon.empty()) return false;
        if (ev) *ev = mon.front();
        mon.pop_front();
        return true;
    }
};

// ---- one Verilated class --------------------------------------------------------------------------

template <class M>
class Core final : public SimBase {
public:
    Core(int config, int data_w, int vnic_w, const char* path, uint64_t seed) {
        info.abi_version = NZ_ABI_VERSION;
        info.config = config;
        info.data_w = data_w;
        info.keep_w = data_w / 8;
        info.vnic_w = vnic_w;
        info.user_w = vnic_w + 8;
        info.flavour = nz_flavour();
        keep_w_ = (unsigned)info.keep_w;
        full_keep_ = keep_mask(keep_w_);
        err_bit_ = 1u << vnic_w;
        for (int p = 0; p < 2; p++) {
            in[p].rng.seed(seed * 4 + (uint64_t)p);
            out[p].rng.seed(seed * 4 + 2 + (uint64_t)p);
        }
        ctx_ = std::make_unique<VerilatedContext>();
        ctx_->randSeed((int)(seed & 0x7FFFFFFF));
#if VM_TRACE
        if (path && *path) ctx_->traceEverOn(true);
#endif
        m_ = std::make_unique<M>(ctx_.get(), "TOP");
        if (sizeof(m_->s_net_tdata) * 8 < (size_t)data_w || sizeof(m_->s_net_tuser) * 8 < (size_t)info.user_w)
            throw std::runtime_error("model port widths do not match the configuration");
        // waveform time: a 10 ns clock period in units of the design's time precision
        half_period_ = 5;
        for (int e = -9; e > ctx_->timeprecision(); e--) half_period_ *= 10;
#if VM_TRACE
        if (path && *path) {
            tfp_ = std::make_unique<VerilatedFstC>();
            m_->trace(tfp_.get(), 99);
            tfp_->open(path);
        }
#endif
#if VM_COVERAGE
        if (path && *path) cov_path_ = path;
#endif
        (void)path;
        idle_inputs();
        m_->clk = 0;
        m_->rst = 1;
        m_->eval();
        reset(16);
    }

    ~Core() override {
        m_->final();
#if VM_TRACE
        if (tfp_) tfp_->close();
#endif
#if VM_COVERAGE
        if (!cov_path_.empty()) ctx_->coveragep()->write(cov_path_.c_str());
#endif
        m_.reset();
    }

    void step(uint64_t n) override {
        for (uint64_t i = 0; i < n; i++) cycle_once();
    }

    uint64_t run_until_idle(uint64_t max_cycles) override {
        uint64_t n = 0;
        int streak = 0;
        while (n < max_cycles) {
            cycle_once();
            n++;
            if (idle_now()) {
                if (++streak >= kIdleStreak) break;
            } else {
                streak = 0;
            }
        }
        return n;
    }

    void reset(uint32_t cycles) override {
        clear_queues();
        m_->rst = 1;
        for (uint32_t i = 0; i < std::max<uint32_t>(cycles, 1); i++) cycle_once();
        m_->rst = 0;
    }

    bool idle_now() const override {
        return in[0].q.frames.empty() && in[1].q.frames.empty() && !out[0].in_frame && !out[1].in_frame &&
               ax.op == 0 && tick_pulses == 0 && !m_->busy && !m_->m_net_tvalid && !m_->m_host_tvalid;
    }

    bool busy() const override { return m_->busy; }

    uint32_t reg_access(int op, uint32_t addr, uint32_t data, uint32_t strb, uint32_t* rdata) override {
        ax = Axil{};
        ax.op = op;
        m_->s_axil_awaddr = addr & 0xFFFF;
        m_->s_axil_araddr = addr & 0xFFFF;
        m_->s_axil_wdata = data;
        m_->s_axil_wstrb = strb & 0xF;
        for (uint32_t i = 0; i < kAxiTimeout && !ax.done; i++) cycle_once();
        const bool done = ax.done;
        ax = Axil{};
        if (!done) return NZ_RESP_TIMEOUT;
        if (rdata && op == 2) *rdata = last_rdata_;
        return last_resp_;
    }

    int64_t bench(int port, const uint8_t* frame, uint32_t len, uint32_t tuser, uint32_t count, uint64_t* cycles,
                  uint64_t* ns) override {
        std::vector<uint8_t> scratch(1 << 16);
        const uint64_t c0 = cycle;
        const auto t0 = std::chrono::steady_clock::now();
        uint32_t pushed = 0;
        int64_t received = 0;
        int streak = 0;
        nz_mon_t ev;
        for (;;) {
            if (pushed < count && in[port].q.frames.size() < 2) {
                in[port].q.push_frame(frame, len, tuser);
                pushed++;
            }
            cycle_once();
            for (int p = 0; p < 2; p++) {
                uint32_t l, u;
                uint64_t c;
                int r;
                while ((r = pop(p, scratch.data(), (uint32_t)scratch.size(), &l, &u, &c)) != 0) {
                    if (r < 0) scratch.resize(l);
                    else received++;
                }
            }
            while (mon_pop(&ev)) {
            }
            if (pushed == count && idle_now()) {
                if (++streak >= kIdleStreak) break;
            } else {
                streak = 0;
            }
        }
        const auto t1 = std::chrono::steady_clock::now();
        if (cycles) *cycles = cycle - c0;
        if (ns) *ns = (uint64_t)std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
        return received;
    }

private:
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<M> m_;
#if VM_TRACE
    std::unique_ptr<VerilatedFstC> tfp_;
#endif
#if VM_COVERAGE
    std::string cov_path_;
#endif
    uint64_t half_period_ = 5;
    unsigned keep_w_ = 1;
    uint64_t full_keep_ = 1;
    uint32_t err_bit_ = 0;
    uint32_t last_resp_ = 0, last_rdata_ = 0;
    uint8_t tmp_[64];

    void idle_inputs() {
        m_->s_net_tvalid = 0;
        m_->s_host_tvalid = 0;
        m_->m_net_tready = 1;
        m_->m_host_tready = 1;
        m_->s_axil_awvalid = 0;
        m_->s_axil_wvalid = 0;
        m_->s_axil_bready = 0;
        m_->s_axil_arvalid = 0;
        m_->s_axil_rready = 0;
        m_->tick_in = 0;
    }

    void dump(uint64_t t) {
        ctx_->time(t);
#if VM_TRACE
        if (tfp_) tfp_->dump(t);
#endif
    }

    template <class D, class K, class V, class L, class U>
    inline void drive_in(InPort& ip, D& tdata, K& tkeep, V& tvalid, L& tlast, U& tuser) {
        if (!ip.presenting && !ip.q.frames.empty() && !m_->rst && ip.rng.chance(ip.valid_pm)) ip.presenting = true;
        if (ip.presenting) {
            const FrameDesc& f = ip.q.frames.front();
            const unsigned n = std::min<uint32_t>(keep_w_, f.len - ip.pos);
            sig_set_bytes(tdata, ip.q.ptr(f.off + ip.pos), n);
            tkeep = static_cast<std::remove_reference_t<K>>(keep_mask(n));
            ip.beat_n = n;
            ip.beat_last = ip.pos + n >= f.len;
            tlast = ip.beat_last;
            tuser = static_cast<std::remove_reference_t<U>>(ip.beat_last ? f.tuser : (f.tuser & ~err_bit_));
            tvalid = 1;
        } else {
            tvalid = 0;
        }
    }

    static inline void advance_in(InPort& ip) {
        ip.pos += ip.beat_n;
        if (ip.beat_last) {
            ip.q.frames.pop_front();
            ip.pos = 0;
            if (ip.q.frames.empty()) ip.q.clear();
        }
        ip.presenting = false;
    }

    template <class D, class K, class V, class L, class U>
    inline void sample_out(int port, OutPort& op, const D& tdata, const K& tkeep, const V& tvalid, const L& tlast,
                           const U& tuser) {
        const bool v = tvalid;
        if (__builtin_expect(op.stalled, 0)) {
            if (!v) {
                proto("tvalid dropped before tready", port);
            } else {
                sig_get_bytes(tdata, tmp_, keep_w_);
                if ((uint64_t)tkeep != op.prev_keep || (bool)tlast != op.prev_last || (uint32_t)tuser != op.prev_user ||
                    std::memcmp(tmp_, op.prev_data, keep_w_) != 0)
                    proto("beat changed while stalled", port);
            }
        }
        if (v && !op.ready) {
            op.stalled = true;
            sig_get_bytes(tdata, op.prev_data, keep_w_);
            op.prev_keep = (uint64_t)tkeep;
            op.prev_last = tlast;
            op.prev_user = (uint32_t)tuser;
        } else {
            op.stalled = false;
        }
        if (!(v && op.ready)) return;
        const uint64_t keep = (uint64_t)tkeep;
        const bool last = tlast;
        const uint32_t u = (uint32_t)tuser;
        // contiguous keep: count of trailing ones (no popcount: it is a libgcc call without -mpopcnt)
        unsigned n = keep == full_keep_ ? keep_w_ : (unsigned)__builtin_ctzll(~keep);
        if (!op.in_frame) {
            op.in_frame = true;
            op.cur_tuser = u;
            op.q.pstart = op.q.wr;
        } else if (u != op.cur_tuser) {
            proto("tuser changed within a frame", port);
        }
        if (port == 0 && u != 0) proto("m_net tuser not zero", port);
        op.q.ensure(keep_w_);
        if (__builtin_expect(keep == 0 || (keep & (keep + 1)) != 0, 0)) {
            proto("tkeep not contiguous from lane 0", port);
            sig_get_bytes(tdata, tmp_, keep_w_);
            n = 0;
            for (unsigned i = 0; i < keep_w_; i++)
                if (keep >> i & 1) op.q.ptr(op.q.wr)[n++] = tmp_[i];
        } else {
            if (!last && keep != full_keep_) proto("partial beat before tlast", port);
            sig_get_bytes(tdata, op.q.ptr(op.q.wr), n);
        }
        op.q.wr += n;
        if (last) {
            op.q.frames.push_back(FrameDesc{op.q.pstart, (uint32_t)(op.q.wr - op.q.pstart), op.cur_tuser, cycle});
            op.in_frame = false;
            op.q.pstart = op.q.wr;
        }
    }

    inline void cycle_once() {
        M* m = m_.get();
        // 1. drive inputs
        drive_in(in[0], m->s_net_tdata, m->s_net_tkeep, m->s_net_tvalid, m->s_net_tlast, m->s_net_tuser);
        drive_in(in[1], m->s_host_tdata, m->s_host_tkeep, m->s_host_tvalid, m->s_host_tlast, m->s_host_tuser);
        out[0].ready = out[0].rng.chance(out[0].ready_pm);
        out[1].ready = out[1].rng.chance(out[1].ready_pm);
        m->m_net_tready = out[0].ready;
        m->m_host_tready = out[1].ready;
        m->s_axil_awvalid = ax.op == 1 && !ax.aw_done;
        m->s_axil_wvalid = ax.op == 1 && !ax.w_done;
        m->s_axil_bready = ax.op == 1;
        m->s_axil_arvalid = ax.op == 2 && !ax.ar_done;
        m->s_axil_rready = ax.op == 2;
        const bool tick = tick_pulses != 0 && !m->rst;
        m->tick_in = tick;
        // 2. clock low, settle
        m->clk = 0;
        m->eval();
        dump(cycle * 2 * half_period_);
        // 3. sample handshakes
        const bool net_in = in[0].presenting && m->s_net_tready;
        const bool host_in = in[1].presenting && m->s_host_tready;
        if (!m->rst) {
            sample_out(0, out[0], m->m_net_tdata, m->m_net_tkeep, m->m_net_tvalid, m->m_net_tlast, m->m_net_tuser);
            sample_out(1, out[1], m->m_host_tdata, m->m_host_tkeep, m->m_host_tvalid, m->m_host_tlast,
                       m->m_host_tuser);
            if (m->mon_valid)
                mon.push_back(nz_mon_t{m->mon_cfg     ? NZ_MON_CONFIG_COMMIT
                                       : m->mon_probe ? NZ_MON_PROBE_ROUND
                                                      : (int32_t)m->mon_port,
                                       (uint16_t)m->mon_tick, (uint16_t)m->mon_slow_cycles, cycle});
            if (ax.op == 1) {
                if (m->s_axil_bvalid) {
                    if (!(ax.aw_done && ax.w_done)) proto("AXI-Lite B response before AW and W handshakes", -1);
                    last_resp_ = m->s_axil_bresp;
                    ax.done = true;
                }
                if (m->s_axil_awvalid && m->s_axil_awready) ax.aw_done = true;
                if (m->s_axil_wvalid && m->s_axil_wready) ax.w_done = true;
            } else if (ax.op == 2) {
                if (m->s_axil_rvalid) {
                    if (!ax.ar_done) proto("AXI-Lite R response before AR handshake", -1);
                    last_resp_ = m->s_axil_rresp;
                    last_rdata_ = m->s_axil_rdata;
                    ax.done = true;
                }
                if (m->s_axil_arvalid && m->s_axil_arready) ax.ar_done = true;
            } else if (m->s_axil_bvalid || m->s_axil_rvalid) {
                if (!stray_resp_) proto("AXI-Lite response without a request", -1);
                stray_resp_ = true;
            }
        }
        // 4. rising edge
        m->clk = 1;
        m->eval();
        dump(cycle * 2 * half_period_ + half_period_);
        // 5. queues
        if (net_in) advance_in(in[0]);
        if (host_in) advance_in(in[1]);
        if (ax.done) ax.op = 0;
        if (tick) tick_pulses--;
        cycle++;
    }

    bool stray_resp_ = false;
};

SimBase* H(void* h) { return static_cast<SimBase*>(h); }
bool port_ok(int p) { return p == 0 || p == 1; }

}  // namespace

// ---- C ABI ------------------------------------------------------------------------------------------

NZ_API uint32_t nz_flavour(void) {
    uint32_t f = 0;
#if VM_TRACE
    f |= NZ_FLAVOUR_TRACE;
#endif
#if VM_COVERAGE
    f |= NZ_FLAVOUR_COVERAGE;
#endif
    return f;
}

NZ_API void* nz_create(int config, const char* path, uint64_t seed) {
    try {
        switch (config) {
        case 0: return static_cast<SimBase*>(new Core<Vnz_w8>(0, NZ_DATA_W_w8, NZ_VNIC_W_w8, path, seed));
        case 1: return static_cast<SimBase*>(new Core<Vnz_w64>(1, NZ_DATA_W_w64, NZ_VNIC_W_w64, path, seed));
        case 2: return static_cast<SimBase*>(new Core<Vnz_w512>(2, NZ_DATA_W_w512, NZ_VNIC_W_w512, path, seed));
        default: return nullptr;
        }
    } catch (...) {
        return nullptr;
    }
}

NZ_API void nz_destroy(void* h) { delete H(h); }
NZ_API void nz_reset(void* h, uint32_t cycles) { H(h)->reset(cycles); }
NZ_API void nz_info(void* h, nz_info_t* info) {
    if (info) *info = H(h)->info;
}

NZ_API int nz_push(void* h, int port, const uint8_t* data, uint32_t len, uint32_t tuser) {
    if (!port_ok(port) || !data || len == 0) return -1;
    H(h)->in[port].q.push_frame(data, len, tuser);
    return 0;
}
NZ_API uint32_t nz_pending_in(void* h, int port) {
    return port_ok(port) ? (uint32_t)H(h)->in[port].q.frames.size() : 0;
}
NZ_API void nz_step(void* h, uint32_t cycles) { H(h)->step(cycles); }
NZ_API uint64_t nz_run_until_idle(void* h, uint64_t max_cycles) { return H(h)->run_until_idle(max_cycles); }
NZ_API int nz_idle(void* h) { return H(h)->idle_now() ? 1 : 0; }

NZ_API void nz_tick_pulse(void* h) { H(h)->tick_pulses++; }
NZ_API uint32_t nz_tick_pending(void* h) {
    return (uint32_t)std::min<uint64_t>(H(h)->tick_pulses, UINT32_MAX);
}

NZ_API int nz_pop(void* h, int port, uint8_t* buf, uint32_t cap, uint32_t* len, uint32_t* tuser, uint64_t* cycle) {
    if (!port_ok(port)) return 0;
    return H(h)->pop(port, buf, cap, len, tuser, cycle);
}
NZ_API uint32_t nz_pending_out(void* h, int port) {
    return port_ok(port) ? (uint32_t)H(h)->out[port].q.frames.size() : 0;
}

NZ_API void nz_set_backpressure(void* h, int port, uint32_t ready_permille, uint64_t seed) {
    if (!port_ok(port)) return;
    H(h)->out[port].ready_pm = ready_permille;
    H(h)->out[port].rng.seed(seed);
}
NZ_API void nz_set_input_gaps(void* h, int port, uint32_t valid_permille, uint64_t seed) {
    if (!port_ok(port)) return;
    H(h)->in[port].valid_pm = valid_permille;
    H(h)->in[port].rng.seed(seed);
}

NZ_API uint32_t nz_reg_write(void* h, uint32_t addr, uint32_t data, uint32_t wstrb) {
    return H(h)->reg_access(1, addr, data, wstrb, nullptr);
}
NZ_API uint32_t nz_reg_read(void* h, uint32_t addr, uint32_t* data) {
    uint32_t d = 0;
    const uint32_t r = H(h)->reg_access(2, addr, 0, 0, &d);
    if (data) *data = d;
    return r;
}

NZ_API int nz_mon_pop(void* h, nz_mon_t* ev) { return H(h)->mon_pop(ev) ? 1 : 0; }
NZ_API uint32_t nz_mon_pending(void* h) { return (uint32_t)H(h)->mon.size(); }
NZ_API uint64_t nz_cycles(void* h) { return H(h)->cycle; }
NZ_API int nz_busy(void* h) { return H(h)->busy() ? 1 : 0; }

NZ_API uint64_t nz_protocol_errors(void* h) { return H(h)->proto_errors; }
NZ_API uint32_t nz_protocol_error_text(void* h, char* buf, uint32_t cap) {
    const std::string& s = H(h)->proto_text;
    if (buf && cap) {
        const size_t n = std::min<size_t>(s.size(), cap - 1);
        std::memcpy(buf, s.data(), n);
        buf[n] = 0;
    }
    return (uint32_t)s.size();
}

NZ_API int64_t nz_bench_native(void* h, int port, const uint8_t* frame, uint32_t len, uint32_t tuser,
                               uint32_t count, uint64_t* cycles, uint64_t* nanoseconds) {
    if (!port_ok(port) || !frame || len == 0) return -1;
    return H(h)->bench(port, frame, len, tuser, count, cycles, nanoseconds);
}
