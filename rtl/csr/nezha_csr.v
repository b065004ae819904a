`resetall
`default_nettype none

// nezha_csr: Nezha control/status registers (docs/register-map.md, generated from regs/nezha_regs.json).
//
// Contents: AXI4-Lite slave (axil_regs, 16-bit byte addresses, 32-bit data, one outstanding read and
// one outstanding write, OKAY=0 / SLVERR=2), CORE/CONFIG registers, the 64-bit cycle counter,
// tick_gen, vnic_table (flops), route_lpm (flops), map_table (RAM), acl_table (RAM + set counts),
// offload_table and fe_group_table (flops; docs/nezha-offload.md), stats_counters, and the indirect-table
// machinery (INDEX/CMD/STATUS/ENTRIES/DATA0..15 of the VNIC, ROUTE, MAP, ACL, SESSION, OFFLOAD and
// FE_GROUP tables).
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
// Datapath ports: route lookup 2 cycles, mapping lookup 3 cycles, ACL read 1 cycle (see the modules).
// Session read-back: sess_rb_req is a level, raised with sess_rb_loc stable and held until the cycle
// after sess_rb_done is seen (sess_rb_entry is sampled in the sess_rb_done cycle).
// Events: every ev_* input is qualified by ev_valid (one event per retired frame); sess_ev_* and tx_*
// are per-cycle increments.
module nezha_csr #(
    parameter DATA_W    = 64,
    parameter VNIC_W    = 4,
    parameter HDR_BYTES = 128,
    parameter MTU_MAX   = 9216,
    parameter SESS_LOG2 = 8,
    parameter SESS_WAYS = 8,
    parameter MAX_KICKS = 8,
    parameter ACL_SETS  = 4,
    parameter ACL_RULES = 256,
    parameter ROUTES    = 16,
    parameter MAP_LOG2  = 6,
    parameter MAP_WAYS  = 4,
    parameter N_GROUPS  = 4
) (
    clk, rst, tick_in,
    s_axil_awaddr, s_axil_awvalid, s_axil_awready, s_axil_wdata, s_axil_wstrb, s_axil_wvalid, s_axil_wready,
    s_axil_bresp, s_axil_bvalid, s_axil_bready, s_axil_araddr, s_axil_arvalid, s_axil_arready,
    s_axil_rdata, s_axil_rresp, s_axil_rvalid, s_axil_rready,
    cfg_nic_mac, cfg_nh_mac, cfg_gw_mac, cfg_vtep_ip, cfg_mtu, cfg_vm_mtu, cfg_idle_to, cfg_close_to, tick_now,
    vnic_en, vnic_vni, vnic_mac, vnic_ip, vnic_gw, vnic_acl,
    rt_req_valid, rt_req_vni, rt_req_ip, rt_resp_valid, rt_resp_hit, rt_resp_type, rt_resp_geneve,
    rt_resp_value,
    mp_req_valid, mp_req_vni, mp_req_ip, mp_resp_valid, mp_resp_hit, mp_resp_vtep, mp_resp_mac,
    mp_resp_geneve,
    acl_rd_en, acl_rd_addr, acl_rd_data, acl_count,
    ev_valid, ev_port, ev_len, ev_drop_reason, ev_exc_reason, ev_arp_reply,
    ev_rx_vnic_valid, ev_rx_vnic, ev_tx_vnic_valid, ev_tx_vnic, ev_tx_len,
    ev_newflow, ev_newflow_vnic, ev_slow_cycles, ev_sess_hit, ev_sess_miss, ev_sess_closed,
    sess_ev_insert, sess_ev_insert_fail, sess_ev_aged, sess_ev_kicks, sess_occupancy,
    sess_rb_req, sess_rb_loc, sess_rb_done, sess_rb_entry, sess_rb_compact,
    ev_nz_redirect, ev_nz_verdict_tx, ev_nz_verdict_rx, ev_nz_fallback, ev_probe_reply_tx, ev_probe_reply_rx,
    ol_mode, ol_compact, ol_group, ol_version, ol_be_vnic, ol_be_vtep, fg_count, fg_vtep, fg_alive,
    lv_refresh, lv_addr, lv_tick, round_due, round_tick, lv_round, lv_round_tick, probe_tx, cfg_req, cfg_ack,
    tx_net_beat, tx_net_last, tx_net_bytes, tx_host_beat, tx_host_last, tx_host_bytes
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
`include "nezha_regs.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer N_VNIC    = 1 << VNIC_W;
    localparam integer WAY_W     = (SESS_WAYS <= 1) ? 0 : $clog2(SESS_WAYS);
    localparam integer LOC_W     = 2 + SESS_LOG2 + WAY_W;     // slot location {half, bank, bucket, way}
    localparam integer ACL_N     = ACL_SETS * ACL_RULES;
    localparam integer ACL_AW    = (ACL_N <= 2) ? 1 : $clog2(ACL_N);
    localparam integer SET_W     = (ACL_SETS <= 2) ? 1 : $clog2(ACL_SETS);
    localparam integer RI_W      = (ROUTES <= 2) ? 1 : $clog2(ROUTES);
    localparam integer MAP_N     = (1 << MAP_LOG2) * MAP_WAYS;
    localparam integer MAP_IW    = MAP_LOG2 + ((MAP_WAYS <= 1) ? 0 : $clog2(MAP_WAYS));
    localparam integer SESS_N    = 4 * (1 << SESS_LOG2) * SESS_WAYS;   // slots: 2 per word
    localparam integer NUM_STATS = NZ_STATS_COUNT;
    localparam integer GRP_W     = (N_GROUPS <= 2) ? 1 : $clog2(N_GROUPS);
    localparam [31:0]  MTU_MAX32 = MTU_MAX;
    localparam [15:0]  MTU_RESET = MTU_MAX32[15:0];
    localparam [31:0]  VM_MTU_RESET32 = MTU_MAX32 - 32'd50;      // the largest VM frame that fits a tunnel
    localparam [15:0]  VM_MTU_RESET = VM_MTU_RESET32[15:0];
    localparam [6:0]   GATHER_N7 = 7'd6;     // DATA words a CMD 1 needs (max over tables)
    localparam [6:0]   DRAM_LAST = 7'd111;   // N_TBL*16 - 1
    // DATA words of each table's entry layout (CMD 2 overwrites exactly these, 1 + highest WORD)
    localparam [31:0]  NW_VNIC  = NZ_VNIC_TABLE_GW_IP_WORD + 1;
    localparam [31:0]  NW_ROUTE = NZ_ROUTE_TABLE_VALUE_WORD + 1;
    localparam [31:0]  NW_MAP   = NZ_MAP_TABLE_MAC_HI_WORD + 1;
    localparam [31:0]  NW_ACL   = NZ_ACL_TABLE_DPORT_HI_WORD + 1;
    localparam [31:0]  NW_SESS  = NZ_SESSION_ACT1_MAC_HI_WORD + 1;
    localparam [31:0]  NW_OL    = NZ_OFFLOAD_BE_VTEP_WORD + 1;
    localparam [31:0]  NW_FG    = NZ_FE_GROUP_VTEP3_WORD + 1;

    // table numbers
    localparam [2:0] T_VNIC = 3'd0, T_ROUTE = 3'd1, T_MAP = 3'd2, T_ACL = 3'd3, T_SESS = 3'd4,
                     T_OL = 3'd5, T_FG = 3'd6;
    localparam integer N_TBL = 7;
    localparam integer DRAM_DEPTH = N_TBL * 16;       // DATA0..15 of every table
    localparam [31:0] TBL_SPAN  = NZ_TBL_DATA + 32'd64;                       // end of DATA15
    localparam [31:0] ACL_SPAN  = NZ_ACL_TABLE_SET_COUNT + 32'd4 - NZ_ACL_TABLE_BASE;
    localparam [31:0] FG_SPAN   = NZ_FE_GROUP_ALIVE_ALL + 32'd4 - NZ_FE_GROUP_BASE;

    // ------------------------------------------------------------------ ports
    input  wire                   clk;
    input  wire                   rst;
    input  wire                   tick_in;
    input  wire [15:0]            s_axil_awaddr;
    input  wire                   s_axil_awvalid;
    output wire                   s_axil_awready;
    input  wire [31:0]            s_axil_wdata;
    input  wire [3:0]             s_axil_wstrb;
    input  wire                   s_axil_wvalid;
    output wire                   s_axil_wready;
    output wire [1:0]             s_axil_bresp;
    output wire                   s_axil_bvalid;
    input  wire                   s_axil_bready;
    input  wire [15:0]            s_axil_araddr;
    input  wire                   s_axil_arvalid;
    output wire                   s_axil_arready;
    output wire [31:0]            s_axil_rdata;
    output wire [1:0]             s_axil_rresp;
    output wire                   s_axil_rvalid;
    input  wire                   s_axil_rready;
    output wire [47:0]            cfg_nic_mac;
    output wire [47:0]            cfg_nh_mac;
    output wire [47:0]            cfg_gw_mac;
    output wire [31:0]            cfg_vtep_ip;
    output wire [15:0]            cfg_mtu;
    output wire [15:0]            cfg_vm_mtu;
    output wire [14:0]            cfg_idle_to;
    output wire [14:0]            cfg_close_to;
    output wire [15:0]            tick_now;
    output wire [N_VNIC-1:0]      vnic_en;
    output wire [N_VNIC*24-1:0]   vnic_vni;
    output wire [N_VNIC*48-1:0]   vnic_mac;
    output wire [N_VNIC*32-1:0]   vnic_ip;
    output wire [N_VNIC*32-1:0]   vnic_gw;
    output wire [N_VNIC*8-1:0]    vnic_acl;
    input  wire                   rt_req_valid;
    input  wire [23:0]            rt_req_vni;
    input  wire [31:0]            rt_req_ip;
    output wire                   rt_resp_valid;
    output wire                   rt_resp_hit;
    output wire [1:0]             rt_resp_type;
    output wire                   rt_resp_geneve;
    output wire [31:0]            rt_resp_value;
    input  wire                   mp_req_valid;
    input  wire [23:0]            mp_req_vni;
    input  wire [31:0]            mp_req_ip;
    output wire                   mp_resp_valid;
    output wire                   mp_resp_hit;
    output wire [31:0]            mp_resp_vtep;
    output wire [47:0]            mp_resp_mac;
    output wire                   mp_resp_geneve;
    input  wire                   acl_rd_en;
    input  wire [ACL_AW-1:0]      acl_rd_addr;
    output wire [NZ_RULE_W-1:0]   acl_rd_data;
    output wire [ACL_SETS*9-1:0]  acl_count;
    input  wire                   ev_valid;
    input  wire                   ev_port;
    input  wire [15:0]            ev_len;
    input  wire [4:0]             ev_drop_reason;
    input  wire [1:0]             ev_exc_reason;
    input  wire                   ev_arp_reply;
    input  wire                   ev_rx_vnic_valid;
    input  wire [VNIC_W-1:0]      ev_rx_vnic;
    input  wire                   ev_tx_vnic_valid;
    input  wire [VNIC_W-1:0]      ev_tx_vnic;
    input  wire [15:0]            ev_tx_len;
    input  wire                   ev_newflow;
    input  wire [VNIC_W-1:0]      ev_newflow_vnic;
    input  wire [15:0]            ev_slow_cycles;
    input  wire                   ev_sess_hit;
    input  wire                   ev_sess_miss;
    input  wire                   ev_sess_closed;
    input  wire                   sess_ev_insert;
    input  wire                   sess_ev_insert_fail;
    input  wire [7:0]             sess_ev_aged;
    input  wire [7:0]             sess_ev_kicks;
    input  wire [31:0]            sess_occupancy;
    output reg                    sess_rb_req;
    output wire [LOC_W-1:0]       sess_rb_loc;
    input  wire                   sess_rb_done;
    input  wire [NZ_ENTRY_W-1:0]  sess_rb_entry;
    input  wire                   sess_rb_compact;
    input  wire                   ev_nz_redirect;
    input  wire                   ev_nz_verdict_tx;
    input  wire                   ev_nz_verdict_rx;
    input  wire                   ev_nz_fallback;
    input  wire                   ev_probe_reply_tx;
    input  wire                   ev_probe_reply_rx;
    output wire [N_VNIC*2-1:0]    ol_mode;
    output wire [N_VNIC-1:0]      ol_compact;
    output wire [N_VNIC*GRP_W-1:0] ol_group;
    output wire [N_VNIC*8-1:0]    ol_version;
    output wire [N_VNIC*8-1:0]    ol_be_vnic;
    output wire [N_VNIC*32-1:0]   ol_be_vtep;
    output wire [N_GROUPS*3-1:0]  fg_count;
    output wire [N_GROUPS*128-1:0] fg_vtep;
    output wire [N_GROUPS*4-1:0]  fg_alive;
    input  wire                   lv_refresh;
    input  wire [31:0]            lv_addr;
    input  wire [15:0]            lv_tick;
    output wire                   round_due;
    output wire [15:0]            round_tick;
    input  wire                   lv_round;
    input  wire [15:0]            lv_round_tick;
    input  wire                   probe_tx;
    output wire                   cfg_req;            // a table / datapath write waits for its commit slot
    input  wire                   cfg_ack;            // the flow processor grants it (between frames)
    input  wire                   tx_net_beat;
    input  wire                   tx_net_last;
    input  wire [6:0]             tx_net_bytes;
    input  wire                   tx_host_beat;
    input  wire                   tx_host_last;
    input  wire [6:0]             tx_host_bytes;

    // ------------------------------------------------------------------ helpers
    function [31:0] pmask;              // prefix mask of length len (> 32 acts as 32)
        input [5:0] len;
        begin
            if (len == 6'd0)
                pmask = 32'd0;
            else if (len >= 6'd32)
                pmask = 32'hFFFFFFFF;
            else
                pmask = ~(32'hFFFFFFFF >> len);
        end
    endfunction

    function [31:0] tbase;
        input [2:0] t;
        case (t)
            T_VNIC:  tbase = NZ_VNIC_TABLE_BASE;
            T_ROUTE: tbase = NZ_ROUTE_TABLE_BASE;
            T_MAP:   tbase = NZ_MAP_TABLE_BASE;
            T_ACL:   tbase = NZ_ACL_TABLE_BASE;
            T_OL:    tbase = NZ_OFFLOAD_BASE;
            T_FG:    tbase = NZ_FE_GROUP_BASE;
            default: tbase = NZ_SESSION_BASE;
        endcase
    endfunction

    function [31:0] ttype;
        input [2:0] t;
        case (t)
            T_VNIC:  ttype = NZ_VNIC_TABLE_TYPE;
            T_ROUTE: ttype = NZ_ROUTE_TABLE_TYPE;
            T_MAP:   ttype = NZ_MAP_TABLE_TYPE;
            T_ACL:   ttype = NZ_ACL_TABLE_TYPE;
            T_OL:    ttype = NZ_OFFLOAD_TYPE;
            T_FG:    ttype = NZ_FE_GROUP_TYPE;
            default: ttype = NZ_SESSION_TYPE;
        endcase
    endfunction

    function [31:0] tnext;              // block chain in address order; FE_GROUP is the last block
        input [2:0] t;
        case (t)
            T_VNIC:  tnext = NZ_ROUTE_TABLE_BASE;
            T_ROUTE: tnext = NZ_MAP_TABLE_BASE;
            T_MAP:   tnext = NZ_ACL_TABLE_BASE;
            T_ACL:   tnext = NZ_SESSION_BASE;
            T_SESS:  tnext = NZ_OFFLOAD_BASE;
            T_OL:    tnext = NZ_FE_GROUP_BASE;
            default: tnext = 32'd0;
        endcase
    endfunction

    function [4:0] tnwords;             // layout words of table t (1..16)
        input [2:0] t;
        case (t)
            T_VNIC:  tnwords = NW_VNIC[4:0];
            T_ROUTE: tnwords = NW_ROUTE[4:0];
            T_MAP:   tnwords = NW_MAP[4:0];
            T_ACL:   tnwords = NW_ACL[4:0];
            T_OL:    tnwords = NW_OL[4:0];
            T_FG:    tnwords = NW_FG[4:0];
            default: tnwords = NW_SESS[4:0];
        endcase
    endfunction

    function [31:0] tentries;
        input [2:0] t;
        case (t)
            T_VNIC:  tentries = N_VNIC;
            T_ROUTE: tentries = ROUTES;
            T_MAP:   tentries = MAP_N;
            T_ACL:   tentries = ACL_N;
            T_OL:    tentries = N_VNIC;
            T_FG:    tentries = N_GROUPS;
            default: tentries = SESS_N;
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
    reg [VNIC_W-1:0] vs_sel;
    reg [SET_W-1:0]  acl_sel;
    reg [15:0]       probe_interval, probe_timeout;
    reg [63:0]       cycles;
    reg [31:0]       shadow;
    reg [31:0]       tidx  [0:N_TBL-1];
    reg [1:0]        tstat [0:N_TBL-1];

    assign cfg_nic_mac  = nic_mac;
    assign cfg_nh_mac   = nh_mac;
    assign cfg_gw_mac   = gw_mac;
    assign cfg_vtep_ip  = vtep_ip;
    assign cfg_mtu      = mtu;
    assign cfg_vm_mtu   = vm_mtu;
    assign cfg_idle_to  = idle_to;
    assign cfg_close_to = close_to;

    tick_gen u_tick (.clk(clk), .rst(rst), .cfg_tick_cycles(tick_cycles), .tick_in(tick_in), .tick_now(tick_now));

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

    // ------------------------------------------------------------------ read / address decode
    localparam [2:0] RK_SIMPLE = 3'd0, RK_LATCH = 3'd1, RK_DATA = 3'd2, RK_VSTAT = 3'd3;
    reg         d_ok;           // the address is a register
    reg [2:0]   d_kind;
    reg [31:0]  d_val;
    reg [31:0]  d_hi;
    reg         d_tbl_hit;      // address inside a table block
    reg [2:0]   d_tbl;
    reg [31:0]  d_toff;         // offset inside that table block
    reg         d_is_data;
    reg [3:0]   d_dword;
    reg [2:0]   d_vkind;
    wire [31:0] st_off = a32 - NZ_STATS_COUNTER_BASE;
    wire [5:0]  st_idx = st_off[8:3];
    wire [63:0] st_value;
    wire [8:0]  acl_cnt_sel;
    integer     t;

    always @* begin
        d_ok      = 1'b0;
        d_kind    = RK_SIMPLE;
        d_val     = 32'd0;
        d_hi      = 32'd0;
        d_tbl_hit = 1'b0;
        d_tbl     = T_VNIC;
        d_toff    = 32'd0;
        d_is_data = 1'b0;
        d_dword   = 4'd0;
        d_vkind   = 3'd0;
        case (a32)
            // CORE
            NZ_CORE_BASE + NZ_BLK_TYPE:    begin d_ok = 1'b1; d_val = NZ_CORE_TYPE; end
            NZ_CORE_BASE + NZ_BLK_VERSION: begin d_ok = 1'b1; d_val = NZ_VERSION; end
            NZ_CORE_BASE + NZ_BLK_NEXT:    begin d_ok = 1'b1; d_val = NZ_CONFIG_BASE; end
            NZ_CORE_DATA_W:       begin d_ok = 1'b1; d_val = DATA_W; end
            NZ_CORE_N_VNIC:       begin d_ok = 1'b1; d_val = N_VNIC; end
            NZ_CORE_SESS_BUCKETS: begin d_ok = 1'b1; d_val = 1 << SESS_LOG2; end
            NZ_CORE_SESS_WAYS:    begin d_ok = 1'b1; d_val = SESS_WAYS; end
            NZ_CORE_ACL_SETS:     begin d_ok = 1'b1; d_val = ACL_SETS; end
            NZ_CORE_ACL_RULES:    begin d_ok = 1'b1; d_val = ACL_RULES; end
            NZ_CORE_ROUTES:       begin d_ok = 1'b1; d_val = ROUTES; end
            NZ_CORE_MAP_BUCKETS:  begin d_ok = 1'b1; d_val = 1 << MAP_LOG2; end
            NZ_CORE_MAP_WAYS:     begin d_ok = 1'b1; d_val = MAP_WAYS; end
            NZ_CORE_HDR_BYTES:    begin d_ok = 1'b1; d_val = HDR_BYTES; end
            NZ_CORE_MTU_MAX:      begin d_ok = 1'b1; d_val = MTU_MAX; end
            NZ_CORE_SCRATCH:      begin d_ok = 1'b1; d_val = scratch; end
            NZ_CORE_CYCLES_LO:    begin d_ok = 1'b1; d_kind = RK_LATCH; d_val = cycles[31:0]; d_hi = cycles[63:32]; end
            NZ_CORE_CYCLES_HI:    begin d_ok = 1'b1; d_val = shadow; end
            NZ_CORE_MAX_KICKS:    begin d_ok = 1'b1; d_val = MAX_KICKS; end
            // CONFIG
            NZ_CONFIG_BASE + NZ_BLK_TYPE:    begin d_ok = 1'b1; d_val = NZ_CONFIG_TYPE; end
            NZ_CONFIG_BASE + NZ_BLK_VERSION: begin d_ok = 1'b1; d_val = NZ_VERSION; end
            NZ_CONFIG_BASE + NZ_BLK_NEXT:    begin d_ok = 1'b1; d_val = NZ_STATS_BASE; end
            NZ_CONFIG_NIC_MAC_LO:    begin d_ok = 1'b1; d_val = nic_mac[31:0]; end
            NZ_CONFIG_NIC_MAC_HI:    begin d_ok = 1'b1; d_val = {16'd0, nic_mac[47:32]}; end
            NZ_CONFIG_VTEP_IP:       begin d_ok = 1'b1; d_val = vtep_ip; end
            NZ_CONFIG_NH_MAC_LO:     begin d_ok = 1'b1; d_val = nh_mac[31:0]; end
            NZ_CONFIG_NH_MAC_HI:     begin d_ok = 1'b1; d_val = {16'd0, nh_mac[47:32]}; end
            NZ_CONFIG_GW_MAC_LO:     begin d_ok = 1'b1; d_val = gw_mac[31:0]; end
            NZ_CONFIG_GW_MAC_HI:     begin d_ok = 1'b1; d_val = {16'd0, gw_mac[47:32]}; end
            NZ_CONFIG_MTU:           begin d_ok = 1'b1; d_val = {16'd0, mtu}; end
            NZ_CONFIG_IDLE_TIMEOUT:  begin d_ok = 1'b1; d_val = {17'd0, idle_to}; end
            NZ_CONFIG_CLOSE_TIMEOUT: begin d_ok = 1'b1; d_val = {17'd0, close_to}; end
            NZ_CONFIG_TICK_CYCLES:   begin d_ok = 1'b1; d_val = {8'd0, tick_cycles}; end
            NZ_CONFIG_TICK_NOW:      begin d_ok = 1'b1; d_val = {16'd0, tick_now}; end
            NZ_CONFIG_VM_MTU:        begin d_ok = 1'b1; d_val = {16'd0, vm_mtu}; end
            // STATS (counters below)
            NZ_STATS_BASE + NZ_BLK_TYPE:    begin d_ok = 1'b1; d_val = NZ_STATS_TYPE; end
            NZ_STATS_BASE + NZ_BLK_VERSION: begin d_ok = 1'b1; d_val = NZ_VERSION; end
            NZ_STATS_BASE + NZ_BLK_NEXT:    begin d_ok = 1'b1; d_val = NZ_VNIC_STATS_BASE; end
            NZ_STATS_NUM_COUNTERS:          begin d_ok = 1'b1; d_val = NUM_STATS; end
            // VNIC_STATS
            NZ_VNIC_STATS_BASE + NZ_BLK_TYPE:    begin d_ok = 1'b1; d_val = NZ_VNIC_STATS_TYPE; end
            NZ_VNIC_STATS_BASE + NZ_BLK_VERSION: begin d_ok = 1'b1; d_val = NZ_VERSION; end
            NZ_VNIC_STATS_BASE + NZ_BLK_NEXT:    begin d_ok = 1'b1; d_val = NZ_VNIC_TABLE_BASE; end
            NZ_VNIC_STATS_SEL:              begin d_ok = 1'b1; d_val = {{(32-VNIC_W){1'b0}}, vs_sel}; end
            NZ_VNIC_STATS_RX_PKTS:          begin d_ok = 1'b1; d_kind = RK_VSTAT; d_vkind = 3'd0; end
            NZ_VNIC_STATS_RX_PKTS + 4:      begin d_ok = 1'b1; d_val = shadow; end
            NZ_VNIC_STATS_RX_BYTES:         begin d_ok = 1'b1; d_kind = RK_VSTAT; d_vkind = 3'd1; end
            NZ_VNIC_STATS_RX_BYTES + 4:     begin d_ok = 1'b1; d_val = shadow; end
            NZ_VNIC_STATS_TX_PKTS:          begin d_ok = 1'b1; d_kind = RK_VSTAT; d_vkind = 3'd2; end
            NZ_VNIC_STATS_TX_PKTS + 4:      begin d_ok = 1'b1; d_val = shadow; end
            NZ_VNIC_STATS_TX_BYTES:         begin d_ok = 1'b1; d_kind = RK_VSTAT; d_vkind = 3'd3; end
            NZ_VNIC_STATS_TX_BYTES + 4:     begin d_ok = 1'b1; d_val = shadow; end
            NZ_VNIC_STATS_NEW_FLOWS:        begin d_ok = 1'b1; d_kind = RK_VSTAT; d_vkind = 3'd4; end
            NZ_VNIC_STATS_NEW_FLOWS + 4:    begin d_ok = 1'b1; d_val = shadow; end
            NZ_VNIC_STATS_SLOW_CYCLES:      begin d_ok = 1'b1; d_kind = RK_VSTAT; d_vkind = 3'd5; end
            NZ_VNIC_STATS_SLOW_CYCLES + 4:  begin d_ok = 1'b1; d_val = shadow; end
            default: ;
        endcase

        // STATS counters: COUNTER[i] LO at COUNTER_BASE + 8i, HI at +4
        if (a32 >= NZ_STATS_COUNTER_BASE && st_off < NUM_STATS * 8 && st_off[1:0] == 2'd0) begin
            d_ok   = 1'b1;
            if (!st_off[2]) begin
                d_kind = RK_LATCH;
                d_val  = st_value[31:0];
                d_hi   = st_value[63:32];
            end else begin
                d_val  = shadow;
            end
        end

        // indirect tables
        for (t = 0; t < N_TBL; t = t + 1) begin
            if (a32 >= tbase(t[2:0]) &&
                (a32 - tbase(t[2:0])) < ((t[2:0] == T_ACL) ? ACL_SPAN : (t[2:0] == T_FG) ? FG_SPAN : TBL_SPAN)) begin
                d_tbl_hit = 1'b1;
                d_tbl     = t[2:0];
                d_toff    = a32 - tbase(t[2:0]);
            end
        end
        if (d_tbl_hit) begin
            case (d_toff)
                NZ_BLK_TYPE:    begin d_ok = 1'b1; d_val = ttype(d_tbl); end
                NZ_BLK_VERSION: begin d_ok = 1'b1; d_val = NZ_VERSION; end
                NZ_BLK_NEXT:    begin d_ok = 1'b1; d_val = tnext(d_tbl); end
                NZ_TBL_INDEX:   begin d_ok = 1'b1; d_val = tidx[d_tbl]; end
                NZ_TBL_CMD:     begin d_ok = 1'b1; d_val = 32'd0; end
                NZ_TBL_STATUS:  begin d_ok = 1'b1; d_val = {30'd0, tstat[d_tbl]}; end
                NZ_TBL_ENTRIES: begin d_ok = 1'b1; d_val = tentries(d_tbl); end
                default: ;
            endcase
            if (d_toff >= NZ_TBL_DATA && d_toff < NZ_TBL_DATA + 32'd64 && d_toff[1:0] == 2'd0) begin
                d_ok      = 1'b1;
                d_is_data = 1'b1;
                d_kind    = RK_DATA;
                d_dword   = d_toff[5:2] - NZ_TBL_DATA[5:2];
            end
            if (a32 == NZ_ACL_TABLE_SET_SEL) begin
                d_ok  = 1'b1;
                d_val = {{(32-SET_W){1'b0}}, acl_sel};
            end
            if (a32 == NZ_ACL_TABLE_SET_COUNT) begin
                d_ok  = 1'b1;
                d_val = {23'd0, acl_cnt_sel};
            end
            if (a32 == NZ_FE_GROUP_PROBE_INTERVAL) begin
                d_ok  = 1'b1;
                d_val = {16'd0, probe_interval};
            end
            if (a32 == NZ_FE_GROUP_PROBE_TIMEOUT) begin
                d_ok  = 1'b1;
                d_val = {16'd0, probe_timeout};
            end
            if (a32 == NZ_FE_GROUP_ALIVE_ALL) begin
                d_ok  = 1'b1;
                d_val = {{(32 - N_GROUPS*4){1'b0}}, fg_alive};
            end
        end
    end

    // ------------------------------------------------------------------ DATA RAM (DATA0..15 x 5 tables)
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

    // ------------------------------------------------------------------ CMD 1: field extraction and checks

    wire [0:0]  v_enable  = stg[NZ_VNIC_TABLE_ENABLE_WORD*32 + NZ_VNIC_TABLE_ENABLE_SHIFT +: NZ_VNIC_TABLE_ENABLE_WIDTH];
    wire [7:0]  v_acl     = stg[NZ_VNIC_TABLE_ACL_SET_WORD*32 + NZ_VNIC_TABLE_ACL_SET_SHIFT +: NZ_VNIC_TABLE_ACL_SET_WIDTH];
    wire [23:0] v_vni     = stg[NZ_VNIC_TABLE_VNI_WORD*32 + NZ_VNIC_TABLE_VNI_SHIFT +: NZ_VNIC_TABLE_VNI_WIDTH];
    wire [31:0] v_mac_lo  = stg[NZ_VNIC_TABLE_MAC_LO_WORD*32 + NZ_VNIC_TABLE_MAC_LO_SHIFT +: NZ_VNIC_TABLE_MAC_LO_WIDTH];
    wire [15:0] v_mac_hi  = stg[NZ_VNIC_TABLE_MAC_HI_WORD*32 + NZ_VNIC_TABLE_MAC_HI_SHIFT +: NZ_VNIC_TABLE_MAC_HI_WIDTH];
    wire [31:0] v_ip      = stg[NZ_VNIC_TABLE_IP_WORD*32 + NZ_VNIC_TABLE_IP_SHIFT +: NZ_VNIC_TABLE_IP_WIDTH];
    wire [31:0] v_gw      = stg[NZ_VNIC_TABLE_GW_IP_WORD*32 + NZ_VNIC_TABLE_GW_IP_SHIFT +: NZ_VNIC_TABLE_GW_IP_WIDTH];
    wire        v_bad     = ({24'd0, v_acl} >= ACL_SETS) || (|(stg[NZ_VNIC_TABLE_VNI_WORD*32 +: 32] >> (NZ_VNIC_TABLE_VNI_SHIFT + NZ_VNIC_TABLE_VNI_WIDTH))) || (|(stg[NZ_VNIC_TABLE_MAC_HI_WORD*32 +: 32] >> (NZ_VNIC_TABLE_MAC_HI_SHIFT + NZ_VNIC_TABLE_MAC_HI_WIDTH)));

    wire [0:0]  r_valid   = stg[NZ_ROUTE_TABLE_VALID_WORD*32 + NZ_ROUTE_TABLE_VALID_SHIFT +: NZ_ROUTE_TABLE_VALID_WIDTH];
    wire [1:0]  r_type    = stg[NZ_ROUTE_TABLE_TYPE_WORD*32 + NZ_ROUTE_TABLE_TYPE_SHIFT +: NZ_ROUTE_TABLE_TYPE_WIDTH];
    wire [0:0]  r_geneve  = stg[NZ_ROUTE_TABLE_GENEVE_WORD*32 + NZ_ROUTE_TABLE_GENEVE_SHIFT +: NZ_ROUTE_TABLE_GENEVE_WIDTH];
    wire [5:0]  r_plen    = stg[NZ_ROUTE_TABLE_PLEN_WORD*32 + NZ_ROUTE_TABLE_PLEN_SHIFT +: NZ_ROUTE_TABLE_PLEN_WIDTH];
    wire [23:0] r_vni     = stg[NZ_ROUTE_TABLE_VNI_WORD*32 + NZ_ROUTE_TABLE_VNI_SHIFT +: NZ_ROUTE_TABLE_VNI_WIDTH];
    wire [31:0] r_prefix  = stg[NZ_ROUTE_TABLE_PREFIX_WORD*32 + NZ_ROUTE_TABLE_PREFIX_SHIFT +: NZ_ROUTE_TABLE_PREFIX_WIDTH];
    wire [31:0] r_value   = stg[NZ_ROUTE_TABLE_VALUE_WORD*32 + NZ_ROUTE_TABLE_VALUE_SHIFT +: NZ_ROUTE_TABLE_VALUE_WIDTH];
    wire        r_bad     = (r_plen > 6'd32) || (|(stg[NZ_ROUTE_TABLE_VNI_WORD*32 +: 32] >> (NZ_ROUTE_TABLE_VNI_SHIFT + NZ_ROUTE_TABLE_VNI_WIDTH))) ||
                            (r_type == NZ_ROUTE_TYPE_LOCAL[1:0] && r_value >= N_VNIC);

    wire [0:0]  m_valid   = stg[NZ_MAP_TABLE_VALID_WORD*32 + NZ_MAP_TABLE_VALID_SHIFT +: NZ_MAP_TABLE_VALID_WIDTH];
    wire [0:0]  m_geneve  = stg[NZ_MAP_TABLE_GENEVE_WORD*32 + NZ_MAP_TABLE_GENEVE_SHIFT +: NZ_MAP_TABLE_GENEVE_WIDTH];
    wire [23:0] m_vni     = stg[NZ_MAP_TABLE_VNI_WORD*32 + NZ_MAP_TABLE_VNI_SHIFT +: NZ_MAP_TABLE_VNI_WIDTH];
    wire [31:0] m_ip      = stg[NZ_MAP_TABLE_IP_WORD*32 + NZ_MAP_TABLE_IP_SHIFT +: NZ_MAP_TABLE_IP_WIDTH];
    wire [31:0] m_vtep    = stg[NZ_MAP_TABLE_VTEP_WORD*32 + NZ_MAP_TABLE_VTEP_SHIFT +: NZ_MAP_TABLE_VTEP_WIDTH];
    wire [31:0] m_mac_lo  = stg[NZ_MAP_TABLE_MAC_LO_WORD*32 + NZ_MAP_TABLE_MAC_LO_SHIFT +: NZ_MAP_TABLE_MAC_LO_WIDTH];
    wire [15:0] m_mac_hi  = stg[NZ_MAP_TABLE_MAC_HI_WORD*32 + NZ_MAP_TABLE_MAC_HI_SHIFT +: NZ_MAP_TABLE_MAC_HI_WIDTH];
    wire        m_bad     = (|(stg[NZ_MAP_TABLE_VNI_WORD*32 +: 32] >> (NZ_MAP_TABLE_VNI_SHIFT + NZ_MAP_TABLE_VNI_WIDTH))) || (|(stg[NZ_MAP_TABLE_MAC_HI_WORD*32 +: 32] >> (NZ_MAP_TABLE_MAC_HI_SHIFT + NZ_MAP_TABLE_MAC_HI_WIDTH)));

    wire [0:0]  a_valid   = stg[NZ_ACL_TABLE_VALID_WORD*32 + NZ_ACL_TABLE_VALID_SHIFT +: NZ_ACL_TABLE_VALID_WIDTH];
    wire [0:0]  a_dir     = stg[NZ_ACL_TABLE_DIR_WORD*32 + NZ_ACL_TABLE_DIR_SHIFT +: NZ_ACL_TABLE_DIR_WIDTH];
    wire [0:0]  a_allow   = stg[NZ_ACL_TABLE_ALLOW_WORD*32 + NZ_ACL_TABLE_ALLOW_SHIFT +: NZ_ACL_TABLE_ALLOW_WIDTH];
    wire [7:0]  a_proto   = stg[NZ_ACL_TABLE_PROTO_WORD*32 + NZ_ACL_TABLE_PROTO_SHIFT +: NZ_ACL_TABLE_PROTO_WIDTH];
    wire [5:0]  a_srclen  = stg[NZ_ACL_TABLE_SRC_LEN_WORD*32 + NZ_ACL_TABLE_SRC_LEN_SHIFT +: NZ_ACL_TABLE_SRC_LEN_WIDTH];
    wire [5:0]  a_dstlen  = stg[NZ_ACL_TABLE_DST_LEN_WORD*32 + NZ_ACL_TABLE_DST_LEN_SHIFT +: NZ_ACL_TABLE_DST_LEN_WIDTH];
    wire [31:0] a_src     = stg[NZ_ACL_TABLE_SRC_WORD*32 + NZ_ACL_TABLE_SRC_SHIFT +: NZ_ACL_TABLE_SRC_WIDTH];
    wire [31:0] a_dst     = stg[NZ_ACL_TABLE_DST_WORD*32 + NZ_ACL_TABLE_DST_SHIFT +: NZ_ACL_TABLE_DST_WIDTH];
    wire [15:0] a_splo    = stg[NZ_ACL_TABLE_SPORT_LO_WORD*32 + NZ_ACL_TABLE_SPORT_LO_SHIFT +: NZ_ACL_TABLE_SPORT_LO_WIDTH];
    wire [15:0] a_sphi    = stg[NZ_ACL_TABLE_SPORT_HI_WORD*32 + NZ_ACL_TABLE_SPORT_HI_SHIFT +: NZ_ACL_TABLE_SPORT_HI_WIDTH];
    wire [15:0] a_dplo    = stg[NZ_ACL_TABLE_DPORT_LO_WORD*32 + NZ_ACL_TABLE_DPORT_LO_SHIFT +: NZ_ACL_TABLE_DPORT_LO_WIDTH];
    wire [15:0] a_dphi    = stg[NZ_ACL_TABLE_DPORT_HI_WORD*32 + NZ_ACL_TABLE_DPORT_HI_SHIFT +: NZ_ACL_TABLE_DPORT_HI_WIDTH];
    wire        a_bad     = (a_srclen > 6'd32) || (a_dstlen > 6'd32) || (a_splo > a_sphi) || (a_dplo > a_dphi);

    reg [NZ_RULE_W-1:0] a_rule;
    always @* begin
        a_rule = {NZ_RULE_W{1'b0}};
        a_rule[NZ_R_VALID]         = a_valid[0];
        a_rule[NZ_R_DIR]           = a_dir[0];
        a_rule[NZ_R_ALLOW]         = a_allow[0];
        a_rule[NZ_R_PROTO  +: 8]   = a_proto;
        a_rule[NZ_R_SRC    +: 32]  = a_src & pmask(a_srclen);
        a_rule[NZ_R_SRCLEN +: 6]   = a_srclen;
        a_rule[NZ_R_DST    +: 32]  = a_dst & pmask(a_dstlen);
        a_rule[NZ_R_DSTLEN +: 6]   = a_dstlen;
        a_rule[NZ_R_SPLO   +: 16]  = a_splo;
        a_rule[NZ_R_SPHI   +: 16]  = a_sphi;
        a_rule[NZ_R_DPLO   +: 16]  = a_dplo;
        a_rule[NZ_R_DPHI   +: 16]  = a_dphi;
    end

    wire [1:0]  o_mode    = stg[NZ_OFFLOAD_MODE_WORD*32 + NZ_OFFLOAD_MODE_SHIFT +: NZ_OFFLOAD_MODE_WIDTH];
    wire        o_compact = stg[NZ_OFFLOAD_COMPACT_WORD*32 + NZ_OFFLOAD_COMPACT_SHIFT];
    wire [7:0]  o_group   = stg[NZ_OFFLOAD_GROUP_WORD*32 + NZ_OFFLOAD_GROUP_SHIFT +: NZ_OFFLOAD_GROUP_WIDTH];
    wire [7:0]  o_version = stg[NZ_OFFLOAD_VERSION_WORD*32 + NZ_OFFLOAD_VERSION_SHIFT +: NZ_OFFLOAD_VERSION_WIDTH];
    wire [7:0]  o_be_vnic = stg[NZ_OFFLOAD_BE_VNIC_WORD*32 + NZ_OFFLOAD_BE_VNIC_SHIFT +: NZ_OFFLOAD_BE_VNIC_WIDTH];
    wire [31:0] o_be_vtep = stg[NZ_OFFLOAD_BE_VTEP_WORD*32 + NZ_OFFLOAD_BE_VTEP_SHIFT +: NZ_OFFLOAD_BE_VTEP_WIDTH];
    wire        o_bad     = {24'd0, o_group} >= N_GROUPS;

    wire [2:0]  g_count   = stg[NZ_FE_GROUP_COUNT_WORD*32 + NZ_FE_GROUP_COUNT_SHIFT +: NZ_FE_GROUP_COUNT_WIDTH];
    wire [127:0] g_vtep   = {stg[NZ_FE_GROUP_VTEP3_WORD*32 + NZ_FE_GROUP_VTEP3_SHIFT +: NZ_FE_GROUP_VTEP3_WIDTH],
                             stg[NZ_FE_GROUP_VTEP2_WORD*32 + NZ_FE_GROUP_VTEP2_SHIFT +: NZ_FE_GROUP_VTEP2_WIDTH],
                             stg[NZ_FE_GROUP_VTEP1_WORD*32 + NZ_FE_GROUP_VTEP1_SHIFT +: NZ_FE_GROUP_VTEP1_WIDTH],
                             stg[NZ_FE_GROUP_VTEP0_WORD*32 + NZ_FE_GROUP_VTEP0_SHIFT +: NZ_FE_GROUP_VTEP0_WIDTH]};
    wire        g_bad     = (g_count > 3'd4);

    reg c_bad;
    always @* begin
        case (c_tbl)
            T_VNIC:  c_bad = v_bad;
            T_ROUTE: c_bad = r_bad;
            T_MAP:   c_bad = m_bad;
            T_ACL:   c_bad = a_bad;
            T_OL:    c_bad = o_bad;
            T_FG:    c_bad = g_bad;
            default: c_bad = 1'b1;
        endcase
    end
    // Table writes and the datapath plain writes commit in a cycle the flow processor grants between frames
    // (cfg_req held until cfg_ack), so that every frame sees either the old or the new value throughout.
    assign cfg_req = (state == S_COMMIT) || (state == S_PCOMMIT);
    wire commit  = (state == S_COMMIT) && cfg_ack;
    wire pcommit = (state == S_PCOMMIT) && cfg_ack;

    // ------------------------------------------------------------------ tables
    wire [VNIC_W-1:0] vi = tidx[T_VNIC][VNIC_W-1:0];
    vnic_table #(.VNIC_W(VNIC_W)) u_vnic (
        .clk(clk), .rst(rst),
        .wr_en(commit && c_tbl == T_VNIC), .wr_idx(vi), .wr_enable(v_enable[0]), .wr_acl(v_acl),
        .wr_vni(v_vni), .wr_mac({v_mac_hi, v_mac_lo}), .wr_ip(v_ip), .wr_gw(v_gw),
        .vnic_en(vnic_en), .vnic_vni(vnic_vni), .vnic_mac(vnic_mac), .vnic_ip(vnic_ip),
        .vnic_gw(vnic_gw), .vnic_acl(vnic_acl)
    );

    wire            rtr_valid, rtr_geneve;
    wire [1:0]      rtr_type;
    wire [5:0]      rtr_plen;
    wire [23:0]     rtr_vni;
    wire [31:0]     rtr_prefix, rtr_value;
    route_lpm #(.ROUTES(ROUTES), .RI_W(RI_W)) u_route (
        .clk(clk), .rst(rst),
        .wr_en(commit && c_tbl == T_ROUTE), .wr_idx(tidx[T_ROUTE][RI_W-1:0]), .wr_valid(r_valid[0]),
        .wr_type(r_type), .wr_geneve(r_geneve[0]), .wr_plen(r_plen), .wr_vni(r_vni), .wr_prefix(r_prefix),
        .wr_value(r_value),
        .rd_idx(tidx[T_ROUTE][RI_W-1:0]), .rd_valid(rtr_valid), .rd_type(rtr_type), .rd_geneve(rtr_geneve),
        .rd_plen(rtr_plen), .rd_vni(rtr_vni), .rd_prefix(rtr_prefix), .rd_value(rtr_value),
        .rt_req_valid(rt_req_valid), .rt_req_vni(rt_req_vni), .rt_req_ip(rt_req_ip),
        .rt_resp_valid(rt_resp_valid), .rt_resp_hit(rt_resp_hit), .rt_resp_type(rt_resp_type),
        .rt_resp_geneve(rt_resp_geneve), .rt_resp_value(rt_resp_value)
    );

    wire        map_ready, map_hr_done, mpr_valid, mpr_geneve;
    wire [23:0] mpr_vni;
    wire [31:0] mpr_ip, mpr_vtep;
    wire [47:0] mpr_mac;
    wire        map_hr_req = (state == S_FETCH) && !f_issued && c_tbl == T_MAP;
    map_table #(.MAP_LOG2(MAP_LOG2), .MAP_WAYS(MAP_WAYS), .IDX_W(MAP_IW)) u_map (
        .clk(clk), .rst(rst), .ready(map_ready),
        .wr_en(commit && c_tbl == T_MAP), .wr_idx(tidx[T_MAP][MAP_IW-1:0]), .wr_valid(m_valid[0]),
        .wr_vni(m_vni), .wr_ip(m_ip), .wr_vtep(m_vtep), .wr_mac({m_mac_hi, m_mac_lo}),
        .wr_geneve(m_geneve[0]),
        .hr_req(map_hr_req), .hr_idx(tidx[T_MAP][MAP_IW-1:0]), .hr_done(map_hr_done),
        .hr_valid(mpr_valid), .hr_vni(mpr_vni), .hr_ip(mpr_ip), .hr_vtep(mpr_vtep), .hr_mac(mpr_mac),
        .hr_geneve(mpr_geneve),
        .mp_req_valid(mp_req_valid), .mp_req_vni(mp_req_vni), .mp_req_ip(mp_req_ip),
        .mp_resp_valid(mp_resp_valid), .mp_resp_hit(mp_resp_hit), .mp_resp_vtep(mp_resp_vtep),
        .mp_resp_mac(mp_resp_mac), .mp_resp_geneve(mp_resp_geneve)
    );

    wire                 acl_ready, acl_hr_done;
    wire [NZ_RULE_W-1:0] acl_hr_rule;
    wire                 acl_hr_req = (state == S_FETCH) && !f_issued && c_tbl == T_ACL;
    wire                 acl_cnt_we = pcommit && a32 == NZ_ACL_TABLE_SET_COUNT;
    acl_table #(.ACL_SETS(ACL_SETS), .ACL_RULES(ACL_RULES), .RULE_W(NZ_RULE_W), .ACL_AW(ACL_AW),
                .SET_W(SET_W)) u_acl (
        .clk(clk), .rst(rst), .ready(acl_ready),
        .wr_en(commit && c_tbl == T_ACL), .wr_idx(tidx[T_ACL][ACL_AW-1:0]), .wr_rule(a_rule),
        .hr_req(acl_hr_req), .hr_idx(tidx[T_ACL][ACL_AW-1:0]), .hr_done(acl_hr_done), .hr_rule(acl_hr_rule),
        .cnt_we(acl_cnt_we), .cnt_set(acl_sel), .cnt_val(r_wdata[8:0]), .acl_count(acl_count),
        .acl_rd_en(acl_rd_en), .acl_rd_addr(acl_rd_addr), .acl_rd_data(acl_rd_data)
    );
    assign acl_cnt_sel = acl_count[acl_sel*9 +: 9];

    wire [VNIC_W-1:0] oi = tidx[T_OL][VNIC_W-1:0];
    offload_table #(.VNIC_W(VNIC_W), .GRP_W(GRP_W)) u_offload (
        .clk(clk), .rst(rst),
        .wr_en(commit && c_tbl == T_OL), .wr_idx(oi), .wr_mode(o_mode), .wr_compact(o_compact), .wr_group(o_group[GRP_W-1:0]),
        .wr_version(o_version), .wr_be_vnic(o_be_vnic), .wr_be_vtep(o_be_vtep),
        .ol_mode(ol_mode), .ol_compact(ol_compact), .ol_group(ol_group), .ol_version(ol_version),
        .ol_be_vnic(ol_be_vnic), .ol_be_vtep(ol_be_vtep)
    );

    wire [GRP_W-1:0] gi = tidx[T_FG][GRP_W-1:0];
    wire [4:0]       fe_down;
    fe_group_table #(.N_GROUPS(N_GROUPS), .GRP_W(GRP_W)) u_groups (
        .clk(clk), .rst(rst), .tick_now(tick_now), .cfg_interval(probe_interval), .cfg_timeout(probe_timeout),
        .wr_en(commit && c_tbl == T_FG), .wr_idx(gi), .wr_count(g_count), .wr_vtep(g_vtep),
        .rf_valid(lv_refresh), .rf_addr(lv_addr), .rf_tick(lv_tick),
        .round_due(round_due), .round_tick(round_tick), .round_go(lv_round), .go_tick(lv_round_tick),
        .ev_fe_down(fe_down),
        .fg_count(fg_count), .fg_vtep(fg_vtep), .fg_alive(fg_alive)
    );

    assign sess_rb_loc = tidx[T_SESS][LOC_W-1:0];

    wire        vs_req = (state == S_DEC) && !r_write && d_ok && d_kind == RK_VSTAT;
    wire        vs_done;
    wire [63:0] vs_value;
    stats_counters #(.VNIC_W(VNIC_W)) u_stats (
        .clk(clk), .rst(rst),
        .ev_valid(ev_valid), .ev_port(ev_port), .ev_len(ev_len), .ev_drop_reason(ev_drop_reason),
        .ev_exc_reason(ev_exc_reason), .ev_arp_reply(ev_arp_reply),
        .ev_rx_vnic_valid(ev_rx_vnic_valid), .ev_rx_vnic(ev_rx_vnic),
        .ev_tx_vnic_valid(ev_tx_vnic_valid), .ev_tx_vnic(ev_tx_vnic), .ev_tx_len(ev_tx_len),
        .ev_newflow(ev_newflow), .ev_newflow_vnic(ev_newflow_vnic), .ev_slow_cycles(ev_slow_cycles),
        .ev_sess_hit(ev_sess_hit), .ev_sess_miss(ev_sess_miss), .ev_sess_closed(ev_sess_closed),
        .ev_nz_redirect(ev_nz_redirect), .ev_nz_verdict_tx(ev_nz_verdict_tx), .ev_nz_verdict_rx(ev_nz_verdict_rx),
        .ev_nz_fallback(ev_nz_fallback), .ev_probe_reply_tx(ev_probe_reply_tx),
        .ev_probe_reply_rx(ev_probe_reply_rx), .probe_tx(probe_tx), .fe_down(fe_down),
        .sess_ev_insert(sess_ev_insert), .sess_ev_insert_fail(sess_ev_insert_fail),
        .sess_ev_aged(sess_ev_aged), .sess_ev_kicks(sess_ev_kicks), .sess_occupancy(sess_occupancy),
        .tx_net_beat(tx_net_beat), .tx_net_last(tx_net_last), .tx_net_bytes(tx_net_bytes),
        .tx_host_beat(tx_host_beat), .tx_host_last(tx_host_last), .tx_host_bytes(tx_host_bytes),
        .st_idx(st_idx), .st_value(st_value),
        .vs_req(vs_req), .vs_sel(vs_sel), .vs_kind(d_vkind), .vs_done(vs_done), .vs_value(vs_value)
    );

    // ------------------------------------------------------------------ CMD 2: entry -> DATA words
    reg [511:0] f_vnic, f_route, f_map, f_acl, f_sess, f_ol, f_fg;
    reg [127:0] s_key;
    reg [NZ_ACT_W-1:0] s_a0, s_a1;
    always @* begin
        f_vnic = 512'd0;
        f_vnic[NZ_VNIC_TABLE_ENABLE_WORD*32 + NZ_VNIC_TABLE_ENABLE_SHIFT +: NZ_VNIC_TABLE_ENABLE_WIDTH]  = vnic_en[vi];
        f_vnic[NZ_VNIC_TABLE_ACL_SET_WORD*32 + NZ_VNIC_TABLE_ACL_SET_SHIFT +: NZ_VNIC_TABLE_ACL_SET_WIDTH] = vnic_acl[vi*8 +: 8];
        f_vnic[NZ_VNIC_TABLE_VNI_WORD*32 + NZ_VNIC_TABLE_VNI_SHIFT +: NZ_VNIC_TABLE_VNI_WIDTH]     = vnic_vni[vi*24 +: 24];
        f_vnic[NZ_VNIC_TABLE_MAC_LO_WORD*32 + NZ_VNIC_TABLE_MAC_LO_SHIFT +: NZ_VNIC_TABLE_MAC_LO_WIDTH]  = vnic_mac[vi*48 +: 32];
        f_vnic[NZ_VNIC_TABLE_MAC_HI_WORD*32 + NZ_VNIC_TABLE_MAC_HI_SHIFT +: NZ_VNIC_TABLE_MAC_HI_WIDTH]  = vnic_mac[vi*48 + 32 +: 16];
        f_vnic[NZ_VNIC_TABLE_IP_WORD*32 + NZ_VNIC_TABLE_IP_SHIFT +: NZ_VNIC_TABLE_IP_WIDTH]      = vnic_ip[vi*32 +: 32];
        f_vnic[NZ_VNIC_TABLE_GW_IP_WORD*32 + NZ_VNIC_TABLE_GW_IP_SHIFT +: NZ_VNIC_TABLE_GW_IP_WIDTH]   = vnic_gw[vi*32 +: 32];

        f_route = 512'd0;
        f_route[NZ_ROUTE_TABLE_VALID_WORD*32 + NZ_ROUTE_TABLE_VALID_SHIFT +: NZ_ROUTE_TABLE_VALID_WIDTH]  = rtr_valid;
        f_route[NZ_ROUTE_TABLE_TYPE_WORD*32 + NZ_ROUTE_TABLE_TYPE_SHIFT +: NZ_ROUTE_TABLE_TYPE_WIDTH]   = rtr_type;
        f_route[NZ_ROUTE_TABLE_GENEVE_WORD*32 + NZ_ROUTE_TABLE_GENEVE_SHIFT +: NZ_ROUTE_TABLE_GENEVE_WIDTH] = rtr_geneve;
        f_route[NZ_ROUTE_TABLE_PLEN_WORD*32 + NZ_ROUTE_TABLE_PLEN_SHIFT +: NZ_ROUTE_TABLE_PLEN_WIDTH]   = rtr_plen;
        f_route[NZ_ROUTE_TABLE_VNI_WORD*32 + NZ_ROUTE_TABLE_VNI_SHIFT +: NZ_ROUTE_TABLE_VNI_WIDTH]    = rtr_vni;
        f_route[NZ_ROUTE_TABLE_PREFIX_WORD*32 + NZ_ROUTE_TABLE_PREFIX_SHIFT +: NZ_ROUTE_TABLE_PREFIX_WIDTH] = rtr_prefix;
        f_route[NZ_ROUTE_TABLE_VALUE_WORD*32 + NZ_ROUTE_TABLE_VALUE_SHIFT +: NZ_ROUTE_TABLE_VALUE_WIDTH]  = rtr_value;

        f_map = 512'd0;
        f_map[NZ_MAP_TABLE_VALID_WORD*32 + NZ_MAP_TABLE_VALID_SHIFT +: NZ_MAP_TABLE_VALID_WIDTH]  = mpr_valid;
        f_map[NZ_MAP_TABLE_GENEVE_WORD*32 + NZ_MAP_TABLE_GENEVE_SHIFT +: NZ_MAP_TABLE_GENEVE_WIDTH] = mpr_geneve;
        f_map[NZ_MAP_TABLE_VNI_WORD*32 + NZ_MAP_TABLE_VNI_SHIFT +: NZ_MAP_TABLE_VNI_WIDTH]    = mpr_vni;
        f_map[NZ_MAP_TABLE_IP_WORD*32 + NZ_MAP_TABLE_IP_SHIFT +: NZ_MAP_TABLE_IP_WIDTH]     = mpr_ip;
        f_map[NZ_MAP_TABLE_VTEP_WORD*32 + NZ_MAP_TABLE_VTEP_SHIFT +: NZ_MAP_TABLE_VTEP_WIDTH]   = mpr_vtep;
        f_map[NZ_MAP_TABLE_MAC_LO_WORD*32 + NZ_MAP_TABLE_MAC_LO_SHIFT +: NZ_MAP_TABLE_MAC_LO_WIDTH] = mpr_mac[31:0];
        f_map[NZ_MAP_TABLE_MAC_HI_WORD*32 + NZ_MAP_TABLE_MAC_HI_SHIFT +: NZ_MAP_TABLE_MAC_HI_WIDTH] = mpr_mac[47:32];

        f_acl = 512'd0;
        f_acl[NZ_ACL_TABLE_VALID_WORD*32 + NZ_ACL_TABLE_VALID_SHIFT +: NZ_ACL_TABLE_VALID_WIDTH]    = acl_hr_rule[NZ_R_VALID];
        f_acl[NZ_ACL_TABLE_DIR_WORD*32 + NZ_ACL_TABLE_DIR_SHIFT +: NZ_ACL_TABLE_DIR_WIDTH]      = acl_hr_rule[NZ_R_DIR];
        f_acl[NZ_ACL_TABLE_ALLOW_WORD*32 + NZ_ACL_TABLE_ALLOW_SHIFT +: NZ_ACL_TABLE_ALLOW_WIDTH]    = acl_hr_rule[NZ_R_ALLOW];
        f_acl[NZ_ACL_TABLE_PROTO_WORD*32 + NZ_ACL_TABLE_PROTO_SHIFT +: NZ_ACL_TABLE_PROTO_WIDTH]    = acl_hr_rule[NZ_R_PROTO +: 8];
        f_acl[NZ_ACL_TABLE_SRC_LEN_WORD*32 + NZ_ACL_TABLE_SRC_LEN_SHIFT +: NZ_ACL_TABLE_SRC_LEN_WIDTH]  = acl_hr_rule[NZ_R_SRCLEN +: 6];
        f_acl[NZ_ACL_TABLE_DST_LEN_WORD*32 + NZ_ACL_TABLE_DST_LEN_SHIFT +: NZ_ACL_TABLE_DST_LEN_WIDTH]  = acl_hr_rule[NZ_R_DSTLEN +: 6];
        f_acl[NZ_ACL_TABLE_SRC_WORD*32 + NZ_ACL_TABLE_SRC_SHIFT +: NZ_ACL_TABLE_SRC_WIDTH]      = acl_hr_rule[NZ_R_SRC +: 32];
        f_acl[NZ_ACL_TABLE_DST_WORD*32 + NZ_ACL_TABLE_DST_SHIFT +: NZ_ACL_TABLE_DST_WIDTH]      = acl_hr_rule[NZ_R_DST +: 32];
        f_acl[NZ_ACL_TABLE_SPORT_LO_WORD*32 + NZ_ACL_TABLE_SPORT_LO_SHIFT +: NZ_ACL_TABLE_SPORT_LO_WIDTH] = acl_hr_rule[NZ_R_SPLO +: 16];
        f_acl[NZ_ACL_TABLE_SPORT_HI_WORD*32 + NZ_ACL_TABLE_SPORT_HI_SHIFT +: NZ_ACL_TABLE_SPORT_HI_WIDTH] = acl_hr_rule[NZ_R_SPHI +: 16];
        f_acl[NZ_ACL_TABLE_DPORT_LO_WORD*32 + NZ_ACL_TABLE_DPORT_LO_SHIFT +: NZ_ACL_TABLE_DPORT_LO_WIDTH] = acl_hr_rule[NZ_R_DPLO +: 16];
        f_acl[NZ_ACL_TABLE_DPORT_HI_WORD*32 + NZ_ACL_TABLE_DPORT_HI_SHIFT +: NZ_ACL_TABLE_DPORT_HI_WIDTH] = acl_hr_rule[NZ_R_DPHI +: 16];

        f_ol = 512'd0;
        f_ol[NZ_OFFLOAD_MODE_WORD*32 + NZ_OFFLOAD_MODE_SHIFT +: NZ_OFFLOAD_MODE_WIDTH]          = ol_mode[oi*2 +: 2];
        f_ol[NZ_OFFLOAD_COMPACT_WORD*32 + NZ_OFFLOAD_COMPACT_SHIFT]                             = ol_compact[oi];
        f_ol[NZ_OFFLOAD_GROUP_WORD*32 + NZ_OFFLOAD_GROUP_SHIFT +: GRP_W]                       = ol_group[oi*GRP_W +: GRP_W];
        f_ol[NZ_OFFLOAD_VERSION_WORD*32 + NZ_OFFLOAD_VERSION_SHIFT +: NZ_OFFLOAD_VERSION_WIDTH] = ol_version[oi*8 +: 8];
        f_ol[NZ_OFFLOAD_BE_VNIC_WORD*32 + NZ_OFFLOAD_BE_VNIC_SHIFT +: NZ_OFFLOAD_BE_VNIC_WIDTH] = ol_be_vnic[oi*8 +: 8];
        f_ol[NZ_OFFLOAD_BE_VTEP_WORD*32 + NZ_OFFLOAD_BE_VTEP_SHIFT +: NZ_OFFLOAD_BE_VTEP_WIDTH] = ol_be_vtep[oi*32 +: 32];

        f_fg = 512'd0;
        f_fg[NZ_FE_GROUP_COUNT_WORD*32 + NZ_FE_GROUP_COUNT_SHIFT +: NZ_FE_GROUP_COUNT_WIDTH] = fg_count[gi*3 +: 3];
        f_fg[NZ_FE_GROUP_ALIVE_WORD*32 + NZ_FE_GROUP_ALIVE_SHIFT +: NZ_FE_GROUP_ALIVE_WIDTH] = fg_alive[gi*4 +: 4];
        f_fg[NZ_FE_GROUP_VTEP0_WORD*32 + NZ_FE_GROUP_VTEP0_SHIFT +: NZ_FE_GROUP_VTEP0_WIDTH] = fg_vtep[gi*128 +: 32];
        f_fg[NZ_FE_GROUP_VTEP1_WORD*32 + NZ_FE_GROUP_VTEP1_SHIFT +: NZ_FE_GROUP_VTEP1_WIDTH] = fg_vtep[gi*128 + 32 +: 32];
        f_fg[NZ_FE_GROUP_VTEP2_WORD*32 + NZ_FE_GROUP_VTEP2_SHIFT +: NZ_FE_GROUP_VTEP2_WIDTH] = fg_vtep[gi*128 + 64 +: 32];
        f_fg[NZ_FE_GROUP_VTEP3_WORD*32 + NZ_FE_GROUP_VTEP3_SHIFT +: NZ_FE_GROUP_VTEP3_WIDTH] = fg_vtep[gi*128 + 96 +: 32];

        // session entry (nezha_types.vh): key = {vni, proto, lo_ip, hi_ip, lo_port, hi_port}
        s_key = sess_rb_entry[NZ_E_KEY +: NZ_KEY_W];
        s_a0  = sess_rb_entry[NZ_E_ACT0 +: NZ_ACT_W];
        s_a1  = sess_rb_entry[NZ_E_ACT1 +: NZ_ACT_W];
        f_sess = 512'd0;
        f_sess[NZ_SESSION_VALID_WORD*32 + NZ_SESSION_VALID_SHIFT +: NZ_SESSION_VALID_WIDTH]       = sess_rb_entry[NZ_E_VALID];
        f_sess[NZ_SESSION_INIT_DIR_WORD*32 + NZ_SESSION_INIT_DIR_SHIFT +: NZ_SESSION_INIT_DIR_WIDTH]    = sess_rb_entry[NZ_E_INITDIR];
        f_sess[NZ_SESSION_EST_WORD*32 + NZ_SESSION_EST_SHIFT +: NZ_SESSION_EST_WIDTH]         = sess_rb_entry[NZ_E_EST];
        f_sess[NZ_SESSION_FIN0_WORD*32 + NZ_SESSION_FIN0_SHIFT +: NZ_SESSION_FIN0_WIDTH]        = sess_rb_entry[NZ_E_FIN0];
        f_sess[NZ_SESSION_FIN1_WORD*32 + NZ_SESSION_FIN1_SHIFT +: NZ_SESSION_FIN1_WIDTH]        = sess_rb_entry[NZ_E_FIN1];
        f_sess[NZ_SESSION_COMPACT_WORD*32 + NZ_SESSION_COMPACT_SHIFT +: NZ_SESSION_COMPACT_WIDTH] = sess_rb_compact;
        f_sess[NZ_SESSION_TS_WORD*32 + NZ_SESSION_TS_SHIFT +: NZ_SESSION_TS_WIDTH]          = sess_rb_entry[NZ_E_TS +: 16];
        f_sess[NZ_SESSION_VNI_WORD*32 + NZ_SESSION_VNI_SHIFT +: NZ_SESSION_VNI_WIDTH]         = s_key[127:104];
        f_sess[NZ_SESSION_PROTO_WORD*32 + NZ_SESSION_PROTO_SHIFT +: NZ_SESSION_PROTO_WIDTH]       = s_key[103:96];
        f_sess[NZ_SESSION_LO_IP_WORD*32 + NZ_SESSION_LO_IP_SHIFT +: NZ_SESSION_LO_IP_WIDTH]       = s_key[95:64];
        f_sess[NZ_SESSION_HI_IP_WORD*32 + NZ_SESSION_HI_IP_SHIFT +: NZ_SESSION_HI_IP_WIDTH]       = s_key[63:32];
        f_sess[NZ_SESSION_LO_PORT_WORD*32 + NZ_SESSION_LO_PORT_SHIFT +: NZ_SESSION_LO_PORT_WIDTH]     = s_key[31:16];
        f_sess[NZ_SESSION_HI_PORT_WORD*32 + NZ_SESSION_HI_PORT_SHIFT +: NZ_SESSION_HI_PORT_WIDTH]     = s_key[15:0];
        f_sess[NZ_SESSION_PKTS_WORD*32 + NZ_SESSION_PKTS_SHIFT +: NZ_SESSION_PKTS_WIDTH]        = sess_rb_entry[NZ_E_PKTS +: 32];
        f_sess[NZ_SESSION_BYTES_LO_WORD*32 + NZ_SESSION_BYTES_LO_SHIFT +: NZ_SESSION_BYTES_LO_WIDTH]    = sess_rb_entry[NZ_E_BYTES +: 32];
        f_sess[NZ_SESSION_BYTES_HI_WORD*32 + NZ_SESSION_BYTES_HI_SHIFT +: NZ_SESSION_BYTES_HI_WIDTH]    = sess_rb_entry[NZ_E_BYTES + 32 +: 8];
        f_sess[NZ_SESSION_ACT0_TYPE_WORD*32 + NZ_SESSION_ACT0_TYPE_SHIFT +: NZ_SESSION_ACT0_TYPE_WIDTH]   = s_a0[NZ_ACT_TYPE +: 2];
        f_sess[NZ_SESSION_ACT0_VNIC_WORD*32 + NZ_SESSION_ACT0_VNIC_SHIFT +: NZ_SESSION_ACT0_VNIC_WIDTH]   = s_a0[NZ_ACT_VNIC +: 8];
        f_sess[NZ_SESSION_ACT0_VTEP_WORD*32 + NZ_SESSION_ACT0_VTEP_SHIFT +: NZ_SESSION_ACT0_VTEP_WIDTH]   = s_a0[NZ_ACT_VTEP +: 32];
        f_sess[NZ_SESSION_ACT0_MAC_LO_WORD*32 + NZ_SESSION_ACT0_MAC_LO_SHIFT +: NZ_SESSION_ACT0_MAC_LO_WIDTH] = s_a0[NZ_ACT_MAC +: 32];
        f_sess[NZ_SESSION_ACT0_MAC_HI_WORD*32 + NZ_SESSION_ACT0_MAC_HI_SHIFT +: NZ_SESSION_ACT0_MAC_HI_WIDTH] = s_a0[NZ_ACT_MAC + 32 +: 16];
        f_sess[NZ_SESSION_ACT1_TYPE_WORD*32 + NZ_SESSION_ACT1_TYPE_SHIFT +: NZ_SESSION_ACT1_TYPE_WIDTH]   = s_a1[NZ_ACT_TYPE +: 2];
        f_sess[NZ_SESSION_ACT1_VNIC_WORD*32 + NZ_SESSION_ACT1_VNIC_SHIFT +: NZ_SESSION_ACT1_VNIC_WIDTH]   = s_a1[NZ_ACT_VNIC +: 8];
        f_sess[NZ_SESSION_ACT1_VTEP_WORD*32 + NZ_SESSION_ACT1_VTEP_SHIFT +: NZ_SESSION_ACT1_VTEP_WIDTH]   = s_a1[NZ_ACT_VTEP +: 32];
        f_sess[NZ_SESSION_ACT1_MAC_LO_WORD*32 + NZ_SESSION_ACT1_MAC_LO_SHIFT +: NZ_SESSION_ACT1_MAC_LO_WIDTH] = s_a1[NZ_ACT_MAC +: 32];
        f_sess[NZ_SESSION_ACT1_MAC_HI_WORD*32 + NZ_SESSION_ACT1_MAC_HI_SHIFT +: NZ_SESSION_ACT1_MAC_HI_WIDTH] = s_a1[NZ_ACT_MAC + 32 +: 16];
    end

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
    wire cmd_idx_ok = tidx[d_tbl] < tentries(d_tbl);
    wire cmd_wait   = (d_tbl == T_MAP && !map_ready) || (d_tbl == T_ACL && !acl_ready);

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
            sess_rb_req <= 1'b0;
            scratch     <= 32'd0;
            nic_mac     <= 48'd0;
            nh_mac      <= 48'd0;
            gw_mac      <= 48'd0;
            vtep_ip     <= 32'd0;
            mtu         <= MTU_RESET;
            vm_mtu      <= VM_MTU_RESET;
            idle_to     <= 15'd1000;
            close_to    <= 15'd100;
            tick_cycles <= 24'd1000;
            vs_sel      <= {VNIC_W{1'b0}};
            acl_sel     <= {SET_W{1'b0}};
            probe_interval <= 16'd0;
            probe_timeout  <= 16'd100;
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
                                RK_LATCH: begin
                                    resp_rdata <= d_val;
                                    shadow     <= d_hi;
                                end
                                RK_DATA: begin
                                    resp_valid <= 1'b0;
                                    state      <= S_RDDATA;
                                end
                                RK_VSTAT: begin
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
                                NZ_VNIC_STATS_SEL:       vs_sel        <= r_wdata[VNIC_W-1:0];
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
                    if (c_bad) begin
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
                        NZ_FE_GROUP_PROBE_INTERVAL: probe_interval <= r_wdata[15:0];
                        NZ_FE_GROUP_PROBE_TIMEOUT:  probe_timeout  <= r_wdata[15:0];
                        default: ;                  // SET_COUNT: acl_cnt_we
                    endcase
                    resp_valid <= 1'b1;
                    resp_err   <= 1'b0;
                    state      <= S_IDLE;
                end

                S_FETCH: begin
                    f_issued <= 1'b1;
                    cnt      <= 7'd0;
                    case (c_tbl)
                        T_VNIC: begin
                            stg   <= f_vnic;
                            state <= S_SCATTER;
                        end
                        T_ROUTE: begin
                            stg   <= f_route;
                            state <= S_SCATTER;
                        end
                        T_MAP: begin
                            if (map_hr_done) begin
                                stg   <= f_map;
                                state <= S_SCATTER;
                            end
                        end
                        T_ACL: begin
                            if (acl_hr_done) begin
                                stg   <= f_acl;
                                state <= S_SCATTER;
                            end
                        end
                        T_OL: begin
                            stg   <= f_ol;
                            state <= S_SCATTER;
                        end
                        T_FG: begin
                            stg   <= f_fg;
                            state <= S_SCATTER;
                        end
                        default: begin
                            if (!f_issued)
                                sess_rb_req <= 1'b1;
                            if (sess_rb_req && sess_rb_done) begin
                                sess_rb_req <= 1'b0;
                                stg         <= f_sess;
                                state       <= S_SCATTER;
                            end
                        end
                    endcase
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
