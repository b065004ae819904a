`resetall
`default_nettype none

// nezha_csr: Nezha control/status registers (docs/register-map.md, generated from regs/nezha_regs.json).
//
// Contents: AXI4-Lite slave (axil_regs, 16-bit byte addresses, 32-bit data, one outstanding read and
// one outstanding write, OKAY=0 / SLVERR=2), the address decoder and read multiplexer (csr_decode), the
// CORE/CONFIG registers (reset values generated from regs/nezha_regs.json, nezha_fields.vh), the 64-bit
// cycle counter, and the indirect-table machinery (INDEX/CMD/STATUS/ENTRIES/DATA0..15 of the VNIC, ROUTE,
// MAP, ACL, SESSION, OFFLOAD and FE_GROUP tables, DATA0..15 in a RAM). The tables themselves live next to the
// pipeline (nezha_tables; the session table in the flow processor): this block reaches them only through
// the table port tp_* (check, write, read of one entry as DATA words). The statistics (stats_counters) and
// the tick (tick_gen) are read / configured through st_* / vs_* and cfg_tick_cycles / tick_now.
//
// Register semantics (the C# model implements the same):
//  * Every block header (TYPE +0, VERSION +4, NEXT +8) reads back; NEXT chains the blocks in
//    address order (CORE, CONFIG, STATS, VNIC_STATS, VNIC_TABLE, ROUTE, MAP, ACL, SESSION, OFFLOAD,
//    FE_GROUP), 0 last.
//  * Unknown (incl. unaligned) address: read -> SLVERR, data 0; write -> SLVERR. Write to a read-only
//    register (block headers, CORE parameters, CYCLES_LO/HI, TICK_NOW, NUM_COUNTERS, STATS and
//    VNIC_STATS counters, STATUS, ENTRIES) -> SLVERR. Any write with wstrb != 4'hF -> SLVERR.
//    Out-of-range values -> SLVERR: MTU outside 64..MTU_MAX, IDLE/CLOSE_TIMEOUT >= 32768, TICK_CYCLES
//    > 0xFFFFFF (0 is accepted: external tick, tick_in), *_MAC_HI with bits 31:16 set, VNIC_STATS
//    SEL >= N_VNIC, ACL SET_SEL >= ACL_SETS, SET_COUNT > ACL_RULES,
//    FE_GROUP PROBE_INTERVAL / PROBE_TIMEOUT > 65535. A refused write changes nothing (a refused CMD only sets STATUS, below).
//    INDEX takes any 32-bit value (checked at CMD time). SET_COUNT reads/writes the count of set SET_SEL.
//    ENTRIES reads the table size (SESSION: 2 * 2**SESS_LOG2 * SESS_WAYS).
//  * CMD reads 0 (OKAY). DATA0..15 (all 16 words, every table) are plain 32-bit rw words; CMD 1 does
//    not change them; CMD 2 overwrites the words of the table's entry layout (VNIC 0-5, ROUTE 0-3,
//    MAP 0-5, ACL 0-4, SESSION 0-15) with the entry, unlisted bits 0; higher DATA words keep their value.
//  * 64-bit counters (CYCLES, STATS[i], VNIC_STATS): a LO read returns bits 31:0 and latches bits 63:32
//    into one shared shadow; any HI read returns the shadow (0 after reset).
//  * CMD write (wstrb 0xF): value 1 = write entry (SESSION: BAD_CMD), 2 = read entry, any other 32-bit
//    value = BAD_CMD. Checks in order: BAD_CMD (3), INDEX >= ENTRIES -> BAD_INDEX (1), (CMD 1 only)
//    field checks -> BAD_VALUE (2): VNI word bits 31:24 set (VNIC, ROUTE, MAP), MAC_HI word bits
//    31:16 set (VNIC, MAP), ACL_SET >= ACL_SETS, PLEN > 32, TYPE == LOCAL with VALUE >= N_VNIC,
//    GROUP >= N_GROUPS (OFFLOAD), COUNT > 4 (FE_GROUP; its ALIVE field is read-only),
//    SRC_LEN/DST_LEN > 32, SPORT_LO > SPORT_HI or DPORT_LO > DPORT_HI (whatever VALID/ENABLE/PROTO
//    say; other bits outside the fields are ignored). Route and ACL prefixes are stored (and read back)
//    masked to their length. The GENEVE bits of ROUTE and MAP entries are stored for every entry.
//    A refused CMD answers SLVERR, sets STATUS and changes nothing else;
//    an accepted one answers OKAY and sets STATUS 0. The AXI response is held until the command is done.
//
// Commit slots: an accepted CMD 1 (any table) and the writes of ACL SET_COUNT and FE_GROUP PROBE_INTERVAL /
// PROBE_TIMEOUT hold cfg_req until the flow processor answers cfg_ack, which it does between two frames
// (it accepts no descriptor meanwhile and reports the commit on its monitor); the write takes effect and
// the response is sent in that cycle. Without traffic that is a few cycles.
//
// Latencies (cycles from the AXI handshake cycle - AR, or the later of AW and W - to the cycle with
// R/B valid, no backpressure; measured in the testbench): plain register read or write 5, DATA read 6,
// VNIC_STATS LO read 8 (+ cycles waiting for a cycle without an event on that counter lane), CMD 1 15 (13 +
// the commit slot, 2 with an idle flow processor; SET_COUNT and PROBE_* writes likewise 5 + 2),
// CMD 2 6 + layout words (VNIC 12, ROUTE 10; MAP/ACL + 2 for the RAM read + waiting for a cycle without
// a datapath read; SESSION 22 + the sess_rb_req -> sess_rb_done time). Refused CMDs 5.
// After reset the DATA RAM clears itself (112 cycles) before the first register access is served; MAP
// and ACL commands additionally wait for those tables' reset clear.
// Table port (nezha_tables): tp_tbl / tp_idx name the command's table and its INDEX, tp_data the staged DATA
// words; tp_wr is the commit (cfg_ack cycle of an accepted CMD 1), tp_rd the first cycle of a CMD 2, whose
// entry is taken from tp_rd_data in the tp_rd_done cycle.
module nezha_csr #(
    parameter DATA_W    = 64,           // AXI-Stream data width (CORE DATA_W)
    parameter VNIC_W    = 4,            // log2 of the number of vNICs
    parameter HDR_BYTES = 128,          // header window (CORE HDR_BYTES)
    parameter MTU_MAX   = 9216,         // largest frame (CORE MTU_MAX, MTU / VM_MTU range and reset)
    parameter SESS_LOG2 = 8,            // log2 of the session buckets per bank
    parameter SESS_WAYS = 8,            // session ways per bucket
    parameter MAX_KICKS = 8,            // cuckoo displacement limit
    parameter ACL_SETS  = 4,            // ACL sets
    parameter ACL_RULES = 256,          // rules per ACL set
    parameter ROUTES    = 16,           // route table entries
    parameter MAP_LOG2  = 6,            // log2 of the mapping table buckets
    parameter MAP_WAYS  = 4,            // mapping ways per bucket
    parameter N_GROUPS  = 4,            // FE groups
    // derived: do not override
    parameter SET_W     = (ACL_SETS <= 2) ? 1 : $clog2(ACL_SETS)
) (
    input  wire                   clk,
    input  wire                   rst,
    // AXI4-Lite
    input  wire [15:0]            s_axil_awaddr,
    input  wire                   s_axil_awvalid,
    output wire                   s_axil_awready,
    input  wire [31:0]            s_axil_wdata,
    input  wire [3:0]             s_axil_wstrb,
    input  wire                   s_axil_wvalid,
    output wire                   s_axil_wready,
    output wire [1:0]             s_axil_bresp,
    output wire                   s_axil_bvalid,
    input  wire                   s_axil_bready,
    input  wire [15:0]            s_axil_araddr,
    input  wire                   s_axil_arvalid,
    output wire                   s_axil_arready,
    output wire [31:0]            s_axil_rdata,
    output wire [1:0]             s_axil_rresp,
    output wire                   s_axil_rvalid,
    input  wire                   s_axil_rready,
    // configuration
    output wire [47:0]            cfg_nic_mac,
    output wire [47:0]            cfg_nh_mac,
    output wire [47:0]            cfg_gw_mac,
    output wire [31:0]            cfg_vtep_ip,
    output wire [15:0]            cfg_mtu,
    output wire [15:0]            cfg_vm_mtu,
    output wire [14:0]            cfg_idle_to,
    output wire [14:0]            cfg_close_to,
    output wire [23:0]            cfg_tick_cycles,  // tick_gen
    input  wire [15:0]            tick_now,
    // table port (nezha_tables)
    output wire [2:0]             tp_tbl,
    output wire [31:0]            tp_idx,
    output wire [511:0]           tp_data,
    input  wire                   tp_bad,
    output wire                   tp_wr,
    output wire                   tp_rd,
    input  wire                   tp_rd_done,
    input  wire [511:0]           tp_rd_data,
    input  wire [6:0]             tp_ready,
    output wire                   acl_cnt_we,       // ACL SET_COUNT write (commit slot)
    output wire [SET_W-1:0]       acl_cnt_set,
    output wire [8:0]             acl_cnt_val,
    input  wire [ACL_SETS*9-1:0]  acl_count,
    output wire [15:0]            probe_interval,   // FE_GROUP PROBE_INTERVAL / PROBE_TIMEOUT
    output wire [15:0]            probe_timeout,
    input  wire [N_GROUPS*4-1:0]  fg_alive,
    // statistics (stats_counters read ports)
    output wire [5:0]             st_idx,
    input  wire [63:0]            st_value,
    output wire                   vs_req,
    output wire [VNIC_W-1:0]      vs_sel,
    output wire [2:0]             vs_kind,
    input  wire                   vs_done,
    input  wire [63:0]            vs_value,
    // commit slot (flow processor)
    output wire                   cfg_req,          // a table / datapath write waits for its commit slot
    input  wire                   cfg_ack           // the flow processor grants it (between frames)
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_regs.vh"
`include "nezha_fields.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer N_VNIC    = 1 << VNIC_W;
    localparam integer N_TBL     = NZ_TABLES;
    localparam integer DRAM_DEPTH = N_TBL * 16;       // DATA0..15 of every table
    localparam [6:0]   GATHER_N7 = 7'd6;              // DATA words a CMD 1 needs (max over tables)
    localparam [6:0]   DRAM_LAST = DRAM_DEPTH[6:0] - 7'd1;
    localparam [2:0]   T_VNIC = NZ_TID_VNIC_TABLE, T_ROUTE = NZ_TID_ROUTE_TABLE, T_MAP = NZ_TID_MAP_TABLE,
                       T_ACL = NZ_TID_ACL_TABLE, T_SESS = NZ_TID_SESSION, T_OL = NZ_TID_OFFLOAD,
                       T_FG = NZ_TID_FE_GROUP;
    localparam [1:0]   K_LATCH = 2'd1, K_DATA = 2'd2, K_VSTAT = 2'd3;     // csr_decode kinds

    initial begin
        if (N_TBL != 7 || NZ_VNIC_TABLE_WORDS > GATHER_N7 || NZ_ROUTE_TABLE_WORDS > GATHER_N7 ||
            NZ_MAP_TABLE_WORDS > GATHER_N7 || NZ_ACL_TABLE_WORDS > GATHER_N7 || NZ_OFFLOAD_WORDS > GATHER_N7 ||
            NZ_FE_GROUP_WORDS > GATHER_N7) begin
            $error("nezha_csr: 7 tables of at most 6 writable DATA words (instance %m)");
            $finish;
        end
    end

    function [4:0] tnwords;             // layout words of table t (1..16)
        input [2:0] t;
        case (t)
            T_VNIC:  tnwords = NZ_VNIC_TABLE_WORDS[4:0];
            T_ROUTE: tnwords = NZ_ROUTE_TABLE_WORDS[4:0];
            T_MAP:   tnwords = NZ_MAP_TABLE_WORDS[4:0];
            T_ACL:   tnwords = NZ_ACL_TABLE_WORDS[4:0];
            T_OL:    tnwords = NZ_OFFLOAD_WORDS[4:0];
            T_FG:    tnwords = NZ_FE_GROUP_WORDS[4:0];
            default: tnwords = NZ_SESSION_WORDS[4:0];
        endcase
    endfunction

    // ------------------------------------------------------------------ AXI front end
    wire        req_valid, req_write;
    wire [15:0] req_addr;
    wire [31:0] req_wdata;
    wire [3:0]  req_wstrb;
    wire        req_ready;
    reg         resp_valid, resp_err;
    reg  [31:0] resp_rdata;

    axil_regs #(.AW(16)) u_axil (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
        .req_valid(req_valid), .req_ready(req_ready), .req_write(req_write), .req_addr(req_addr),
        .req_wdata(req_wdata), .req_wstrb(req_wstrb),
        .resp_valid(resp_valid), .resp_err(resp_err), .resp_rdata(resp_rdata)
    );

    // ------------------------------------------------------------------ registers
    reg [31:0]       scratch;
    reg [47:0]       nic_mac, nh_mac, gw_mac;
    reg [31:0]       vtep_ip;
    reg [15:0]       mtu;
    reg [15:0]       vm_mtu;
    reg [14:0]       idle_to, close_to;
    reg [23:0]       tick_cycles;
    reg [VNIC_W-1:0] vs_sel_r;
    reg [SET_W-1:0]  acl_sel;
    reg [15:0]       probe_interval_r, probe_timeout_r;
    reg [63:0]       cycles;
    reg [31:0]       shadow;
    reg [31:0]       tidx  [0:N_TBL-1];
    reg [1:0]        tstat [0:N_TBL-1];

    // reset values (regs/nezha_regs.json)
    localparam [31:0] MTU_RESET    = nz_config_mtu_reset(MTU_MAX);
    localparam [31:0] VM_MTU_RESET = nz_config_vm_mtu_reset(MTU_MAX);   // the largest VM frame that fits a tunnel

    assign cfg_nic_mac     = nic_mac;
    assign cfg_nh_mac      = nh_mac;
    assign cfg_gw_mac      = gw_mac;
    assign cfg_vtep_ip     = vtep_ip;
    assign cfg_mtu         = mtu;
    assign cfg_vm_mtu      = vm_mtu;
    assign cfg_idle_to     = idle_to;
    assign cfg_close_to    = close_to;
    assign cfg_tick_cycles = tick_cycles;
    assign vs_sel          = vs_sel_r;
    assign probe_interval  = probe_interval_r;
    assign probe_timeout   = probe_timeout_r;

    // ------------------------------------------------------------------ FSM state
    localparam [3:0] S_CLEAR = 4'd0, S_IDLE = 4'd1, S_DEC = 4'd2, S_RDDATA = 4'd3, S_VSTAT = 4'd4,
                     S_GATHER = 4'd5, S_CHECK = 4'd6, S_FETCH = 4'd7, S_SCATTER = 4'd8,
                     S_COMMIT = 4'd9,   // CMD 1 accepted: waits for the flow processor's commit slot
                     S_PCOMMIT = 4'd10; // a datapath plain write (SET_COUNT, PROBE_*): the same
    reg [3:0]   state;
    reg [15:0]  r_addr;
    reg [31:0]  r_wdata;
    reg [3:0]   r_wstrb;
    reg         r_write;
    reg [2:0]   c_tbl;          // table of the running command
    reg [6:0]   cnt;            // clear / gather / scatter counter
    reg         g_pend;
    reg [3:0]   g_idx;
    reg         f_issued;
    reg [511:0] stg;            // DATA0..15 staging of a command (word n at [32n +: 32])

    assign req_ready = (state == S_IDLE);
    wire [31:0] a32 = {16'd0, r_addr};

    // ------------------------------------------------------------------ address decode / read mux
    reg  [7*32-1:0] tidx_v;
    reg  [7*2-1:0]  tstat_v;
    integer t;
    always @* begin
        for (t = 0; t < N_TBL; t = t + 1) begin
            tidx_v[t*32 +: 32] = tidx[t];
            tstat_v[t*2 +: 2]  = tstat[t];
        end
    end

    wire        d_ok, d_tbl_hit;
    wire [1:0]  d_kind;
    wire [31:0] d_val, d_hi, d_toff, d_entries;
    wire [2:0]  d_tbl, d_vkind;
    wire [3:0]  d_dword;
    wire        d_is_data = (d_kind == K_DATA);

    csr_decode #(
        .DATA_W(DATA_W), .VNIC_W(VNIC_W), .HDR_BYTES(HDR_BYTES), .MTU_MAX(MTU_MAX), .SESS_LOG2(SESS_LOG2),
        .SESS_WAYS(SESS_WAYS), .MAX_KICKS(MAX_KICKS), .ACL_SETS(ACL_SETS), .ACL_RULES(ACL_RULES),
        .ROUTES(ROUTES), .MAP_LOG2(MAP_LOG2), .MAP_WAYS(MAP_WAYS), .N_GROUPS(N_GROUPS)
    ) u_decode (
        .addr(r_addr),
        .scratch(scratch), .cycles(cycles), .shadow(shadow), .nic_mac(nic_mac), .nh_mac(nh_mac),
        .gw_mac(gw_mac), .vtep_ip(vtep_ip), .mtu(mtu), .vm_mtu(vm_mtu), .idle_to(idle_to), .close_to(close_to),
        .tick_cycles(tick_cycles), .tick_now(tick_now), .vs_sel(vs_sel_r), .acl_sel(acl_sel),
        .acl_set_count(acl_count[acl_sel*9 +: 9]), .probe_interval(probe_interval_r),
        .probe_timeout(probe_timeout_r), .fg_alive(fg_alive), .tidx(tidx_v), .tstat(tstat_v),
        .st_value(st_value), .st_idx(st_idx),
        .ok(d_ok), .kind(d_kind), .val(d_val), .hi(d_hi), .tbl_hit(d_tbl_hit), .tbl(d_tbl), .toff(d_toff),
        .entries(d_entries), .dword(d_dword), .vkind(d_vkind)
    );

    // ------------------------------------------------------------------ DATA RAM (DATA0..15 x N_TBL tables)
    reg        dram_we, dram_re;
    reg [6:0]  dram_waddr, dram_raddr;
    reg [31:0] dram_wdata;
    wire [31:0] dram_q;

    ram_sdp #(.WIDTH(32), .DEPTH(DRAM_DEPTH), .AW(7)) u_dram (
        .clk(clk), .we(dram_we), .waddr(dram_waddr), .wdata(dram_wdata),
        .re(dram_re), .raddr(dram_raddr), .rdata(dram_q)
    );

    wire wr_ok_strb = (r_wstrb == 4'hF);
    always @* begin
        dram_we    = 1'b0;
        dram_waddr = 7'd0;
        dram_wdata = 32'd0;
        dram_re    = 1'b0;
        dram_raddr = 7'd0;
        case (state)
            S_CLEAR: begin
                dram_we    = 1'b1;
                dram_waddr = cnt;
            end
            S_DEC: begin
                if (d_is_data) begin
                    dram_we    = r_write && wr_ok_strb;
                    dram_re    = !r_write;
                    dram_waddr = {d_tbl, d_dword};
                    dram_raddr = {d_tbl, d_dword};
                    dram_wdata = r_wdata;
                end
            end
            S_GATHER: begin
                dram_re    = (cnt < GATHER_N7);
                dram_raddr = {c_tbl, cnt[3:0]};
            end
            S_SCATTER: begin
                dram_we    = 1'b1;
                dram_waddr = {c_tbl, cnt[3:0]};
                dram_wdata = stg[cnt[3:0]*32 +: 32];
            end
            default: ;
        endcase
    end

    // ------------------------------------------------------------------ table port, commit slots, statistics
    // Table writes and the datapath plain writes commit in a cycle the flow processor grants between frames
    // (cfg_req held until cfg_ack), so that every frame sees either the old or the new value throughout.
    assign cfg_req     = (state == S_COMMIT) || (state == S_PCOMMIT);
    wire   pcommit     = (state == S_PCOMMIT) && cfg_ack;
    assign tp_tbl      = c_tbl;
    assign tp_idx      = tidx[c_tbl];
    assign tp_data     = stg;
    assign tp_wr       = (state == S_COMMIT) && cfg_ack;
    assign tp_rd       = (state == S_FETCH) && !f_issued;
    assign acl_cnt_we  = pcommit && a32 == NZ_ACL_TABLE_SET_COUNT;
    assign acl_cnt_set = acl_sel;
    assign acl_cnt_val = r_wdata[8:0];
    assign vs_req      = (state == S_DEC) && !r_write && d_ok && d_kind == K_VSTAT;
    assign vs_kind     = d_vkind;

    // ------------------------------------------------------------------ main FSM
    // result of a write to a plain register (S_DEC)
    reg w_ok;
    always @* begin
        w_ok = 1'b0;
        if (wr_ok_strb) begin
            case (a32)
                NZ_CORE_SCRATCH, NZ_CONFIG_NIC_MAC_LO, NZ_CONFIG_VTEP_IP, NZ_CONFIG_NH_MAC_LO,
                NZ_CONFIG_GW_MAC_LO:     w_ok = 1'b1;
                NZ_CONFIG_NIC_MAC_HI, NZ_CONFIG_NH_MAC_HI,
                NZ_CONFIG_GW_MAC_HI:     w_ok = (r_wdata[31:16] == 16'd0);
                NZ_CONFIG_MTU,
                NZ_CONFIG_VM_MTU:        w_ok = (r_wdata >= 32'd64) && (r_wdata <= MTU_MAX);
                NZ_CONFIG_IDLE_TIMEOUT,
                NZ_CONFIG_CLOSE_TIMEOUT: w_ok = (r_wdata < 32'd32768);
                NZ_CONFIG_TICK_CYCLES:   w_ok = (r_wdata <= 32'h00FFFFFF);
                NZ_VNIC_STATS_SEL:       w_ok = (r_wdata < N_VNIC);
                NZ_ACL_TABLE_SET_SEL:    w_ok = (r_wdata < ACL_SETS);
                NZ_ACL_TABLE_SET_COUNT:  w_ok = (r_wdata <= ACL_RULES);
                NZ_FE_GROUP_PROBE_INTERVAL,
                NZ_FE_GROUP_PROBE_TIMEOUT: w_ok = (r_wdata <= 32'd65535);
                default:                 w_ok = d_tbl_hit && (d_is_data || d_toff == NZ_TBL_INDEX);
            endcase
        end
    end

    // plain writes that change what the datapath does with a frame: committed between frames (S_PCOMMIT)
    wire w_defer    = (a32 == NZ_ACL_TABLE_SET_COUNT) || (a32 == NZ_FE_GROUP_PROBE_INTERVAL) ||
                      (a32 == NZ_FE_GROUP_PROBE_TIMEOUT);
    wire is_cmd     = d_tbl_hit && d_toff == NZ_TBL_CMD;
    wire cmd_idx_ok = tidx[d_tbl] < d_entries;
    wire cmd_wait   = !tp_ready[d_tbl];

    integer i;
    always @(posedge clk) begin
        if (rst) begin
            state       <= S_CLEAR;
            cnt         <= 7'd0;
            r_addr      <= 16'd0;
            r_wdata     <= 32'd0;
            r_wstrb     <= 4'd0;
            r_write     <= 1'b0;
            c_tbl       <= T_VNIC;
            g_pend      <= 1'b0;
            g_idx       <= 4'd0;
            f_issued    <= 1'b0;
            stg         <= 512'd0;
            resp_valid  <= 1'b0;
            resp_err    <= 1'b0;
            resp_rdata  <= 32'd0;
            scratch     <= NZ_CORE_SCRATCH_RESET;
            nic_mac     <= {NZ_CONFIG_NIC_MAC_HI_RESET[15:0], NZ_CONFIG_NIC_MAC_LO_RESET};
            nh_mac      <= {NZ_CONFIG_NH_MAC_HI_RESET[15:0], NZ_CONFIG_NH_MAC_LO_RESET};
            gw_mac      <= {NZ_CONFIG_GW_MAC_HI_RESET[15:0], NZ_CONFIG_GW_MAC_LO_RESET};
            vtep_ip     <= NZ_CONFIG_VTEP_IP_RESET;
            mtu         <= MTU_RESET[15:0];
            vm_mtu      <= VM_MTU_RESET[15:0];
            idle_to     <= NZ_CONFIG_IDLE_TIMEOUT_RESET[14:0];
            close_to    <= NZ_CONFIG_CLOSE_TIMEOUT_RESET[14:0];
            tick_cycles <= NZ_CONFIG_TICK_CYCLES_RESET[23:0];
            vs_sel_r    <= NZ_VNIC_STATS_SEL_RESET[VNIC_W-1:0];
            acl_sel     <= NZ_ACL_TABLE_SET_SEL_RESET[SET_W-1:0];
            probe_interval_r <= NZ_FE_GROUP_PROBE_INTERVAL_RESET[15:0];
            probe_timeout_r  <= NZ_FE_GROUP_PROBE_TIMEOUT_RESET[15:0];
            cycles      <= 64'd0;
            shadow      <= 32'd0;
            for (i = 0; i < N_TBL; i = i + 1) begin
                tidx[i]  <= 32'd0;
                tstat[i] <= 2'd0;
            end
        end else begin
            cycles     <= cycles + 64'd1;
            resp_valid <= 1'b0;
            case (state)
                S_CLEAR: begin
                    cnt <= cnt + 7'd1;
                    if (cnt == DRAM_LAST)
                        state <= S_IDLE;
                end

                S_IDLE: begin
                    if (req_valid) begin
                        r_addr  <= req_addr;
                        r_wdata <= req_wdata;
                        r_wstrb <= req_wstrb;
                        r_write <= req_write;
                        state   <= S_DEC;
                    end
                end

                S_DEC: begin
                    c_tbl <= d_tbl;
                    cnt   <= 7'd0;
                    if (!r_write) begin
                        // ---------------- read
                        state      <= S_IDLE;
                        resp_valid <= 1'b1;
                        resp_err   <= !d_ok;
                        resp_rdata <= 32'd0;
                        if (d_ok) begin
                            case (d_kind)
                                K_LATCH: begin
                                    resp_rdata <= d_val;
                                    shadow     <= d_hi;
                                end
                                K_DATA: begin
                                    resp_valid <= 1'b0;
                                    state      <= S_RDDATA;
                                end
                                K_VSTAT: begin
                                    resp_valid <= 1'b0;
                                    state      <= S_VSTAT;
                                end
                                default: resp_rdata <= d_val;
                            endcase
                        end
                    end else if (wr_ok_strb && is_cmd) begin
                        // ---------------- table command
                        if (r_wdata == 32'd1 && d_tbl != T_SESS) begin
                            if (!cmd_idx_ok) begin
                                tstat[d_tbl] <= NZ_TABLE_STATUS_BAD_INDEX[1:0];
                                resp_valid   <= 1'b1;
                                resp_err     <= 1'b1;
                                state        <= S_IDLE;
                            end else if (!cmd_wait) begin
                                g_pend <= 1'b0;
                                state  <= S_GATHER;
                            end
                        end else if (r_wdata == 32'd2) begin
                            if (!cmd_idx_ok) begin
                                tstat[d_tbl] <= NZ_TABLE_STATUS_BAD_INDEX[1:0];
                                resp_valid   <= 1'b1;
                                resp_err     <= 1'b1;
                                state        <= S_IDLE;
                            end else if (!cmd_wait) begin
                                f_issued <= 1'b0;
                                state    <= S_FETCH;
                            end
                        end else begin
                            tstat[d_tbl] <= NZ_TABLE_STATUS_BAD_CMD[1:0];
                            resp_valid   <= 1'b1;
                            resp_err     <= 1'b1;
                            state        <= S_IDLE;
                        end
                    end else begin
                        // ---------------- plain write (DATA words are written by the RAM port logic)
                        state      <= (w_ok && w_defer) ? S_PCOMMIT : S_IDLE;
                        resp_valid <= !(w_ok && w_defer);
                        resp_err   <= !w_ok;
                        if (w_ok && !w_defer) begin
                            case (a32)
                                NZ_CORE_SCRATCH:         scratch       <= r_wdata;
                                NZ_CONFIG_NIC_MAC_LO:    nic_mac[31:0] <= r_wdata;
                                NZ_CONFIG_NIC_MAC_HI:    nic_mac[47:32] <= r_wdata[15:0];
                                NZ_CONFIG_VTEP_IP:       vtep_ip       <= r_wdata;
                                NZ_CONFIG_NH_MAC_LO:     nh_mac[31:0]  <= r_wdata;
                                NZ_CONFIG_NH_MAC_HI:     nh_mac[47:32] <= r_wdata[15:0];
                                NZ_CONFIG_GW_MAC_LO:     gw_mac[31:0]  <= r_wdata;
                                NZ_CONFIG_GW_MAC_HI:     gw_mac[47:32] <= r_wdata[15:0];
                                NZ_CONFIG_MTU:           mtu           <= r_wdata[15:0];
                                NZ_CONFIG_VM_MTU:        vm_mtu        <= r_wdata[15:0];
                                NZ_CONFIG_IDLE_TIMEOUT:  idle_to       <= r_wdata[14:0];
                                NZ_CONFIG_CLOSE_TIMEOUT: close_to      <= r_wdata[14:0];
                                NZ_CONFIG_TICK_CYCLES:   tick_cycles   <= r_wdata[23:0];
                                NZ_VNIC_STATS_SEL:       vs_sel_r      <= r_wdata[VNIC_W-1:0];
                                NZ_ACL_TABLE_SET_SEL:    acl_sel       <= r_wdata[SET_W-1:0];
                                default: begin
                                    if (d_tbl_hit && d_toff == NZ_TBL_INDEX)
                                        tidx[d_tbl] <= r_wdata;
                                end
                            endcase
                        end
                    end
                end

                S_RDDATA: begin
                    resp_valid <= 1'b1;
                    resp_err   <= 1'b0;
                    resp_rdata <= dram_q;
                    state      <= S_IDLE;
                end

                S_VSTAT: begin
                    if (vs_done) begin
                        resp_valid <= 1'b1;
                        resp_err   <= 1'b0;
                        resp_rdata <= vs_value[31:0];
                        shadow     <= vs_value[63:32];
                        state      <= S_IDLE;
                    end
                end

                S_GATHER: begin
                    if (cnt < GATHER_N7)
                        cnt <= cnt + 7'd1;
                    g_pend <= (cnt < GATHER_N7);
                    g_idx  <= cnt[3:0];
                    if (g_pend)
                        stg[g_idx*32 +: 32] <= dram_q;
                    if (cnt == GATHER_N7 && g_pend)
                        state <= S_CHECK;
                end

                S_CHECK: begin
                    if (tp_bad) begin
                        tstat[c_tbl] <= NZ_TABLE_STATUS_BAD_VALUE[1:0];
                        resp_valid   <= 1'b1;
                        resp_err     <= 1'b1;
                        state        <= S_IDLE;
                    end else begin
                        state        <= S_COMMIT;
                    end
                end

                S_COMMIT: if (cfg_ack) begin
                    tstat[c_tbl] <= NZ_TABLE_STATUS_OK[1:0];
                    resp_valid   <= 1'b1;
                    resp_err     <= 1'b0;
                    state        <= S_IDLE;
                end

                S_PCOMMIT: if (cfg_ack) begin
                    case (a32)
                        NZ_FE_GROUP_PROBE_INTERVAL: probe_interval_r <= r_wdata[15:0];
                        NZ_FE_GROUP_PROBE_TIMEOUT:  probe_timeout_r  <= r_wdata[15:0];
                        default: ;                  // SET_COUNT: acl_cnt_we
                    endcase
                    resp_valid <= 1'b1;
                    resp_err   <= 1'b0;
                    state      <= S_IDLE;
                end

                S_FETCH: begin
                    // tp_rd in the first cycle; the entry is taken when the table port has it
                    f_issued <= 1'b1;
                    cnt      <= 7'd0;
                    if (tp_rd_done) begin
                        stg   <= tp_rd_data;
                        state <= S_SCATTER;
                    end
                end

                S_SCATTER: begin
                    cnt <= cnt + 7'd1;
                    if (cnt[4:0] == tnwords(c_tbl) - 5'd1) begin
                        tstat[c_tbl] <= NZ_TABLE_STATUS_OK[1:0];
                        resp_valid   <= 1'b1;
                        resp_err     <= 1'b0;
                        state        <= S_IDLE;
                    end
                end

                default: state <= S_IDLE;
            endcase
        end
    end
endmodule

`resetall
