`resetall
`default_nettype none

// csr_decode: address decoder and read multiplexer of the Nezha register map (docs/register-map.md,
// generated from regs/nezha_regs.json). Combinational.
//
// addr (a 16-bit byte address) -> ok (the address is a register), kind and the read value:
//   kind SIMPLE  val is the register's value
//        LATCH   a 64-bit counter's LO word (CYCLES_LO, STATS COUNTER[i] LO): val = bits 31:0, hi = bits 63:32
//                (nezha_csr latches hi into the shared shadow that every HI address reads)
//        DATA    DATA0..15 of a table block: dword = n (the word is in nezha_csr's DATA RAM)
//        VSTAT   a per-vNIC counter's LO word (VNIC_STATS): vkind = the counter, read through stats_counters
// Table blocks (VNIC_TABLE .. FE_GROUP): tbl_hit, tbl = the table id (NZ_TID_*), toff = the offset inside
// the block, entries = the block's ENTRIES; the block's INDEX / STATUS come from tidx / tstat (table t at
// [32t +: 32] / [2t +: 2]). st_idx is the STATS counter index of the address (for stats_counters' read port).
// Block headers (TYPE, VERSION, NEXT) chain the blocks in address order, FE_GROUP last (NEXT = 0).
module csr_decode #(
    parameter DATA_W    = 64,           // AXI-Stream data width (CORE DATA_W)
    parameter VNIC_W    = 4,            // log2 of the number of vNICs
    parameter HDR_BYTES = 128,          // header window (CORE HDR_BYTES)
    parameter MTU_MAX   = 9216,         // largest frame (CORE MTU_MAX)
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
    input  wire [15:0]             addr,
    // register values
    input  wire [31:0]             scratch,
    input  wire [63:0]             cycles,
    input  wire [31:0]             shadow,
    input  wire [47:0]             nic_mac,
    input  wire [47:0]             nh_mac,
    input  wire [47:0]             gw_mac,
    input  wire [31:0]             vtep_ip,
    input  wire [15:0]             mtu,
    input  wire [15:0]             vm_mtu,
    input  wire [14:0]             idle_to,
    input  wire [14:0]             close_to,
    input  wire [23:0]             tick_cycles,
    input  wire [15:0]             tick_now,
    input  wire [VNIC_W-1:0]       vs_sel,
    input  wire [SET_W-1:0]        acl_sel,
    input  wire [8:0]              acl_set_count,  // SET_COUNT of set acl_sel
    input  wire [15:0]             probe_interval,
    input  wire [15:0]             probe_timeout,
    input  wire [N_GROUPS*4-1:0]   fg_alive,
    input  wire [7*32-1:0]         tidx,
    input  wire [7*2-1:0]          tstat,
    input  wire [63:0]             st_value,       // STATS counter st_idx
    output wire [5:0]              st_idx,
    // decode
    output reg                     ok,
    output reg  [1:0]              kind,
    output reg  [31:0]             val,
    output reg  [31:0]             hi,
    output reg                     tbl_hit,
    output reg  [2:0]              tbl,
    output reg  [31:0]             toff,
    output reg  [31:0]             entries,
    output reg  [3:0]              dword,
    output reg  [2:0]              vkind
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_regs.vh"
`include "nezha_fields.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam [1:0] K_SIMPLE = 2'd0, K_LATCH = 2'd1, K_DATA = 2'd2, K_VSTAT = 2'd3;
    localparam integer N_VNIC    = 1 << VNIC_W;
    localparam integer N_TBL     = NZ_TABLES;
    localparam integer NUM_STATS = NZ_STATS_COUNT;
    localparam integer ACL_N     = ACL_SETS * ACL_RULES;
    localparam integer MAP_N     = (1 << MAP_LOG2) * MAP_WAYS;
    localparam integer SESS_N    = 4 * (1 << SESS_LOG2) * SESS_WAYS;   // slots: 2 per word
    localparam [2:0]  T_VNIC = NZ_TID_VNIC_TABLE, T_ROUTE = NZ_TID_ROUTE_TABLE, T_MAP = NZ_TID_MAP_TABLE,
                      T_ACL = NZ_TID_ACL_TABLE, T_SESS = NZ_TID_SESSION, T_OL = NZ_TID_OFFLOAD,
                      T_FG = NZ_TID_FE_GROUP;
    localparam [31:0] TBL_SPAN = NZ_TBL_DATA + 32'd64;                       // end of DATA15
    localparam [31:0] ACL_SPAN = NZ_ACL_TABLE_SET_COUNT + 32'd4 - NZ_ACL_TABLE_BASE;
    localparam [31:0] FG_SPAN  = NZ_FE_GROUP_ALIVE_ALL + 32'd4 - NZ_FE_GROUP_BASE;

    initial begin
        if (N_TBL != 7 || N_GROUPS * 4 > 32) begin
            $error("csr_decode: 7 tables and at most 8 FE groups (instance %m)");
            $finish;
        end
    end

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

    wire [31:0] a32    = {16'd0, addr};
    wire [31:0] st_off = a32 - NZ_STATS_COUNTER_BASE;
    assign st_idx = st_off[8:3];
    integer t;

    always @* begin
        ok      = 1'b0;
        kind    = K_SIMPLE;
        val     = 32'd0;
        hi      = 32'd0;
        tbl_hit = 1'b0;
        tbl     = T_VNIC;
        toff    = 32'd0;
        dword   = 4'd0;
        vkind   = 3'd0;
        case (a32)
            // CORE
            NZ_CORE_BASE + NZ_BLK_TYPE:    begin ok = 1'b1; val = NZ_CORE_TYPE; end
            NZ_CORE_BASE + NZ_BLK_VERSION: begin ok = 1'b1; val = NZ_VERSION; end
            NZ_CORE_BASE + NZ_BLK_NEXT:    begin ok = 1'b1; val = NZ_CONFIG_BASE; end
            NZ_CORE_DATA_W:       begin ok = 1'b1; val = DATA_W; end
            NZ_CORE_N_VNIC:       begin ok = 1'b1; val = N_VNIC; end
            NZ_CORE_SESS_BUCKETS: begin ok = 1'b1; val = 1 << SESS_LOG2; end
            NZ_CORE_SESS_WAYS:    begin ok = 1'b1; val = SESS_WAYS; end
            NZ_CORE_ACL_SETS:     begin ok = 1'b1; val = ACL_SETS; end
            NZ_CORE_ACL_RULES:    begin ok = 1'b1; val = ACL_RULES; end
            NZ_CORE_ROUTES:       begin ok = 1'b1; val = ROUTES; end
            NZ_CORE_MAP_BUCKETS:  begin ok = 1'b1; val = 1 << MAP_LOG2; end
            NZ_CORE_MAP_WAYS:     begin ok = 1'b1; val = MAP_WAYS; end
            NZ_CORE_HDR_BYTES:    begin ok = 1'b1; val = HDR_BYTES; end
            NZ_CORE_MTU_MAX:      begin ok = 1'b1; val = MTU_MAX; end
            NZ_CORE_SCRATCH:      begin ok = 1'b1; val = scratch; end
            NZ_CORE_CYCLES_LO:    begin ok = 1'b1; kind = K_LATCH; val = cycles[31:0]; hi = cycles[63:32]; end
            NZ_CORE_CYCLES_HI:    begin ok = 1'b1; val = shadow; end
            NZ_CORE_MAX_KICKS:    begin ok = 1'b1; val = MAX_KICKS; end
            // CONFIG
            NZ_CONFIG_BASE + NZ_BLK_TYPE:    begin ok = 1'b1; val = NZ_CONFIG_TYPE; end
            NZ_CONFIG_BASE + NZ_BLK_VERSION: begin ok = 1'b1; val = NZ_VERSION; end
            NZ_CONFIG_BASE + NZ_BLK_NEXT:    begin ok = 1'b1; val = NZ_STATS_BASE; end
            NZ_CONFIG_NIC_MAC_LO:    begin ok = 1'b1; val = nic_mac[31:0]; end
            NZ_CONFIG_NIC_MAC_HI:    begin ok = 1'b1; val = {16'd0, nic_mac[47:32]}; end
            NZ_CONFIG_VTEP_IP:       begin ok = 1'b1; val = vtep_ip; end
            NZ_CONFIG_NH_MAC_LO:     begin ok = 1'b1; val = nh_mac[31:0]; end
            NZ_CONFIG_NH_MAC_HI:     begin ok = 1'b1; val = {16'd0, nh_mac[47:32]}; end
            NZ_CONFIG_GW_MAC_LO:     begin ok = 1'b1; val = gw_mac[31:0]; end
            NZ_CONFIG_GW_MAC_HI:     begin ok = 1'b1; val = {16'd0, gw_mac[47:32]}; end
            NZ_CONFIG_MTU:           begin ok = 1'b1; val = {16'd0, mtu}; end
            NZ_CONFIG_IDLE_TIMEOUT:  begin ok = 1'b1; val = {17'd0, idle_to}; end
            NZ_CONFIG_CLOSE_TIMEOUT: begin ok = 1'b1; val = {17'd0, close_to}; end
            NZ_CONFIG_TICK_CYCLES:   begin ok = 1'b1; val = {8'd0, tick_cycles}; end
            NZ_CONFIG_TICK_NOW:      begin ok = 1'b1; val = {16'd0, tick_now}; end
            NZ_CONFIG_VM_MTU:        begin ok = 1'b1; val = {16'd0, vm_mtu}; end
            // STATS (counters below)
            NZ_STATS_BASE + NZ_BLK_TYPE:    begin ok = 1'b1; val = NZ_STATS_TYPE; end
            NZ_STATS_BASE + NZ_BLK_VERSION: begin ok = 1'b1; val = NZ_VERSION; end
            NZ_STATS_BASE + NZ_BLK_NEXT:    begin ok = 1'b1; val = NZ_VNIC_STATS_BASE; end
            NZ_STATS_NUM_COUNTERS:          begin ok = 1'b1; val = NUM_STATS; end
            // VNIC_STATS
            NZ_VNIC_STATS_BASE + NZ_BLK_TYPE:    begin ok = 1'b1; val = NZ_VNIC_STATS_TYPE; end
            NZ_VNIC_STATS_BASE + NZ_BLK_VERSION: begin ok = 1'b1; val = NZ_VERSION; end
            NZ_VNIC_STATS_BASE + NZ_BLK_NEXT:    begin ok = 1'b1; val = NZ_VNIC_TABLE_BASE; end
            NZ_VNIC_STATS_SEL:              begin ok = 1'b1; val = {{(32-VNIC_W){1'b0}}, vs_sel}; end
            NZ_VNIC_STATS_RX_PKTS:          begin ok = 1'b1; kind = K_VSTAT; vkind = 3'd0; end
            NZ_VNIC_STATS_RX_PKTS + 4:      begin ok = 1'b1; val = shadow; end
            NZ_VNIC_STATS_RX_BYTES:         begin ok = 1'b1; kind = K_VSTAT; vkind = 3'd1; end
            NZ_VNIC_STATS_RX_BYTES + 4:     begin ok = 1'b1; val = shadow; end
            NZ_VNIC_STATS_TX_PKTS:          begin ok = 1'b1; kind = K_VSTAT; vkind = 3'd2; end
            NZ_VNIC_STATS_TX_PKTS + 4:      begin ok = 1'b1; val = shadow; end
            NZ_VNIC_STATS_TX_BYTES:         begin ok = 1'b1; kind = K_VSTAT; vkind = 3'd3; end
            NZ_VNIC_STATS_TX_BYTES + 4:     begin ok = 1'b1; val = shadow; end
            NZ_VNIC_STATS_NEW_FLOWS:        begin ok = 1'b1; kind = K_VSTAT; vkind = 3'd4; end
            NZ_VNIC_STATS_NEW_FLOWS + 4:    begin ok = 1'b1; val = shadow; end
            NZ_VNIC_STATS_SLOW_CYCLES:      begin ok = 1'b1; kind = K_VSTAT; vkind = 3'd5; end
            NZ_VNIC_STATS_SLOW_CYCLES + 4:  begin ok = 1'b1; val = shadow; end
            default: ;
        endcase

        // STATS counters: COUNTER[i] LO at COUNTER_BASE + 8i, HI at +4
        if (a32 >= NZ_STATS_COUNTER_BASE && st_off < NUM_STATS * 8 && st_off[1:0] == 2'd0) begin
            ok = 1'b1;
            if (!st_off[2]) begin
                kind = K_LATCH;
                val  = st_value[31:0];
                hi   = st_value[63:32];
            end else begin
                val  = shadow;
            end
        end

        // indirect tables
        for (t = 0; t < N_TBL; t = t + 1) begin
            if (a32 >= tbase(t[2:0]) &&
                (a32 - tbase(t[2:0])) < ((t[2:0] == T_ACL) ? ACL_SPAN : (t[2:0] == T_FG) ? FG_SPAN : TBL_SPAN)) begin
                tbl_hit = 1'b1;
                tbl     = t[2:0];
                toff    = a32 - tbase(t[2:0]);
            end
        end
        entries = tentries(tbl);
        if (tbl_hit) begin
            case (toff)
                NZ_BLK_TYPE:    begin ok = 1'b1; val = ttype(tbl); end
                NZ_BLK_VERSION: begin ok = 1'b1; val = NZ_VERSION; end
                NZ_BLK_NEXT:    begin ok = 1'b1; val = tnext(tbl); end
                NZ_TBL_INDEX:   begin ok = 1'b1; val = tidx[tbl*32 +: 32]; end
                NZ_TBL_CMD:     begin ok = 1'b1; val = 32'd0; end
                NZ_TBL_STATUS:  begin ok = 1'b1; val = {30'd0, tstat[tbl*2 +: 2]}; end
                NZ_TBL_ENTRIES: begin ok = 1'b1; val = entries; end
                default: ;
            endcase
            if (toff >= NZ_TBL_DATA && toff < NZ_TBL_DATA + 32'd64 && toff[1:0] == 2'd0) begin
                ok    = 1'b1;
                kind  = K_DATA;
                dword = toff[5:2] - NZ_TBL_DATA[5:2];
            end
            if (a32 == NZ_ACL_TABLE_SET_SEL) begin
                ok  = 1'b1;
                val = {{(32-SET_W){1'b0}}, acl_sel};
            end
            if (a32 == NZ_ACL_TABLE_SET_COUNT) begin
                ok  = 1'b1;
                val = {23'd0, acl_set_count};
            end
            if (a32 == NZ_FE_GROUP_PROBE_INTERVAL) begin
                ok  = 1'b1;
                val = {16'd0, probe_interval};
            end
            if (a32 == NZ_FE_GROUP_PROBE_TIMEOUT) begin
                ok  = 1'b1;
                val = {16'd0, probe_timeout};
            end
            if (a32 == NZ_FE_GROUP_ALIVE_ALL) begin
                ok  = 1'b1;
                val = {{(32 - N_GROUPS*4){1'b0}}, fg_alive};
            end
        end
    end
endmodule

`resetall
