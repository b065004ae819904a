`resetall
`default_nettype none

// nezha_core: top of the Nezha vSwitch datapath (docs/datapath-spec.md sections 2/3, docs/architecture.md).
//   s_net  -> ingress_buffer u_ib_net  --desc d0--> flow_processor u_fp --cmd c0--> pkt_editor u_ed_net  --e0--
//   s_host -> ingress_buffer u_ib_host --desc d1-->                     --cmd c1--> pkt_editor u_ed_host --e1--
//   nezha_egress u_egress: each editor output steered by its tdest (0 net, 1 host); m_net = axis_arb_mux of
//     (net-input editor, host-input editor, probe_gen), m_host = axis_arb_mux of the two editors, then axis_pad.
//   nezha_tables u_tables: vNIC, route LPM, mapping, ACL, offload and FE group tables, with their lookup ports to
//     the flow processor and the table port to the register block; the session table is in the flow processor.
//   stats_counters u_stats: the statistics (flow processor events, session table events, transmit events).
//   tick_gen u_tick (internal, or tick_in pulses when TICK_CYCLES = 0); nezha_csr u_csr: AXI4-Lite registers
//     (configuration, table commands through the table port, counter reads, commit slots granted between
//     frames by the flow processor).
//   probe_gen (in nezha_egress): the liveness probes of the FE groups (docs/nezha-offload.md section 5), started
//     by the flow processor's probe rounds.
// m_net_tuser is forced to zero (spec section 2). tx_* beat events for the statistics are registered
// (counted one cycle after the beat is accepted on m_net / m_host).
// Latency of a frame (no backpressure): last input beat -> descriptor 3 cycles, processor decision,
// command -> editor; the editor output reaches m_net 2 cycles, m_host 3 cycles (arbiter, padding) after
// leaving the editor.
// Throughput: one beat per cycle per port in and out (64-byte frames at line rate as long as the
// flow processor retires a frame within the frame's beat count).
// busy: OR of the busy outputs of the buffers, processor, editors and output side, and a due probe round.
module nezha_core #(
    parameter DATA_W    = 64,
    parameter VNIC_W    = 4,
    parameter HDR_BYTES = 128,
    parameter MTU_MAX   = 9216,
    parameter BUF_BYTES = 32768,
    parameter SESS_LOG2 = 8,
    parameter SESS_WAYS = 8,
    parameter MAX_KICKS = 64,
    parameter ACL_SETS  = 4,
    parameter ACL_RULES = 256,
    parameter ROUTES    = 16,
    parameter MAP_LOG2  = 6,
    parameter MAP_WAYS  = 4,
    parameter N_GROUPS  = 4         // FE groups (docs/nezha-offload.md section 6)
) (
    input  wire                  clk,
    input  wire                  rst,
    // external tick pulse (counted when TICK_CYCLES = 0; tie to 0 when unused)
    input  wire                  tick_in,
    // underlay in
    input  wire [DATA_W-1:0]     s_net_tdata,
    input  wire [DATA_W/8-1:0]   s_net_tkeep,
    input  wire                  s_net_tvalid,
    output wire                  s_net_tready,
    input  wire                  s_net_tlast,
    input  wire [VNIC_W+7:0]     s_net_tuser,
    // underlay out
    output wire [DATA_W-1:0]     m_net_tdata,
    output wire [DATA_W/8-1:0]   m_net_tkeep,
    output wire                  m_net_tvalid,
    input  wire                  m_net_tready,
    output wire                  m_net_tlast,
    output wire [VNIC_W+7:0]     m_net_tuser,
    // from VMs
    input  wire [DATA_W-1:0]     s_host_tdata,
    input  wire [DATA_W/8-1:0]   s_host_tkeep,
    input  wire                  s_host_tvalid,
    output wire                  s_host_tready,
    input  wire                  s_host_tlast,
    input  wire [VNIC_W+7:0]     s_host_tuser,
    // to VMs
    output wire [DATA_W-1:0]     m_host_tdata,
    output wire [DATA_W/8-1:0]   m_host_tkeep,
    output wire                  m_host_tvalid,
    input  wire                  m_host_tready,
    output wire                  m_host_tlast,
    output wire [VNIC_W+7:0]     m_host_tuser,
    // AXI4-Lite
    input  wire [15:0]           s_axil_awaddr,
    input  wire                  s_axil_awvalid,
    output wire                  s_axil_awready,
    input  wire [31:0]           s_axil_wdata,
    input  wire [3:0]            s_axil_wstrb,
    input  wire                  s_axil_wvalid,
    output wire                  s_axil_wready,
    output wire [1:0]            s_axil_bresp,
    output wire                  s_axil_bvalid,
    input  wire                  s_axil_bready,
    input  wire [15:0]           s_axil_araddr,
    input  wire                  s_axil_arvalid,
    output wire                  s_axil_arready,
    output wire [31:0]           s_axil_rdata,
    output wire [1:0]            s_axil_rresp,
    output wire                  s_axil_rvalid,
    input  wire                  s_axil_rready,
    // monitor
    output wire                  mon_valid,
    output wire                  mon_port,
    output wire [15:0]           mon_tick,
    output wire [15:0]           mon_slow_cycles,
    output wire                  mon_probe,          // the record is a probe round, not a frame
    output wire                  mon_cfg,            // the record is a register commit, not a frame
    output wire                  busy
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer KEEP_W  = DATA_W / 8;
    localparam integer USER_W  = VNIC_W + 8;
    localparam integer N_VNIC  = 1 << VNIC_W;
    localparam integer WAY_W   = (SESS_WAYS <= 1) ? 0 : $clog2(SESS_WAYS);
    localparam integer LOC_W   = 2 + SESS_LOG2 + WAY_W;     // session slot {half, bank, bucket, way}
    localparam integer ACL_N   = ACL_SETS * ACL_RULES;
    localparam integer ACL_AW  = (ACL_N <= 2) ? 1 : $clog2(ACL_N);
    localparam integer RULE_W  = NZ_RULE_W;
    localparam integer ENTRY_W = NZ_ENTRY_W;
    localparam integer HDR_MAX = 96;      // editor header limit: 88-byte context packets (64 before)
    localparam integer GRP_W   = (N_GROUPS <= 2) ? 1 : $clog2(N_GROUPS);
    localparam integer SET_W   = (ACL_SETS <= 2) ? 1 : $clog2(ACL_SETS);

    // ------------------------------------------------------------------ configuration / tables
    wire [47:0]            cfg_nic_mac, cfg_nh_mac, cfg_gw_mac;
    wire [31:0]            cfg_vtep_ip;
    wire [15:0]            cfg_mtu, cfg_vm_mtu;
    wire [14:0]            cfg_idle_to, cfg_close_to;
    wire [15:0]            tick_now;
    wire [N_VNIC-1:0]      vnic_en;
    wire [N_VNIC*24-1:0]   vnic_vni;
    wire [N_VNIC*48-1:0]   vnic_mac;
    wire [N_VNIC*32-1:0]   vnic_ip;
    wire [N_VNIC*32-1:0]   vnic_gw;
    wire [N_VNIC*8-1:0]    vnic_acl;
    wire                   rt_req_valid, rt_resp_valid, rt_resp_hit, rt_resp_geneve;
    wire [23:0]            rt_req_vni;
    wire [31:0]            rt_req_ip, rt_resp_value;
    wire [1:0]             rt_resp_type;
    wire                   mp_req_valid, mp_resp_valid, mp_resp_hit, mp_resp_geneve;
    wire [23:0]            mp_req_vni;
    wire [31:0]            mp_req_ip, mp_resp_vtep;
    wire [47:0]            mp_resp_mac;
    wire                   acl_rd_en;
    wire [ACL_AW-1:0]      acl_rd_addr;
    wire [RULE_W-1:0]      acl_rd_data;
    wire [ACL_SETS*9-1:0]  acl_count;
    // stats events
    wire                   ev_valid, ev_port, ev_arp_reply, ev_rx_vnic_valid, ev_tx_vnic_valid;
    wire [15:0]            ev_len, ev_tx_len, ev_slow_cycles;
    wire [4:0]             ev_drop_reason;
    wire [1:0]             ev_exc_reason;
    wire [VNIC_W-1:0]      ev_rx_vnic, ev_tx_vnic, ev_newflow_vnic;
    wire                   ev_newflow, ev_sess_hit, ev_sess_miss, ev_sess_closed;
    wire                   sess_ev_insert, sess_ev_insert_fail;
    wire [7:0]             sess_ev_aged, sess_ev_kicks;
    wire [31:0]            sess_occupancy;
    wire                   sess_rb_req, sess_rb_done;
    wire [LOC_W-1:0]       sess_rb_loc;
    wire [ENTRY_W-1:0]     sess_rb_entry;
    wire                   sess_rb_compact;
    // offload
    wire [N_VNIC*2-1:0]    ol_mode;
    wire [N_VNIC-1:0]      ol_compact;
    wire [N_VNIC*GRP_W-1:0] ol_group;
    wire [N_VNIC*8-1:0]    ol_version, ol_be_vnic;
    wire [N_VNIC*32-1:0]   ol_be_vtep;
    wire [N_GROUPS*3-1:0]  fg_count;
    wire [N_GROUPS*128-1:0] fg_vtep;
    wire [N_GROUPS*4-1:0]  fg_alive;
    wire                   lv_refresh, lv_round, round_due, pg_ready, probe_tx;
    wire [31:0]            lv_addr;
    wire [15:0]            lv_tick, lv_round_tick, round_tick;
    wire                   ev_nz_redirect, ev_nz_verdict_tx, ev_nz_verdict_rx, ev_nz_fallback;
    wire                   ev_probe_reply_tx, ev_probe_reply_rx;
    wire                   cfg_req, cfg_ack;

    // ------------------------------------------------------------------ ingress buffers
    wire                   d0_valid, d0_ready, d0_rx_error, d0_oversize, d0_stored;
    wire [15:0]            d0_len;
    wire [HDR_BYTES*8-1:0] d0_hdr;
    wire [VNIC_W-1:0]      d0_vnic;
    wire                   d1_valid, d1_ready, d1_rx_error, d1_oversize, d1_stored;
    wire [15:0]            d1_len;
    wire [HDR_BYTES*8-1:0] d1_hdr;
    wire [VNIC_W-1:0]      d1_vnic;
    wire [DATA_W-1:0]      b0_tdata, b1_tdata;
    wire [KEEP_W-1:0]      b0_tkeep, b1_tkeep;
    wire                   b0_tvalid, b0_tready, b0_tlast, b1_tvalid, b1_tready, b1_tlast;
    wire                   busy_ib0, busy_ib1;

    ingress_buffer #(
        .DATA_W(DATA_W), .USER_W(USER_W), .VNIC_W(VNIC_W), .HDR_BYTES(HDR_BYTES),
        .MTU_MAX(MTU_MAX), .BUF_BYTES(BUF_BYTES), .DESC_DEPTH(16)
    ) u_ib_net (
        .clk(clk), .rst(rst),
        .s_axis_tdata(s_net_tdata), .s_axis_tkeep(s_net_tkeep), .s_axis_tvalid(s_net_tvalid),
        .s_axis_tready(s_net_tready), .s_axis_tlast(s_net_tlast), .s_axis_tuser(s_net_tuser),
        .cfg_mtu(cfg_mtu),
        .desc_valid(d0_valid), .desc_ready(d0_ready), .desc_len(d0_len), .desc_hdr(d0_hdr),
        .desc_vnic(d0_vnic), .desc_rx_error(d0_rx_error), .desc_oversize(d0_oversize),
        .desc_stored(d0_stored),
        .m_axis_tdata(b0_tdata), .m_axis_tkeep(b0_tkeep), .m_axis_tvalid(b0_tvalid),
        .m_axis_tready(b0_tready), .m_axis_tlast(b0_tlast),
        .busy(busy_ib0)
    );

    ingress_buffer #(
        .DATA_W(DATA_W), .USER_W(USER_W), .VNIC_W(VNIC_W), .HDR_BYTES(HDR_BYTES),
        .MTU_MAX(MTU_MAX), .BUF_BYTES(BUF_BYTES), .DESC_DEPTH(16)
    ) u_ib_host (
        .clk(clk), .rst(rst),
        .s_axis_tdata(s_host_tdata), .s_axis_tkeep(s_host_tkeep), .s_axis_tvalid(s_host_tvalid),
        .s_axis_tready(s_host_tready), .s_axis_tlast(s_host_tlast), .s_axis_tuser(s_host_tuser),
        .cfg_mtu(cfg_vm_mtu),
        .desc_valid(d1_valid), .desc_ready(d1_ready), .desc_len(d1_len), .desc_hdr(d1_hdr),
        .desc_vnic(d1_vnic), .desc_rx_error(d1_rx_error), .desc_oversize(d1_oversize),
        .desc_stored(d1_stored),
        .m_axis_tdata(b1_tdata), .m_axis_tkeep(b1_tkeep), .m_axis_tvalid(b1_tvalid),
        .m_axis_tready(b1_tready), .m_axis_tlast(b1_tlast),
        .busy(busy_ib1)
    );

    // ------------------------------------------------------------------ flow processor
    wire                   c0_valid, c0_ready, c0_drop, c0_dest;
    wire [USER_W-1:0]      c0_user;
    wire [6:0]             c0_hdr_len;
    wire [HDR_MAX*8-1:0]   c0_hdr;
    wire [15:0]            c0_strip, c0_end;
    wire                   c1_valid, c1_ready, c1_drop, c1_dest;
    wire [USER_W-1:0]      c1_user;
    wire [6:0]             c1_hdr_len;
    wire [HDR_MAX*8-1:0]   c1_hdr;
    wire [15:0]            c1_strip, c1_end;
    wire                   busy_fp;

    flow_processor #(
        .DATA_W(DATA_W), .USER_W(USER_W), .VNIC_W(VNIC_W), .HDR_BYTES(HDR_BYTES), .HDR_MAX(HDR_MAX),
        .SESS_LOG2(SESS_LOG2), .SESS_WAYS(SESS_WAYS), .MAX_KICKS(MAX_KICKS),
        .ACL_SETS(ACL_SETS), .ACL_RULES(ACL_RULES), .N_GROUPS(N_GROUPS), .RULE_W(RULE_W), .ENTRY_W(ENTRY_W)
    ) u_fp (
        .clk(clk), .rst(rst),
        .d0_valid(d0_valid), .d0_ready(d0_ready), .d0_len(d0_len), .d0_hdr(d0_hdr),
        .d0_vnic(d0_vnic), .d0_rx_error(d0_rx_error), .d0_oversize(d0_oversize), .d0_stored(d0_stored),
        .d1_valid(d1_valid), .d1_ready(d1_ready), .d1_len(d1_len), .d1_hdr(d1_hdr),
        .d1_vnic(d1_vnic), .d1_rx_error(d1_rx_error), .d1_oversize(d1_oversize), .d1_stored(d1_stored),
        .c0_valid(c0_valid), .c0_ready(c0_ready), .c0_drop(c0_drop), .c0_dest(c0_dest),
        .c0_user(c0_user), .c0_hdr_len(c0_hdr_len), .c0_hdr(c0_hdr), .c0_strip(c0_strip), .c0_end(c0_end),
        .c1_valid(c1_valid), .c1_ready(c1_ready), .c1_drop(c1_drop), .c1_dest(c1_dest),
        .c1_user(c1_user), .c1_hdr_len(c1_hdr_len), .c1_hdr(c1_hdr), .c1_strip(c1_strip), .c1_end(c1_end),
        .cfg_nic_mac(cfg_nic_mac), .cfg_nh_mac(cfg_nh_mac), .cfg_gw_mac(cfg_gw_mac),
        .cfg_vtep_ip(cfg_vtep_ip), .cfg_mtu(cfg_mtu), .cfg_vm_mtu(cfg_vm_mtu),
        .cfg_idle_to(cfg_idle_to), .cfg_close_to(cfg_close_to),
        .tick_now(tick_now),
        .vnic_en(vnic_en), .vnic_vni(vnic_vni), .vnic_mac(vnic_mac), .vnic_ip(vnic_ip),
        .vnic_gw(vnic_gw), .vnic_acl(vnic_acl),
        .ol_mode(ol_mode), .ol_compact(ol_compact), .ol_group(ol_group), .ol_version(ol_version), .ol_be_vnic(ol_be_vnic),
        .ol_be_vtep(ol_be_vtep), .fg_count(fg_count), .fg_vtep(fg_vtep), .fg_alive(fg_alive),
        .lv_refresh(lv_refresh), .lv_addr(lv_addr), .lv_tick(lv_tick),
        .round_due(round_due), .round_tick(round_tick), .pg_ready(pg_ready),
        .lv_round(lv_round), .lv_round_tick(lv_round_tick),
        .rt_req_valid(rt_req_valid), .rt_req_vni(rt_req_vni), .rt_req_ip(rt_req_ip),
        .rt_resp_valid(rt_resp_valid), .rt_resp_hit(rt_resp_hit), .rt_resp_type(rt_resp_type),
        .rt_resp_geneve(rt_resp_geneve), .rt_resp_value(rt_resp_value),
        .mp_req_valid(mp_req_valid), .mp_req_vni(mp_req_vni), .mp_req_ip(mp_req_ip),
        .mp_resp_valid(mp_resp_valid), .mp_resp_hit(mp_resp_hit), .mp_resp_vtep(mp_resp_vtep),
        .mp_resp_mac(mp_resp_mac), .mp_resp_geneve(mp_resp_geneve),
        .acl_rd_en(acl_rd_en), .acl_rd_addr(acl_rd_addr), .acl_rd_data(acl_rd_data),
        .acl_count(acl_count),
        .ev_valid(ev_valid), .ev_port(ev_port), .ev_len(ev_len), .ev_drop_reason(ev_drop_reason),
        .ev_exc_reason(ev_exc_reason), .ev_arp_reply(ev_arp_reply),
        .ev_rx_vnic_valid(ev_rx_vnic_valid), .ev_rx_vnic(ev_rx_vnic),
        .ev_tx_vnic_valid(ev_tx_vnic_valid), .ev_tx_vnic(ev_tx_vnic), .ev_tx_len(ev_tx_len),
        .ev_newflow(ev_newflow), .ev_newflow_vnic(ev_newflow_vnic), .ev_slow_cycles(ev_slow_cycles),
        .ev_sess_hit(ev_sess_hit), .ev_sess_miss(ev_sess_miss), .ev_sess_closed(ev_sess_closed),
        .ev_nz_redirect(ev_nz_redirect), .ev_nz_verdict_tx(ev_nz_verdict_tx),
        .ev_nz_verdict_rx(ev_nz_verdict_rx), .ev_nz_fallback(ev_nz_fallback),
        .ev_probe_reply_tx(ev_probe_reply_tx), .ev_probe_reply_rx(ev_probe_reply_rx),
        .sess_ev_insert(sess_ev_insert), .sess_ev_insert_fail(sess_ev_insert_fail),
        .sess_ev_aged(sess_ev_aged), .sess_ev_kicks(sess_ev_kicks), .sess_occupancy(sess_occupancy),
        .sess_rb_req(sess_rb_req), .sess_rb_loc(sess_rb_loc), .sess_rb_done(sess_rb_done),
        .sess_rb_entry(sess_rb_entry), .sess_rb_compact(sess_rb_compact),
        .mon_valid(mon_valid), .mon_port(mon_port), .mon_tick(mon_tick),
        .mon_slow_cycles(mon_slow_cycles), .mon_probe(mon_probe), .mon_cfg(mon_cfg),
        .cfg_req(cfg_req), .cfg_ack(cfg_ack),
        .busy(busy_fp)
    );

    // ------------------------------------------------------------------ editors
    wire [DATA_W-1:0]      e0_tdata, e1_tdata;
    wire [KEEP_W-1:0]      e0_tkeep, e1_tkeep;
    wire                   e0_tvalid, e0_tready, e0_tlast, e0_tdest;
    wire                   e1_tvalid, e1_tready, e1_tlast, e1_tdest;
    wire [USER_W-1:0]      e0_tuser, e1_tuser;
    wire                   busy_ed0, busy_ed1;

    pkt_editor #(.DATA_W(DATA_W), .USER_W(USER_W), .HDR_MAX(HDR_MAX)) u_ed_net (
        .clk(clk), .rst(rst),
        .cmd_valid(c0_valid), .cmd_ready(c0_ready), .cmd_drop(c0_drop), .cmd_dest(c0_dest),
        .cmd_user(c0_user), .cmd_hdr_len(c0_hdr_len), .cmd_hdr(c0_hdr), .cmd_strip(c0_strip), .cmd_end(c0_end),
        .s_axis_tdata(b0_tdata), .s_axis_tkeep(b0_tkeep), .s_axis_tvalid(b0_tvalid),
        .s_axis_tready(b0_tready), .s_axis_tlast(b0_tlast),
        .m_axis_tdata(e0_tdata), .m_axis_tkeep(e0_tkeep), .m_axis_tvalid(e0_tvalid),
        .m_axis_tready(e0_tready), .m_axis_tlast(e0_tlast), .m_axis_tuser(e0_tuser),
        .m_axis_tdest(e0_tdest),
        .busy(busy_ed0)
    );

    pkt_editor #(.DATA_W(DATA_W), .USER_W(USER_W), .HDR_MAX(HDR_MAX)) u_ed_host (
        .clk(clk), .rst(rst),
        .cmd_valid(c1_valid), .cmd_ready(c1_ready), .cmd_drop(c1_drop), .cmd_dest(c1_dest),
        .cmd_user(c1_user), .cmd_hdr_len(c1_hdr_len), .cmd_hdr(c1_hdr), .cmd_strip(c1_strip), .cmd_end(c1_end),
        .s_axis_tdata(b1_tdata), .s_axis_tkeep(b1_tkeep), .s_axis_tvalid(b1_tvalid),
        .s_axis_tready(b1_tready), .s_axis_tlast(b1_tlast),
        .m_axis_tdata(e1_tdata), .m_axis_tkeep(e1_tkeep), .m_axis_tvalid(e1_tvalid),
        .m_axis_tready(e1_tready), .m_axis_tlast(e1_tlast), .m_axis_tuser(e1_tuser),
        .m_axis_tdest(e1_tdest),
        .busy(busy_ed1)
    );

    // ------------------------------------------------------------------ output side (arbiters, probes, padding)
    wire                   tx_net_beat, tx_net_last, tx_host_beat, tx_host_last, busy_eg;
    wire [6:0]             tx_net_bytes, tx_host_bytes;

    nezha_egress #(.DATA_W(DATA_W), .USER_W(USER_W), .N_GROUPS(N_GROUPS)) u_egress (
        .clk(clk), .rst(rst),
        .e0_tdata(e0_tdata), .e0_tkeep(e0_tkeep), .e0_tvalid(e0_tvalid), .e0_tready(e0_tready), .e0_tlast(e0_tlast),
        .e0_tuser(e0_tuser), .e0_tdest(e0_tdest),
        .e1_tdata(e1_tdata), .e1_tkeep(e1_tkeep), .e1_tvalid(e1_tvalid), .e1_tready(e1_tready), .e1_tlast(e1_tlast),
        .e1_tuser(e1_tuser), .e1_tdest(e1_tdest),
        .cfg_nic_mac(cfg_nic_mac), .cfg_nh_mac(cfg_nh_mac), .cfg_vtep_ip(cfg_vtep_ip),
        .fg_count(fg_count), .fg_vtep(fg_vtep), .lv_round(lv_round), .lv_round_tick(lv_round_tick),
        .pg_ready(pg_ready), .probe_tx(probe_tx),
        .m_net_tdata(m_net_tdata), .m_net_tkeep(m_net_tkeep), .m_net_tvalid(m_net_tvalid),
        .m_net_tready(m_net_tready), .m_net_tlast(m_net_tlast), .m_net_tuser(m_net_tuser),
        .m_host_tdata(m_host_tdata), .m_host_tkeep(m_host_tkeep), .m_host_tvalid(m_host_tvalid),
        .m_host_tready(m_host_tready), .m_host_tlast(m_host_tlast), .m_host_tuser(m_host_tuser),
        .tx_net_beat(tx_net_beat), .tx_net_last(tx_net_last), .tx_net_bytes(tx_net_bytes),
        .tx_host_beat(tx_host_beat), .tx_host_last(tx_host_last), .tx_host_bytes(tx_host_bytes),
        .busy(busy_eg)
    );

    // ------------------------------------------------------------------ tables (next to the pipeline)
    wire [2:0]             tp_tbl;
    wire [31:0]            tp_idx;
    wire [511:0]           tp_data, tp_rd_data;
    wire                   tp_bad, tp_wr, tp_rd, tp_rd_done;
    wire [6:0]             tp_ready;
    wire                   acl_cnt_we;
    wire [SET_W-1:0]       acl_cnt_set;
    wire [8:0]             acl_cnt_val;
    wire [15:0]            probe_interval, probe_timeout;
    wire [4:0]             fe_down;

    nezha_tables #(
        .VNIC_W(VNIC_W), .ACL_SETS(ACL_SETS), .ACL_RULES(ACL_RULES), .ROUTES(ROUTES), .MAP_LOG2(MAP_LOG2),
        .MAP_WAYS(MAP_WAYS), .N_GROUPS(N_GROUPS), .LOC_W(LOC_W), .RULE_W(RULE_W), .ENTRY_W(ENTRY_W)
    ) u_tables (
        .clk(clk), .rst(rst),
        .tp_tbl(tp_tbl), .tp_idx(tp_idx), .tp_data(tp_data), .tp_bad(tp_bad), .tp_wr(tp_wr), .tp_rd(tp_rd),
        .tp_rd_done(tp_rd_done), .tp_rd_data(tp_rd_data), .tp_ready(tp_ready),
        .acl_cnt_we(acl_cnt_we), .acl_cnt_set(acl_cnt_set), .acl_cnt_val(acl_cnt_val),
        .probe_interval(probe_interval), .probe_timeout(probe_timeout), .tick_now(tick_now),
        .sess_rb_req(sess_rb_req), .sess_rb_loc(sess_rb_loc), .sess_rb_done(sess_rb_done),
        .sess_rb_entry(sess_rb_entry), .sess_rb_compact(sess_rb_compact),
        .vnic_en(vnic_en), .vnic_vni(vnic_vni), .vnic_mac(vnic_mac), .vnic_ip(vnic_ip),
        .vnic_gw(vnic_gw), .vnic_acl(vnic_acl),
        .rt_req_valid(rt_req_valid), .rt_req_vni(rt_req_vni), .rt_req_ip(rt_req_ip),
        .rt_resp_valid(rt_resp_valid), .rt_resp_hit(rt_resp_hit), .rt_resp_type(rt_resp_type),
        .rt_resp_geneve(rt_resp_geneve), .rt_resp_value(rt_resp_value),
        .mp_req_valid(mp_req_valid), .mp_req_vni(mp_req_vni), .mp_req_ip(mp_req_ip),
        .mp_resp_valid(mp_resp_valid), .mp_resp_hit(mp_resp_hit), .mp_resp_vtep(mp_resp_vtep),
        .mp_resp_mac(mp_resp_mac), .mp_resp_geneve(mp_resp_geneve),
        .acl_rd_en(acl_rd_en), .acl_rd_addr(acl_rd_addr), .acl_rd_data(acl_rd_data), .acl_count(acl_count),
        .ol_mode(ol_mode), .ol_compact(ol_compact), .ol_group(ol_group), .ol_version(ol_version),
        .ol_be_vnic(ol_be_vnic), .ol_be_vtep(ol_be_vtep), .fg_count(fg_count), .fg_vtep(fg_vtep),
        .fg_alive(fg_alive),
        .lv_refresh(lv_refresh), .lv_addr(lv_addr), .lv_tick(lv_tick),
        .round_due(round_due), .round_tick(round_tick), .lv_round(lv_round), .lv_round_tick(lv_round_tick),
        .fe_down(fe_down)
    );

    // ------------------------------------------------------------------ statistics
    wire [5:0]             st_idx;
    wire [63:0]            st_value, vs_value;
    wire                   vs_req, vs_done;
    wire [VNIC_W-1:0]      vs_sel;
    wire [2:0]             vs_kind;

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
        .vs_req(vs_req), .vs_sel(vs_sel), .vs_kind(vs_kind), .vs_done(vs_done), .vs_value(vs_value)
    );

    // ------------------------------------------------------------------ tick
    wire [23:0]            cfg_tick_cycles;
    tick_gen u_tick (.clk(clk), .rst(rst), .cfg_tick_cycles(cfg_tick_cycles), .tick_in(tick_in), .tick_now(tick_now));

    // ------------------------------------------------------------------ registers (AXI4-Lite)
    nezha_csr #(
        .DATA_W(DATA_W), .VNIC_W(VNIC_W), .HDR_BYTES(HDR_BYTES), .MTU_MAX(MTU_MAX),
        .SESS_LOG2(SESS_LOG2), .SESS_WAYS(SESS_WAYS), .MAX_KICKS(MAX_KICKS),
        .ACL_SETS(ACL_SETS), .ACL_RULES(ACL_RULES), .ROUTES(ROUTES),
        .MAP_LOG2(MAP_LOG2), .MAP_WAYS(MAP_WAYS), .N_GROUPS(N_GROUPS)
    ) u_csr (
        .clk(clk), .rst(rst),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb), .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready), .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
        .cfg_nic_mac(cfg_nic_mac), .cfg_nh_mac(cfg_nh_mac), .cfg_gw_mac(cfg_gw_mac),
        .cfg_vtep_ip(cfg_vtep_ip), .cfg_mtu(cfg_mtu), .cfg_vm_mtu(cfg_vm_mtu), .cfg_idle_to(cfg_idle_to),
        .cfg_close_to(cfg_close_to), .cfg_tick_cycles(cfg_tick_cycles), .tick_now(tick_now),
        .tp_tbl(tp_tbl), .tp_idx(tp_idx), .tp_data(tp_data), .tp_bad(tp_bad), .tp_wr(tp_wr), .tp_rd(tp_rd),
        .tp_rd_done(tp_rd_done), .tp_rd_data(tp_rd_data), .tp_ready(tp_ready),
        .acl_cnt_we(acl_cnt_we), .acl_cnt_set(acl_cnt_set), .acl_cnt_val(acl_cnt_val), .acl_count(acl_count),
        .probe_interval(probe_interval), .probe_timeout(probe_timeout), .fg_alive(fg_alive),
        .st_idx(st_idx), .st_value(st_value),
        .vs_req(vs_req), .vs_sel(vs_sel), .vs_kind(vs_kind), .vs_done(vs_done), .vs_value(vs_value),
        .cfg_req(cfg_req), .cfg_ack(cfg_ack)
    );

    assign busy = busy_ib0 || busy_ib1 || busy_fp || busy_ed0 || busy_ed1 || busy_eg || round_due;
endmodule

`resetall
