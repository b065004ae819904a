`resetall
`default_nettype none

// nezha_tables: the stateless datapath tables and their register-side port.
//
// Tables (one module each): vnic_table (flops), route_lpm (flops, parallel LPM), map_table (RAM, CRC-32C
// bucket), acl_table (RAM + per-set rule counts), offload_table and fe_group_table (flops, liveness). Their
// datapath ports (vnic_*, ol_*, fg_*, rt_*, mp_*, acl_*, round_*) go straight to the flow processor;
// nezha_csr reaches them only through the table port below, one command at a time (the CMD of the table
// block tp_tbl, whose INDEX is tp_idx):
//   * check   tp_bad (combinational): the entry staged in tp_data (DATA0..15, word n at [32n +: 32]) has a
//             value CMD 1 refuses (BAD_VALUE): a strict word with a bit outside its fields (VNI, MAC_HI),
//             ACL_SET >= ACL_SETS, PLEN > 32, TYPE LOCAL with VALUE >= N_VNIC, GROUP >= N_GROUPS, COUNT > 4,
//             SRC_LEN / DST_LEN > 32, SPORT_LO > SPORT_HI, DPORT_LO > DPORT_HI. Always 1 for SESSION.
//   * write   tp_wr (one cycle, the commit slot): the staged entry is written into entry tp_idx, visible to
//             the datapath from the next cycle. Route and ACL prefixes are stored masked to their length.
//             Must not be issued for MAP / ACL while their tp_ready bit is low (reset clear).
//   * read    tp_rd (one-cycle pulse) starts reading entry tp_idx; tp_rd_done is high in the cycle the entry
//             is on tp_rd_data (the layout words, every other bit 0): flop tables (VNIC, ROUTE, OFFLOAD,
//             FE_GROUP) in the tp_rd cycle itself; MAP / ACL one cycle after their RAM read, which waits for
//             a cycle without a datapath read (their hr_* ports); SESSION through the flow processor's
//             read-back port (sess_rb_req is a level from the cycle after tp_rd until the cycle after
//             sess_rb_done; sess_rb_loc = tp_idx), tp_rd_done in the sess_rb_done cycle.
// Entry fields are packed and unpacked with the functions generated from regs/nezha_regs.json
// (nezha_fields.vh); the ACL rule word is NZ_RULE_W bits (nezha_types.vh).
// Also: the ACL SET_COUNT write (acl_cnt_*), the FE_GROUP probe timing (probe_interval / probe_timeout) and
// the liveness events (lv_*: refresh, probe round) for fe_group_table, whose fe_down count goes to the
// statistics.
module nezha_tables #(
    parameter VNIC_W    = 4,            // log2 of the number of vNICs
    parameter ACL_SETS  = 4,            // ACL sets
    parameter ACL_RULES = 256,          // rules per ACL set
    parameter ROUTES    = 16,           // route table entries
    parameter MAP_LOG2  = 6,            // log2 of the mapping table buckets
    parameter MAP_WAYS  = 4,            // mapping table ways per bucket
    parameter N_GROUPS  = 4,            // FE groups
    parameter LOC_W     = 12,           // session slot location width (session_table LOC_W)
    parameter RULE_W    = 151,          // ACL rule width: NZ_RULE_W (checked)
    parameter ENTRY_W   = 401,          // session entry width: NZ_ENTRY_W (checked)
    // derived: do not override
    parameter N_VNIC    = 1 << VNIC_W,
    parameter ACL_AW    = ((ACL_SETS * ACL_RULES) <= 2) ? 1 : $clog2(ACL_SETS * ACL_RULES),
    parameter SET_W     = (ACL_SETS <= 2) ? 1 : $clog2(ACL_SETS),
    parameter GRP_W     = (N_GROUPS <= 2) ? 1 : $clog2(N_GROUPS)
) (
    input  wire                     clk,
    input  wire                     rst,
    // register side (nezha_csr)
    input  wire [2:0]               tp_tbl,         // table id (NZ_TID_*)
    input  wire [31:0]              tp_idx,         // entry index (checked against ENTRIES by nezha_csr)
    input  wire [511:0]             tp_data,        // staged DATA0..15 of a CMD 1
    output reg                      tp_bad,
    input  wire                     tp_wr,
    input  wire                     tp_rd,
    output reg                      tp_rd_done,
    output reg  [511:0]             tp_rd_data,
    output wire [6:0]               tp_ready,       // per table id: commands may be issued
    input  wire                     acl_cnt_we,     // ACL SET_COUNT write
    input  wire [SET_W-1:0]         acl_cnt_set,
    input  wire [8:0]               acl_cnt_val,
    input  wire [15:0]              probe_interval, // FE_GROUP PROBE_INTERVAL / PROBE_TIMEOUT
    input  wire [15:0]              probe_timeout,
    input  wire [15:0]              tick_now,
    // session read-back (the session table is in the flow processor)
    output reg                      sess_rb_req,
    output wire [LOC_W-1:0]         sess_rb_loc,
    input  wire                     sess_rb_done,
    input  wire [ENTRY_W-1:0]       sess_rb_entry,
    input  wire                     sess_rb_compact,
    // datapath: vNIC table (entry i at [i*W +: W])
    output wire [N_VNIC-1:0]        vnic_en,
    output wire [N_VNIC*24-1:0]     vnic_vni,
    output wire [N_VNIC*48-1:0]     vnic_mac,
    output wire [N_VNIC*32-1:0]     vnic_ip,
    output wire [N_VNIC*32-1:0]     vnic_gw,
    output wire [N_VNIC*8-1:0]      vnic_acl,
    // datapath: route LPM (answer 2 cycles after the request)
    input  wire                     rt_req_valid,
    input  wire [23:0]              rt_req_vni,
    input  wire [31:0]              rt_req_ip,
    output wire                     rt_resp_valid,
    output wire                     rt_resp_hit,
    output wire [1:0]               rt_resp_type,
    output wire                     rt_resp_geneve,
    output wire [31:0]              rt_resp_value,
    // datapath: mapping table (answer 3 cycles after the request)
    input  wire                     mp_req_valid,
    input  wire [23:0]              mp_req_vni,
    input  wire [31:0]              mp_req_ip,
    output wire                     mp_resp_valid,
    output wire                     mp_resp_hit,
    output wire [31:0]              mp_resp_vtep,
    output wire [47:0]              mp_resp_mac,
    output wire                     mp_resp_geneve,
    // datapath: ACL rules (data one cycle after the address) and per-set counts
    input  wire                     acl_rd_en,
    input  wire [ACL_AW-1:0]        acl_rd_addr,
    output wire [RULE_W-1:0]        acl_rd_data,
    output wire [ACL_SETS*9-1:0]    acl_count,
    // datapath: offload entries and FE groups
    output wire [N_VNIC*2-1:0]      ol_mode,
    output wire [N_VNIC-1:0]        ol_compact,
    output wire [N_VNIC*GRP_W-1:0]  ol_group,
    output wire [N_VNIC*8-1:0]      ol_version,
    output wire [N_VNIC*8-1:0]      ol_be_vnic,
    output wire [N_VNIC*32-1:0]     ol_be_vtep,
    output wire [N_GROUPS*3-1:0]    fg_count,
    output wire [N_GROUPS*128-1:0]  fg_vtep,
    output wire [N_GROUPS*4-1:0]    fg_alive,
    // liveness (flow processor): refresh by source address, probe rounds
    input  wire                     lv_refresh,
    input  wire [31:0]              lv_addr,
    input  wire [15:0]              lv_tick,
    output wire                     round_due,
    output wire [15:0]              round_tick,
    input  wire                     lv_round,
    input  wire [15:0]              lv_round_tick,
    output wire [4:0]               fe_down         // members declared down at a round (count, per cycle)
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
`include "nezha_regs.vh"
`include "nezha_fields.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer RI_W   = (ROUTES <= 2) ? 1 : $clog2(ROUTES);
    localparam integer MAP_IW = MAP_LOG2 + ((MAP_WAYS <= 1) ? 0 : $clog2(MAP_WAYS));
    localparam [2:0] T_VNIC = NZ_TID_VNIC_TABLE, T_ROUTE = NZ_TID_ROUTE_TABLE, T_MAP = NZ_TID_MAP_TABLE,
                     T_ACL = NZ_TID_ACL_TABLE, T_SESS = NZ_TID_SESSION, T_OL = NZ_TID_OFFLOAD,
                     T_FG = NZ_TID_FE_GROUP;

    initial begin
        if (RULE_W != NZ_RULE_W || ENTRY_W != NZ_ENTRY_W) begin
            $error("nezha_tables: RULE_W / ENTRY_W must be NZ_RULE_W / NZ_ENTRY_W (instance %m)");
            $finish;
        end
        if (NZ_TABLES != 7 || NZ_TID_W != 3) begin
            $error("nezha_tables: the register map has %0d tables, this module serves 7 (instance %m)", NZ_TABLES);
            $finish;
        end
    end

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

    // ------------------------------------------------------------------ CMD 1: fields of the staged entry
    wire [7:0]  v_acl    = nz_vnic_table_acl_set(tp_data);
    wire        v_bad    = ({24'd0, v_acl} >= ACL_SETS) || nz_vnic_table_spare(tp_data);

    wire [5:0]  r_plen   = nz_route_table_plen(tp_data);
    wire [1:0]  r_type   = nz_route_table_type(tp_data);
    wire [31:0] r_value  = nz_route_table_value(tp_data);
    wire        r_bad    = (r_plen > 6'd32) || nz_route_table_spare(tp_data) ||
                           (r_type == NZ_ROUTE_TYPE_LOCAL[1:0] && r_value >= N_VNIC);

    wire        m_bad    = nz_map_table_spare(tp_data);

    wire [5:0]  a_srclen = nz_acl_table_src_len(tp_data);
    wire [5:0]  a_dstlen = nz_acl_table_dst_len(tp_data);
    wire        a_bad    = (a_srclen > 6'd32) || (a_dstlen > 6'd32) ||
                           (nz_acl_table_sport_lo(tp_data) > nz_acl_table_sport_hi(tp_data)) ||
                           (nz_acl_table_dport_lo(tp_data) > nz_acl_table_dport_hi(tp_data));

    wire [7:0]  o_group  = nz_offload_group(tp_data);
    wire        o_bad    = {24'd0, o_group} >= N_GROUPS;

    wire [2:0]  g_count  = nz_fe_group_count(tp_data);
    wire        g_bad    = (g_count > 3'd4);

    always @* begin
        case (tp_tbl)
            T_VNIC:  tp_bad = v_bad;
            T_ROUTE: tp_bad = r_bad;
            T_MAP:   tp_bad = m_bad;
            T_ACL:   tp_bad = a_bad;
            T_OL:    tp_bad = o_bad;
            T_FG:    tp_bad = g_bad;
            default: tp_bad = 1'b1;
        endcase
    end

    // the ACL rule word (nezha_types.vh NZ_R_*), prefixes masked to their length
    reg [RULE_W-1:0] a_rule;
    always @* begin
        a_rule = {RULE_W{1'b0}};
        a_rule[NZ_R_VALID]         = nz_acl_table_valid(tp_data);
        a_rule[NZ_R_DIR]           = nz_acl_table_dir(tp_data);
        a_rule[NZ_R_ALLOW]         = nz_acl_table_allow(tp_data);
        a_rule[NZ_R_PROTO  +: 8]   = nz_acl_table_proto(tp_data);
        a_rule[NZ_R_SRC    +: 32]  = nz_acl_table_src(tp_data) & pmask(a_srclen);
        a_rule[NZ_R_SRCLEN +: 6]   = a_srclen;
        a_rule[NZ_R_DST    +: 32]  = nz_acl_table_dst(tp_data) & pmask(a_dstlen);
        a_rule[NZ_R_DSTLEN +: 6]   = a_dstlen;
        a_rule[NZ_R_SPLO   +: 16]  = nz_acl_table_sport_lo(tp_data);
        a_rule[NZ_R_SPHI   +: 16]  = nz_acl_table_sport_hi(tp_data);
        a_rule[NZ_R_DPLO   +: 16]  = nz_acl_table_dport_lo(tp_data);
        a_rule[NZ_R_DPHI   +: 16]  = nz_acl_table_dport_hi(tp_data);
    end

    // ------------------------------------------------------------------ tables
    wire [VNIC_W-1:0] vi = tp_idx[VNIC_W-1:0];
    wire [RI_W-1:0]   ri = tp_idx[RI_W-1:0];
    wire [GRP_W-1:0]  gi = tp_idx[GRP_W-1:0];

    vnic_table #(.VNIC_W(VNIC_W)) u_vnic (
        .clk(clk), .rst(rst),
        .wr_en(tp_wr && tp_tbl == T_VNIC), .wr_idx(vi), .wr_enable(nz_vnic_table_enable(tp_data)),
        .wr_acl(v_acl), .wr_vni(nz_vnic_table_vni(tp_data)),
        .wr_mac({nz_vnic_table_mac_hi(tp_data), nz_vnic_table_mac_lo(tp_data)}),
        .wr_ip(nz_vnic_table_ip(tp_data)), .wr_gw(nz_vnic_table_gw_ip(tp_data)),
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
        .wr_en(tp_wr && tp_tbl == T_ROUTE), .wr_idx(ri), .wr_valid(nz_route_table_valid(tp_data)),
        .wr_type(r_type), .wr_geneve(nz_route_table_geneve(tp_data)), .wr_plen(r_plen),
        .wr_vni(nz_route_table_vni(tp_data)), .wr_prefix(nz_route_table_prefix(tp_data)), .wr_value(r_value),
        .rd_idx(ri), .rd_valid(rtr_valid), .rd_type(rtr_type), .rd_geneve(rtr_geneve),
        .rd_plen(rtr_plen), .rd_vni(rtr_vni), .rd_prefix(rtr_prefix), .rd_value(rtr_value),
        .rt_req_valid(rt_req_valid), .rt_req_vni(rt_req_vni), .rt_req_ip(rt_req_ip),
        .rt_resp_valid(rt_resp_valid), .rt_resp_hit(rt_resp_hit), .rt_resp_type(rt_resp_type),
        .rt_resp_geneve(rt_resp_geneve), .rt_resp_value(rt_resp_value)
    );

    wire        map_ready, map_hr_done, mpr_valid, mpr_geneve;
    wire [23:0] mpr_vni;
    wire [31:0] mpr_ip, mpr_vtep;
    wire [47:0] mpr_mac;
    map_table #(.MAP_LOG2(MAP_LOG2), .MAP_WAYS(MAP_WAYS), .IDX_W(MAP_IW)) u_map (
        .clk(clk), .rst(rst), .ready(map_ready),
        .wr_en(tp_wr && tp_tbl == T_MAP), .wr_idx(tp_idx[MAP_IW-1:0]), .wr_valid(nz_map_table_valid(tp_data)),
        .wr_vni(nz_map_table_vni(tp_data)), .wr_ip(nz_map_table_ip(tp_data)), .wr_vtep(nz_map_table_vtep(tp_data)),
        .wr_mac({nz_map_table_mac_hi(tp_data), nz_map_table_mac_lo(tp_data)}),
        .wr_geneve(nz_map_table_geneve(tp_data)),
        .hr_req(tp_rd && tp_tbl == T_MAP), .hr_idx(tp_idx[MAP_IW-1:0]), .hr_done(map_hr_done),
        .hr_valid(mpr_valid), .hr_vni(mpr_vni), .hr_ip(mpr_ip), .hr_vtep(mpr_vtep), .hr_mac(mpr_mac),
        .hr_geneve(mpr_geneve),
        .mp_req_valid(mp_req_valid), .mp_req_vni(mp_req_vni), .mp_req_ip(mp_req_ip),
        .mp_resp_valid(mp_resp_valid), .mp_resp_hit(mp_resp_hit), .mp_resp_vtep(mp_resp_vtep),
        .mp_resp_mac(mp_resp_mac), .mp_resp_geneve(mp_resp_geneve)
    );

    wire              acl_ready, acl_hr_done;
    wire [RULE_W-1:0] acl_hr_rule;
    acl_table #(.ACL_SETS(ACL_SETS), .ACL_RULES(ACL_RULES), .RULE_W(RULE_W), .ACL_AW(ACL_AW),
                .SET_W(SET_W)) u_acl (
        .clk(clk), .rst(rst), .ready(acl_ready),
        .wr_en(tp_wr && tp_tbl == T_ACL), .wr_idx(tp_idx[ACL_AW-1:0]), .wr_rule(a_rule),
        .hr_req(tp_rd && tp_tbl == T_ACL), .hr_idx(tp_idx[ACL_AW-1:0]), .hr_done(acl_hr_done),
        .hr_rule(acl_hr_rule),
        .cnt_we(acl_cnt_we), .cnt_set(acl_cnt_set), .cnt_val(acl_cnt_val), .acl_count(acl_count),
        .acl_rd_en(acl_rd_en), .acl_rd_addr(acl_rd_addr), .acl_rd_data(acl_rd_data)
    );

    offload_table #(.VNIC_W(VNIC_W), .GRP_W(GRP_W)) u_offload (
        .clk(clk), .rst(rst),
        .wr_en(tp_wr && tp_tbl == T_OL), .wr_idx(vi), .wr_mode(nz_offload_mode(tp_data)),
        .wr_compact(nz_offload_compact(tp_data)), .wr_group(o_group[GRP_W-1:0]),
        .wr_version(nz_offload_version(tp_data)), .wr_be_vnic(nz_offload_be_vnic(tp_data)),
        .wr_be_vtep(nz_offload_be_vtep(tp_data)),
        .ol_mode(ol_mode), .ol_compact(ol_compact), .ol_group(ol_group), .ol_version(ol_version),
        .ol_be_vnic(ol_be_vnic), .ol_be_vtep(ol_be_vtep)
    );

    fe_group_table #(.N_GROUPS(N_GROUPS), .GRP_W(GRP_W)) u_groups (
        .clk(clk), .rst(rst), .tick_now(tick_now), .cfg_interval(probe_interval), .cfg_timeout(probe_timeout),
        .wr_en(tp_wr && tp_tbl == T_FG), .wr_idx(gi), .wr_count(g_count),
        .wr_vtep({nz_fe_group_vtep3(tp_data), nz_fe_group_vtep2(tp_data), nz_fe_group_vtep1(tp_data),
                  nz_fe_group_vtep0(tp_data)}),
        .rf_valid(lv_refresh), .rf_addr(lv_addr), .rf_tick(lv_tick),
        .round_due(round_due), .round_tick(round_tick), .round_go(lv_round), .go_tick(lv_round_tick),
        .ev_fe_down(fe_down),
        .fg_count(fg_count), .fg_vtep(fg_vtep), .fg_alive(fg_alive)
    );

    reg [6:0] ready_v;
    always @* begin
        ready_v        = 7'h7F;
        ready_v[T_MAP] = map_ready;
        ready_v[T_ACL] = acl_ready;
    end
    assign tp_ready = ready_v;

    // ------------------------------------------------------------------ session read-back
    assign sess_rb_loc = tp_idx[LOC_W-1:0];
    wire unused_idx = &{1'b0, tp_idx};           // each table takes the index bits it needs
    always @(posedge clk) begin
        if (rst)
            sess_rb_req <= 1'b0;
        else if (tp_rd && tp_tbl == T_SESS)
            sess_rb_req <= 1'b1;
        else if (sess_rb_req && sess_rb_done)
            sess_rb_req <= 1'b0;
    end

    // ------------------------------------------------------------------ CMD 2: entry -> DATA words
    // session entry (nezha_types.vh): key = {vni, proto, lo_ip, hi_ip, lo_port, hi_port}
    wire [NZ_KEY_W-1:0] s_key = sess_rb_entry[NZ_E_KEY +: NZ_KEY_W];
    wire [NZ_ACT_W-1:0] s_a0  = sess_rb_entry[NZ_E_ACT0 +: NZ_ACT_W];
    wire [NZ_ACT_W-1:0] s_a1  = sess_rb_entry[NZ_E_ACT1 +: NZ_ACT_W];
    wire [7:0]          ol_grp8 = {{(8 - GRP_W){1'b0}}, ol_group[vi*GRP_W +: GRP_W]};
    always @* begin
        tp_rd_done = 1'b1;
        case (tp_tbl)
            T_VNIC:  tp_rd_data = nz_vnic_table_pack(vnic_en[vi], vnic_acl[vi*8 +: 8], vnic_vni[vi*24 +: 24],
                                                     vnic_mac[vi*48 +: 32], vnic_mac[vi*48 + 32 +: 16],
                                                     vnic_ip[vi*32 +: 32], vnic_gw[vi*32 +: 32]);
            T_ROUTE: tp_rd_data = nz_route_table_pack(rtr_valid, rtr_type, rtr_geneve, rtr_plen, rtr_vni,
                                                      rtr_prefix, rtr_value);
            T_MAP: begin
                tp_rd_done = map_hr_done;
                tp_rd_data = nz_map_table_pack(mpr_valid, mpr_geneve, mpr_vni, mpr_ip, mpr_vtep, mpr_mac[31:0],
                                               mpr_mac[47:32]);
            end
            T_ACL: begin
                tp_rd_done = acl_hr_done;
                tp_rd_data = nz_acl_table_pack(acl_hr_rule[NZ_R_VALID], acl_hr_rule[NZ_R_DIR],
                                               acl_hr_rule[NZ_R_ALLOW], acl_hr_rule[NZ_R_PROTO +: 8],
                                               acl_hr_rule[NZ_R_SRCLEN +: 6], acl_hr_rule[NZ_R_DSTLEN +: 6],
                                               acl_hr_rule[NZ_R_SRC +: 32], acl_hr_rule[NZ_R_DST +: 32],
                                               acl_hr_rule[NZ_R_SPLO +: 16], acl_hr_rule[NZ_R_SPHI +: 16],
                                               acl_hr_rule[NZ_R_DPLO +: 16], acl_hr_rule[NZ_R_DPHI +: 16]);
            end
            T_OL:    tp_rd_data = nz_offload_pack(ol_mode[vi*2 +: 2], ol_compact[vi], ol_grp8,
                                                  ol_version[vi*8 +: 8], ol_be_vnic[vi*8 +: 8],
                                                  ol_be_vtep[vi*32 +: 32]);
            T_FG:    tp_rd_data = nz_fe_group_pack(fg_count[gi*3 +: 3], fg_alive[gi*4 +: 4], fg_vtep[gi*128 +: 32],
                                                   fg_vtep[gi*128 + 32 +: 32], fg_vtep[gi*128 + 64 +: 32],
                                                   fg_vtep[gi*128 + 96 +: 32]);
            default: begin
                tp_rd_done = sess_rb_req && sess_rb_done;
                tp_rd_data = nz_session_pack(sess_rb_entry[NZ_E_VALID], sess_rb_entry[NZ_E_INITDIR],
                                             sess_rb_entry[NZ_E_EST], sess_rb_entry[NZ_E_FIN0],
                                             sess_rb_entry[NZ_E_FIN1], sess_rb_compact, sess_rb_entry[NZ_E_TS +: 16],
                                             s_key[127:104], s_key[103:96], s_key[95:64], s_key[63:32],
                                             s_key[31:16], s_key[15:0], sess_rb_entry[NZ_E_PKTS +: 32],
                                             sess_rb_entry[NZ_E_BYTES +: 32], sess_rb_entry[NZ_E_BYTES + 32 +: 8],
                                             s_a0[NZ_ACT_TYPE +: 2], s_a0[NZ_ACT_VNIC +: 8], s_a0[NZ_ACT_VTEP +: 32],
                                             s_a0[NZ_ACT_MAC +: 32], s_a0[NZ_ACT_MAC + 32 +: 16],
                                             s_a1[NZ_ACT_TYPE +: 2], s_a1[NZ_ACT_VNIC +: 8], s_a1[NZ_ACT_VTEP +: 32],
                                             s_a1[NZ_ACT_MAC +: 32], s_a1[NZ_ACT_MAC + 32 +: 16]);
            end
        endcase
    end
endmodule

`resetall
