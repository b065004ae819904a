`resetall
`default_nettype none

// flow_processor: the decision engine of the Nezha datapath (datapath-spec 4.3-4.7 above the parser).
//
// Stage modules (rtl/flow/, one job each; this module only wires them):
//   fp_front     descriptor arbitration and the front stage (the frame being parsed / waiting for hand-off)
//   hdr_parser   (rtl/parse/) the header checks and fields that need no tables, 3 cycles
//   fp_classify  the pre-session checks on the parsed front-stage frame (vNIC searches, ARP responder,
//                context identity checks) and the flow key, combinational, used at the hand-off
//   fp_record    the back stage's copy of the frame, loaded at the hand-off
//   fp_session   session_table and its lookup / update / insert / read-back / sweep requests, fe_select
//   fp_control   the back-stage controller: pre-session verdicts, the session result (hit, REDIRECT),
//                between-frames work (read-back, register commit slot, probe round)
//   fp_slowpath  the rule engine: route LPM, mapping, ACL scans (acl_engine), insert; VERDICT / FE paths
//   fp_result    the frame's result and its edit command (two edit_cmd_slots, one per editor)
//   fp_retire    the statistics / monitor / liveness events, registered
// Two-stage pipeline, frames retired strictly in the order they are accepted, round-robin between the two
// descriptor inputs (d0 = net buffer, d1 = host buffer; the port not served last wins a tie):
//   front stage  holds the frame accepted last: its descriptor fields and `now` (tick_now in the accept
//                cycle, reported as mon_tick) while hdr_parser works on it, then, parsed, until the back
//                stage is free. Nothing else enters the parser meanwhile, so its outputs hold.
//   back stage   one frame from the hand-off to its retirement: pre-session checks, session stage, slow
//                path, edit command, events. At the hand-off it registers the parser outputs it still
//                needs (b_*), so the parser is free for the next frame.
// A descriptor is accepted when the front stage is empty or hands its frame off in that cycle; the
// hand-off happens when the back stage is idle or retires its frame in that cycle. Per frame:
//   1. ingress flags: rx_error -> RX_ERROR, oversize -> OVERSIZE (frame not stored: no edit command);
//   2. hdr_parser, then (at the hand-off) the table checks in the spec's order (host: RUNT, BAD_VNIC,
//      parser drop, ARP responder, SPOOF, FRAGMENT, GATEWAY, L4 drop; net: parser drop/exception,
//      UNKNOWN_VNIC, L4 drop);
//   3. session stage (session_table): hit -> counters/TCP state update (RST: delete), act; miss -> slow
//      path (route LPM, mapping, egress/ingress ACL, insert) and forward. An ENCAP action carries its
//      tunnel in the action type (ENCAP = VXLAN, ENCAP_GENEVE): from the GENEVE bit of the VTEP route or
//      of the remote mapping, and for the reverse action of a net-port miss from the tunnel the frame
//      arrived in (p_geneve);
//   4. one edit command to the editor of the input the frame came from (c0 = net input, c1 = host
//      input), held in an edit_cmd_slot so that the next frame can start while the editor is busy;
//   5. one ev_* (stats) and one mon_* event per frame, registered, in the cycle after retirement.
// Session table hazard: the lookup of a frame is issued at its hand-off (or later), i.e. at the earliest
// in the retire cycle of the frame before it, whose table writes are all done by then: the update /
// delete of a hit is issued in its lk_done cycle (op_ready is high there), an insert ends with ins_done.
// Offload (docs/nezha-offload.md; "where the offload decisions happen"):
//   * hand-off (pre-session checks, net port): context packets from the parser (p_ctx): PROBE -> answer
//     (PROBE_REPLY, retire H+1 like an ARP reply); PROBE_REPLY -> liveness refresh, discard; REQUEST ->
//     FE copy lookup (lowest vNIC with MODE = FE, BE_VTEP = outer source, BE_VNIC) and its version / VNI
//     / spoof checks, then straight into the slow path without a session lookup (route request or ACL
//     scan issued at the hand-off); VERDICT -> identity checks (MODE = BE, sender in the group, BE_ID,
//     version, VNI), then the session stage with the attributed vNIC v.
//   * lk_done of a miss: a BE-mode vNIC's frame is REDIRECTed to the FE chosen by fe_select from the
//     lookup's hash in that same cycle (retire H+LL+1, like a hit: the redirect costs what a hit costs);
//     with no alive FE it falls back to the slow path (NZ_FALLBACK). A VERDICT miss inserts the context's
//     actions (S_INS_*: SLOW = INS), a hairpin VERDICT (egress to VTEP_IP) first scans the local target's
//     ingress ACL (S_ACL2).
//   * FE: the slow path ends with the VERDICT (no insert): SLOW as below without INS.
//   * vNICs with MODE = FE are never a frame's vNIC (ven = vnic_en & ~FE).
//   * compact entries (no actions; section 8): an accepted VERDICT of a vNIC with COMPACT inserts one (not
//     for a hairpin: ins_compact). A hit on one: net port -> DELIVER(attributed vNIC), an egress VERDICT ->
//     its context action (both retire like a hit); host port -> the host slow path without the egress ACL
//     and without an insert (est_r): SLOW = 3 [+ 4 MAPPED] [+ a(ingress of j)], no NEW_FLOWS.
//   * probe rounds (round_due from fe_group_table, pg_ready from probe_gen): taken in S_IDLE once both
//     stages are empty (no descriptor is accepted while one waits), one cycle (S_ROUND): lv_round starts
//     the expiry and probe_gen; a monitor record with mon_probe = 1 and mon_tick = round_tick.
//   * register commit slots (cfg_req from nezha_csr): taken like a probe round, before it, and only while
//     probe_gen is idle (it samples the groups probe by probe; pg_ready is still high in the cycle after
//     S_ROUND, when lv_round starts it, so that cycle is excluded too) (S_CFG, one cycle, cfg_ack): the write takes
//     effect between two frames and outside a probe round; a monitor record with mon_cfg = 1.
//   * liveness refresh (lv_refresh, lv_addr, lv_tick) with the events of an accepted VERDICT or a
//     PROBE_REPLY: registered in the cycle after retirement, so the table has it before the next frame's
//     lookup completes (H+LL at the earliest).
// Between frames: session read-back requests (sess_rb_*: no descriptor is accepted while one waits; it is
// served once both stages are empty), then sweep steps (sweep_allow) when no descriptor waits and both
// stages are empty; after 16 consecutive accepted frames without a sweep opportunity one step is forced:
// no descriptor is accepted and the hand-off waits until the step has started, which it does as soon as
// the back stage is idle or retiring (all table operations of the frames handed off are issued then). A
// forced step samples the tick of the front-stage frame if there is one (not yet looked up; every later
// frame has a later tick), else tick_now.
//
// Cycle budget. T0 = cycle the descriptor is accepted (dN_valid & dN_ready); PL = hdr_parser latency
// (3), LL = session_table lookup latency lk_valid -> lk_done (2); H = hand-off cycle, H >= T0+PL (T0+1
// for rx_error / oversize), H = T0+PL when the back stage is free by then. "Retire" = the S_EMIT cycle
// that loads the edit command into its slot; the ev_*/mon_* pulses are visible one cycle later, the
// command (cN_valid) too. The next descriptor is accepted in the hand-off cycle H (T0+PL at the
// earliest), so the next frame's parse overlaps the session stage of this one (without editor
// backpressure):
//   rx_error / oversize             retire H+1                = T0+2
//   pre-session drop / exception,
//   ARP reply (GW or local vNIC)    retire H+1                = T0+4
//   ARP reply via the mapping table retire H+1+4              = T0+8
//   session hit (fast path)         lookup issued in the hand-off cycle H, lk_done (and the entry
//                                   update) at H+LL, retire H+LL+1 = T0+6 (events at T0+7). Back to
//                                   back, the next frame (accepted at H, parsed at H+PL) is handed off
//                                   and looked up in the retire cycle H+LL+1: LL+1 = 3 cycles per hit
//                                   (measured: 3.12 on average, 64-byte hairpin at 512 bits = 0.321 of
//                                   the bus rate, including the forced sweep step, which costs 2 cycles
//                                   every 16 frames).
//   session miss (slow path)        retire H+LL+1+SLOW        = T0+6+SLOW; the next frame waits parsed
//                                   in the front stage and is handed off in the retire cycle.
//   BE miss -> REDIRECT             retire H+LL+1             = T0+6 (SLOW 0; as a hit, 3 cycles back to back)
//   VERDICT miss (BE)               retire H+LL+1+INS         = T0+9 with a free way (hairpin: + a(j))
//   PROBE -> PROBE_REPLY            retire H+1                = T0+4
//   REQUEST (FE, no lookup)         retire H+SLOW+1 with SLOW as the slow path's below without INS
//                                   (egress: 3 [+ 4 MAPPED] + a(egress of the copy), ingress: 3 [+ 4 MAPPED]
//                                   + a(ingress), the reverse-path check against the context's VTEP)
// SLOW (= ev_slow_cycles = mon_slow_cycles) counts the cycles from the one after the miss (lk_done) up to
// and including the cycle that decides the frame:
//   a(n, m) = cycles of one ACL set scan (acl_engine, one rule per cycle, pipelined reads):
//             m + 2 if rule m (0-based) is the first match, n + 1 if none of the n rules matches,
//             2 if the set is empty
//   INS     = 1 + insert latency of session_table: 1 + 2 = 3 with a free way in either bank,
//             1 + 4 + 3k with k cuckoo displacements, 1 + 2 + 2*MAX_KICKS at most on failure;
//             0 for a TCP RST (never inserted)
//   net port  (reverse path, ingress ACL of d)    SLOW = 3 [+ 4 MAPPED] + a(d) + INS  (the route / mapping of the
//                                                 inner source must give the outer source: datapath-spec 4.6)
//   host port, route LOCAL or VTEP                SLOW = 3 + a(egress of s) [+ a(ingress of j)] + INS
//   host port, route MAPPED                       SLOW = 3 + 4 + a(egress of s) [+ a(ingress of j)] + INS
//   ([...] only with a local target j; route/mapping/ACL drops end in the cycle their answer arrives:
//   NO_ROUTE/ROUTE_DROP = 3, NO_MAPPING = 7, ACL_DENY = 3 + a(...), VTEP_SPOOF = 3 or 7.)
//   e.g. host->local vNIC, rule 1 allows egress, rule 0 allows ingress, free way: 3 + 3 + 2 + 3 = 11.
// The table requests are registered: rt_req_valid in the cycle after the miss (answer 2 cycles later),
// mp_req_valid in the cycle after the route answer (answer 3 cycles later), the ACL scan starts in the
// cycle after the decision that needs it.
module flow_processor #(
    /* verilator lint_off UNUSEDPARAM */
    parameter DATA_W    = 64,           // not needed here (kept for the common parameter list)
    /* verilator lint_on UNUSEDPARAM */
    parameter VNIC_W    = 4,            // log2 of the number of vNICs
    parameter USER_W    = VNIC_W + 8,   // editor tuser width
    parameter HDR_BYTES = 128,          // header window of a descriptor
    parameter HDR_MAX   = 96,           // edit command header bytes (cN_hdr)
    parameter SESS_LOG2 = 8,            // log2 of the session buckets per bank
    parameter SESS_WAYS = 8,            // session ways per bucket
    parameter MAX_KICKS = 8,            // cuckoo displacement limit
    parameter ACL_SETS  = 4,            // ACL sets
    parameter ACL_RULES = 256,          // rules per ACL set
    parameter N_GROUPS  = 4,            // FE groups
    parameter RULE_W    = 151,          // ACL rule width: NZ_RULE_W
    parameter ENTRY_W   = 401,          // session entry width: NZ_ENTRY_W
    // derived: do not override
    parameter N_VNIC    = 1 << VNIC_W,
    parameter LOC_W     = 2 + SESS_LOG2 + $clog2(SESS_WAYS),   // session slot {half, bank, bucket, way}
    parameter ACL_AW    = $clog2(ACL_SETS * ACL_RULES),
    parameter GRP_W     = (N_GROUPS <= 2) ? 1 : $clog2(N_GROUPS)
) (
    input  wire                     clk,
    input  wire                     rst,
    // descriptors (ingress_buffer desc_*): d0 = net buffer, d1 = host buffer
    input  wire                     d0_valid,
    output wire                     d0_ready,
    input  wire [15:0]              d0_len,
    input  wire [HDR_BYTES*8-1:0]   d0_hdr,
    input  wire [VNIC_W-1:0]        d0_vnic,
    input  wire                     d0_rx_error,
    input  wire                     d0_oversize,
    input  wire                     d0_stored,
    input  wire                     d1_valid,
    output wire                     d1_ready,
    input  wire [15:0]              d1_len,
    input  wire [HDR_BYTES*8-1:0]   d1_hdr,
    input  wire [VNIC_W-1:0]        d1_vnic,
    input  wire                     d1_rx_error,
    input  wire                     d1_oversize,
    input  wire                     d1_stored,
    // edit commands (pkt_editor cmd_*): c0 = net-input editor, c1 = host-input editor
    output wire                     c0_valid,
    input  wire                     c0_ready,
    output wire                     c0_drop,
    output wire                     c0_dest,
    output wire [USER_W-1:0]        c0_user,
    output wire [6:0]               c0_hdr_len,
    output wire [HDR_MAX*8-1:0]     c0_hdr,
    output wire [15:0]              c0_strip,
    output wire [15:0]              c0_end,
    output wire                     c1_valid,
    input  wire                     c1_ready,
    output wire                     c1_drop,
    output wire                     c1_dest,
    output wire [USER_W-1:0]        c1_user,
    output wire [6:0]               c1_hdr_len,
    output wire [HDR_MAX*8-1:0]     c1_hdr,
    output wire [15:0]              c1_strip,
    output wire [15:0]              c1_end,
    // configuration
    input  wire [47:0]              cfg_nic_mac,
    input  wire [47:0]              cfg_nh_mac,
    input  wire [47:0]              cfg_gw_mac,
    input  wire [31:0]              cfg_vtep_ip,
    input  wire [15:0]              cfg_mtu,        // underlay frames (ENCAP, context packets) <= MTU
    input  wire [15:0]              cfg_vm_mtu,     // frames delivered to a VM <= VM_MTU
    input  wire [14:0]              cfg_idle_to,
    input  wire [14:0]              cfg_close_to,
    input  wire [15:0]              tick_now,
    // vNIC table (entry i at [i*W +: W])
    input  wire [N_VNIC-1:0]        vnic_en,
    input  wire [N_VNIC*24-1:0]     vnic_vni,
    input  wire [N_VNIC*48-1:0]     vnic_mac,
    input  wire [N_VNIC*32-1:0]     vnic_ip,
    input  wire [N_VNIC*32-1:0]     vnic_gw,
    input  wire [N_VNIC*8-1:0]      vnic_acl,
    // offload entries and FE groups (docs/nezha-offload.md)
    input  wire [N_VNIC*2-1:0]      ol_mode,
    input  wire [N_VNIC-1:0]        ol_compact,     // BE / DRAIN: verdicts insert compact entries
    input  wire [N_VNIC*GRP_W-1:0]  ol_group,
    input  wire [N_VNIC*8-1:0]      ol_version,
    input  wire [N_VNIC*8-1:0]      ol_be_vnic,
    input  wire [N_VNIC*32-1:0]     ol_be_vtep,
    input  wire [N_GROUPS*3-1:0]    fg_count,
    input  wire [N_GROUPS*128-1:0]  fg_vtep,
    input  wire [N_GROUPS*4-1:0]    fg_alive,
    // liveness: refresh by source address, probe rounds
    output wire                     lv_refresh,
    output wire [31:0]              lv_addr,
    output wire [15:0]              lv_tick,
    input  wire                     round_due,
    input  wire [15:0]              round_tick,
    input  wire                     pg_ready,
    output wire                     lv_round,
    output wire [15:0]              lv_round_tick,
    // register commit slots (nezha_csr): a table / datapath write commits in the cfg_ack cycle
    input  wire                     cfg_req,
    output wire                     cfg_ack,
    // route LPM (answers exactly 2 cycles after the request)
    output wire                     rt_req_valid,
    output wire [23:0]              rt_req_vni,
    output wire [31:0]              rt_req_ip,
    input  wire                     rt_resp_valid,
    input  wire                     rt_resp_hit,
    input  wire [1:0]               rt_resp_type,
    input  wire                     rt_resp_geneve,   // VTEP route: encapsulate with Geneve
    input  wire [31:0]              rt_resp_value,
    // mapping table (answers exactly 3 cycles after the request)
    output wire                     mp_req_valid,
    output wire [23:0]              mp_req_vni,
    output wire [31:0]              mp_req_ip,
    input  wire                     mp_resp_valid,
    input  wire                     mp_resp_hit,
    input  wire [31:0]              mp_resp_vtep,
    input  wire [47:0]              mp_resp_mac,
    input  wire                     mp_resp_geneve,   // remote mapping: encapsulate with Geneve
    // ACL table (pipelined read, data one cycle after the address)
    output wire                     acl_rd_en,
    output wire [ACL_AW-1:0]        acl_rd_addr,
    input  wire [RULE_W-1:0]        acl_rd_data,
    input  wire [ACL_SETS*9-1:0]    acl_count,
    // stats events (one per frame, ev_valid)
    output wire                     ev_valid,
    output wire                     ev_port,
    output wire [15:0]              ev_len,
    output wire [4:0]               ev_drop_reason,
    output wire [1:0]               ev_exc_reason,
    output wire                     ev_arp_reply,
    output wire                     ev_rx_vnic_valid,
    output wire [VNIC_W-1:0]        ev_rx_vnic,
    output wire                     ev_tx_vnic_valid,
    output wire [VNIC_W-1:0]        ev_tx_vnic,
    output wire [15:0]              ev_tx_len,
    output wire                     ev_newflow,
    output wire [VNIC_W-1:0]        ev_newflow_vnic,
    output wire [15:0]              ev_slow_cycles,
    output wire                     ev_sess_hit,
    output wire                     ev_sess_miss,
    output wire                     ev_sess_closed,
    output wire                     ev_nz_redirect,
    output wire                     ev_nz_verdict_tx,
    output wire                     ev_nz_verdict_rx,
    output wire                     ev_nz_fallback,
    output wire                     ev_probe_reply_tx,
    output wire                     ev_probe_reply_rx,
    // session table events (per-cycle increments, from session_table)
    output wire                     sess_ev_insert,
    output wire                     sess_ev_insert_fail,
    output wire [7:0]               sess_ev_aged,
    output wire [7:0]               sess_ev_kicks,
    output wire [31:0]              sess_occupancy,
    // session read-back (from the register side), served between frames
    input  wire                     sess_rb_req,
    input  wire [LOC_W-1:0]         sess_rb_loc,
    output wire                     sess_rb_done,
    output wire [ENTRY_W-1:0]       sess_rb_entry,
    output wire                     sess_rb_compact,
    // monitor
    output wire                     mon_valid,
    output wire                     mon_port,
    output wire [15:0]              mon_tick,
    output wire [15:0]              mon_slow_cycles,
    output wire                     mon_probe,
    output wire                     mon_cfg,
    output wire                     busy
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
`include "nezha_flow.vh"
    /* verilator lint_on UNUSEDPARAM */

    initial begin
        if (RULE_W != NZ_RULE_W || ENTRY_W != NZ_ENTRY_W) begin
            $error("flow_processor: RULE_W / ENTRY_W must be NZ_RULE_W / NZ_ENTRY_W (instance %m)");
            $finish;
        end
    end

    // ------------------------------------------------------------------ front stage and parser
    wire                   handoff, force_sweep, rd_go, any_desc, sweep_go, b_free, rb_pend;
    wire                   f_valid, f_err, f_port, f_stored;
    wire [4:0]             f_err_reason;
    wire [15:0]            f_len, f_tick;
    wire [VNIC_W-1:0]      f_vnic;
    wire                   in_valid, in_port;
    wire [15:0]            in_len;
    wire [HDR_BYTES*8-1:0] in_hdr;

    fp_front #(.VNIC_W(VNIC_W), .HDR_BYTES(HDR_BYTES)) u_front (
        .clk(clk), .rst(rst),
        .d0_valid(d0_valid), .d0_ready(d0_ready), .d0_len(d0_len), .d0_hdr(d0_hdr), .d0_vnic(d0_vnic),
        .d0_rx_error(d0_rx_error), .d0_oversize(d0_oversize), .d0_stored(d0_stored),
        .d1_valid(d1_valid), .d1_ready(d1_ready), .d1_len(d1_len), .d1_hdr(d1_hdr), .d1_vnic(d1_vnic),
        .d1_rx_error(d1_rx_error), .d1_oversize(d1_oversize), .d1_stored(d1_stored), .tick_now(tick_now),
        .in_valid(in_valid), .in_port(in_port), .in_len(in_len), .in_hdr(in_hdr), .p_valid(p_valid),
        .b_free(b_free), .rb_pend(rb_pend), .cfg_req(cfg_req), .round_due(round_due), .pg_ready(pg_ready),
        .lv_round(lv_round), .sweep_go(sweep_go), .rd_go(rd_go), .any_desc(any_desc), .handoff(handoff), .force_sweep(force_sweep),
        .f_valid(f_valid), .f_err(f_err), .f_err_reason(f_err_reason), .f_port(f_port), .f_len(f_len),
        .f_vnic(f_vnic), .f_stored(f_stored), .f_tick(f_tick)
    );

    wire        p_valid, p_drop, p_exc, p_frag, p_l4_drop, p_is_arp, p_tunnel, p_geneve, p_ctx;
    wire [4:0]  p_drop_reason, p_l4_drop_reason;
    wire [1:0]  p_exc_reason, p_ecn;
    wire [15:0] p_arp_op, p_l3off, p_sport, p_dport, p_udp_sport, p_inner_len, p_ip_end;
    wire [47:0] p_arp_sha, p_eth_dst, p_eth_src, p_ctx_mac;
    wire [31:0] p_arp_spa, p_arp_tpa, p_outer_sip, p_sip, p_dip, p_ctx_be_id, p_ctx_vtep;
    wire [23:0] p_vni;
    wire [7:0]  p_proto, p_tcp_flags, p_ctx_flags, p_ctx_vnic, p_ctx_version, p_ctx_act;
    wire [2:0]  p_ctx_kind;
    wire [95:0] p_ip_head;

    hdr_parser #(.HDR_BYTES(HDR_BYTES)) u_parser (
        .clk(clk), .rst(rst), .in_valid(in_valid), .in_port(in_port), .in_len(in_len), .in_hdr(in_hdr),
        .cfg_vtep_ip(cfg_vtep_ip), .cfg_nic_mac(cfg_nic_mac), .out_valid(p_valid),
        .p_drop(p_drop), .p_drop_reason(p_drop_reason), .p_exc(p_exc), .p_exc_reason(p_exc_reason),
        .p_frag(p_frag), .p_l4_drop(p_l4_drop), .p_l4_drop_reason(p_l4_drop_reason), .p_is_arp(p_is_arp),
        .p_arp_op(p_arp_op), .p_arp_sha(p_arp_sha), .p_arp_spa(p_arp_spa), .p_arp_tpa(p_arp_tpa),
        .p_tunnel(p_tunnel), .p_geneve(p_geneve), .p_vni(p_vni), .p_outer_sip(p_outer_sip),
        .p_eth_dst(p_eth_dst), .p_eth_src(p_eth_src), .p_l3off(p_l3off), .p_proto(p_proto), .p_sip(p_sip),
        .p_dip(p_dip), .p_sport(p_sport), .p_dport(p_dport), .p_tcp_flags(p_tcp_flags), .p_ctx(p_ctx),
        .p_ctx_kind(p_ctx_kind), .p_ctx_flags(p_ctx_flags), .p_ctx_vnic(p_ctx_vnic),
        .p_ctx_version(p_ctx_version), .p_ctx_be_id(p_ctx_be_id), .p_ctx_vtep(p_ctx_vtep),
        .p_ctx_mac(p_ctx_mac), .p_ctx_act(p_ctx_act), .p_udp_sport(p_udp_sport), .p_inner_len(p_inner_len),
        .p_ip_end(p_ip_end), .p_ip_head(p_ip_head), .p_ecn(p_ecn)
    );
    // p_tunnel is implied on the net port by !p_drop && !p_exc
    wire unused_p = &{1'b0, p_tunnel};

    // ------------------------------------------------------------------ pre-session checks
    wire                   bk_mq, mq_found, pre_rx, pre_verdict, key_dir, fit_dl, fit_en, fit_cx;
    wire [23:0]            bk_mq_vni, s_vni, pre_vni;
    wire [47:0]            bk_mq_mac, pre_arp_mac;
    wire [VNIC_W-1:0]      mq_idx, pre_exc_vnic, pre_attr;
    wire [N_VNIC-1:0]      ven;
    wire [2:0]             pre_kind;
    wire [4:0]             pre_drop;
    wire [1:0]             pre_exc;
    wire [NZ_KEY_W-1:0]    key;
    wire [15:0]            iplen;

    fp_classify #(.VNIC_W(VNIC_W), .N_GROUPS(N_GROUPS)) u_classify (
        .f_port(f_port), .f_len(f_len), .f_vnic(f_vnic),
        .p_drop(p_drop), .p_drop_reason(p_drop_reason), .p_exc(p_exc), .p_exc_reason(p_exc_reason),
        .p_frag(p_frag), .p_l4_drop(p_l4_drop), .p_l4_drop_reason(p_l4_drop_reason), .p_is_arp(p_is_arp),
        .p_arp_op(p_arp_op), .p_arp_sha(p_arp_sha), .p_arp_spa(p_arp_spa), .p_arp_tpa(p_arp_tpa),
        .p_vni(p_vni), .p_outer_sip(p_outer_sip), .p_eth_dst(p_eth_dst), .p_eth_src(p_eth_src),
        .p_l3off(p_l3off), .p_proto(p_proto), .p_sip(p_sip), .p_dip(p_dip), .p_sport(p_sport),
        .p_dport(p_dport), .p_ctx(p_ctx), .p_ctx_kind(p_ctx_kind), .p_ctx_dir(p_ctx_flags[0]),
        .p_ctx_vnic(p_ctx_vnic), .p_ctx_version(p_ctx_version), .p_ctx_be_id(p_ctx_be_id), .p_ip_end(p_ip_end),
        .cfg_gw_mac(cfg_gw_mac), .cfg_vtep_ip(cfg_vtep_ip), .cfg_mtu(cfg_mtu), .cfg_vm_mtu(cfg_vm_mtu),
        .vnic_en(vnic_en), .vnic_vni(vnic_vni), .vnic_mac(vnic_mac), .vnic_ip(vnic_ip), .vnic_gw(vnic_gw),
        .ol_mode(ol_mode), .ol_group(ol_group), .ol_version(ol_version), .ol_be_vnic(ol_be_vnic),
        .ol_be_vtep(ol_be_vtep), .fg_count(fg_count), .fg_vtep(fg_vtep),
        .bk_mq(bk_mq), .bk_mq_vni(bk_mq_vni), .bk_mq_mac(bk_mq_mac), .mq_found(mq_found), .mq_idx(mq_idx),
        .ven(ven), .s_vni(s_vni), .pre_kind(pre_kind), .pre_drop(pre_drop), .pre_exc(pre_exc),
        .pre_exc_vnic(pre_exc_vnic), .pre_arp_mac(pre_arp_mac), .pre_attr(pre_attr), .pre_vni(pre_vni),
        .pre_rx(pre_rx), .pre_verdict(pre_verdict), .key(key), .key_dir(key_dir), .iplen(iplen),
        .fit_dl(fit_dl), .fit_en(fit_en), .fit_cx(fit_cx)
    );

    // ------------------------------------------------------------------ the back-stage frame
    wire                   port_r, stored_r, dir_r, fin_r, rstf_r, b_geneve, b_fit_dl, b_fit_en, b_fit_cx;
    wire [15:0]            len_r, tick_r, slen_r, b_l3off, b_sport, b_dport, b_udp_sport, b_ip_end, b_iplen;
    wire [VNIC_W-1:0]      vnic_r, attr_r;
    wire [NZ_KEY_W-1:0]    key_r;
    wire [23:0]            vni_r;
    wire [47:0]            b_eth_dst, b_eth_src, b_arp_sha, b_ctx_mac;
    wire [7:0]             b_proto, b_ctx_flags, b_ctx_vnic, b_ctx_version, b_ctx_act;
    wire [31:0]            b_sip, b_dip, b_outer_sip, b_arp_spa, b_arp_tpa, b_ctx_be_id, b_ctx_vtep;
    wire [95:0]            b_ip_head;
    wire [1:0]             b_ecn;

    fp_record #(.VNIC_W(VNIC_W)) u_record (
        .clk(clk), .rst(rst), .load(handoff),
        .f_port(f_port), .f_len(f_len), .f_vnic(f_vnic), .f_stored(f_stored), .f_tick(f_tick),
        .pre_fe(!f_err && pre_kind == FP_P_FE), .pre_verdict(pre_verdict), .pre_attr(pre_attr),
        .pre_vni(pre_vni), .key(key), .key_dir(key_dir), .iplen(iplen), .fit_dl(fit_dl), .fit_en(fit_en),
        .fit_cx(fit_cx), .p_tcp_flags(p_tcp_flags), .p_l3off(p_l3off), .p_eth_dst(p_eth_dst),
        .p_eth_src(p_eth_src), .p_proto(p_proto), .p_sip(p_sip), .p_dip(p_dip), .p_sport(p_sport),
        .p_dport(p_dport), .p_outer_sip(p_outer_sip), .p_geneve(p_geneve), .p_arp_sha(p_arp_sha),
        .p_arp_spa(p_arp_spa), .p_arp_tpa(p_arp_tpa), .p_inner_len(p_inner_len), .p_ctx_flags(p_ctx_flags),
        .p_ctx_vnic(p_ctx_vnic), .p_ctx_version(p_ctx_version), .p_ctx_act(p_ctx_act),
        .p_ctx_be_id(p_ctx_be_id), .p_ctx_vtep(p_ctx_vtep), .p_ctx_mac(p_ctx_mac), .p_udp_sport(p_udp_sport),
        .p_ip_end(p_ip_end), .p_ip_head(p_ip_head), .p_ecn(p_ecn),
        .port_r(port_r), .len_r(len_r), .vnic_r(vnic_r), .stored_r(stored_r), .tick_r(tick_r), .key_r(key_r),
        .dir_r(dir_r), .vni_r(vni_r), .attr_r(attr_r), .fin_r(fin_r), .rstf_r(rstf_r), .slen_r(slen_r),
        .b_l3off(b_l3off), .b_eth_dst(b_eth_dst), .b_eth_src(b_eth_src), .b_proto(b_proto), .b_sip(b_sip),
        .b_dip(b_dip), .b_sport(b_sport), .b_dport(b_dport), .b_outer_sip(b_outer_sip), .b_geneve(b_geneve),
        .b_arp_sha(b_arp_sha), .b_arp_spa(b_arp_spa), .b_arp_tpa(b_arp_tpa), .b_ctx_flags(b_ctx_flags),
        .b_ctx_vnic(b_ctx_vnic), .b_ctx_version(b_ctx_version), .b_ctx_act(b_ctx_act),
        .b_ctx_be_id(b_ctx_be_id), .b_ctx_vtep(b_ctx_vtep), .b_ctx_mac(b_ctx_mac), .b_udp_sport(b_udp_sport),
        .b_ip_end(b_ip_end), .b_iplen(b_iplen), .b_ip_head(b_ip_head), .b_ecn(b_ecn), .b_fit_dl(b_fit_dl),
        .b_fit_en(b_fit_en), .b_fit_cx(b_fit_cx)
    );

    // ------------------------------------------------------------------ session stage
    wire                   st_idle, st_idle_emit, st_lk_issue, st_lk_wait, st_ins_issue, st_rb_issue;
    wire                   lk_valid, lk_done, lk_hit, lk_compact, hit_spoof, be_mode, fs_found;
    wire                   ins_valid, ins_done, rb_valid, local_v_r, b_verdict, op_ready;
    wire [31:0]            lk_hash, fs_vtep;
    wire [NZ_ACT_W-1:0]    hit_act, fwd_r, rev_r;
    wire [LOC_W-1:0]       rb_loc_r;

    fp_session #(
        .VNIC_W(VNIC_W), .SESS_LOG2(SESS_LOG2), .SESS_WAYS(SESS_WAYS), .MAX_KICKS(MAX_KICKS), .N_GROUPS(N_GROUPS)
    ) u_session (
        .clk(clk), .rst(rst), .cfg_idle_to(cfg_idle_to), .cfg_close_to(cfg_close_to), .tick_now(tick_now),
        .handoff(handoff), .lk_start(handoff && !f_err && pre_kind == FP_P_SESSION), .key(key),
        .f_valid(f_valid), .f_tick(f_tick), .any_desc(any_desc), .force_sweep(force_sweep),
        .st_idle_emit(st_idle_emit), .st_lk_issue(st_lk_issue), .st_lk_wait(st_lk_wait),
        .st_ins_issue(st_ins_issue), .st_rb_issue(st_rb_issue), .rb_pend(rb_pend), .rb_loc_r(rb_loc_r),
        .fwd_r(fwd_r), .rev_r(rev_r), .local_v_r(local_v_r), .b_verdict(b_verdict),
        .port_r(port_r), .key_r(key_r), .dir_r(dir_r), .tick_r(tick_r), .slen_r(slen_r), .fin_r(fin_r),
        .rstf_r(rstf_r), .attr_r(attr_r), .b_outer_sip(b_outer_sip),
        .ol_mode(ol_mode), .ol_compact(ol_compact), .ol_group(ol_group), .fg_count(fg_count),
        .fg_vtep(fg_vtep), .fg_alive(fg_alive),
        .op_ready(op_ready), .lk_valid(lk_valid), .lk_done(lk_done), .lk_hit(lk_hit),
        .lk_compact(lk_compact), .lk_hash(lk_hash), .hit_act(hit_act), .hit_spoof(hit_spoof),
        .be_mode(be_mode), .fs_found(fs_found), .fs_vtep(fs_vtep), .ins_valid(ins_valid), .ins_done(ins_done),
        .rb_valid(rb_valid), .rb_done(sess_rb_done), .rb_entry(sess_rb_entry), .rb_compact(sess_rb_compact),
        .sweep_go(sweep_go),
        .sess_ev_insert(sess_ev_insert), .sess_ev_insert_fail(sess_ev_insert_fail),
        .sess_ev_aged(sess_ev_aged), .sess_ev_kicks(sess_ev_kicks), .sess_occupancy(sess_occupancy)
    );
    wire unused_ss = &{1'b0, op_ready, lk_hash[31:14]};

    // ------------------------------------------------------------------ back-stage controller
    wire                   emit, emit_now, round_now, cfg_now, sp_start, sp_done, sp_mp;
    wire [2:0]             sp_kind;
    wire                   oc_rx, oc_newflow, oc_hit, oc_miss, oc_closed, oc_refresh, oc_vrx, oc_fallback, oc_prx;
    wire [3:0]             ctl_op, sp_op;
    wire [4:0]             ctl_reason, sp_reason;
    wire                   ctl_stored;
    wire [NZ_ACT_W-1:0]    ctl_act, sp_act;
    wire [13:0]            ctl_h, sp_h;
    wire [31:0]            ctl_ip;

    fp_control #(.VNIC_W(VNIC_W), .SESS_LOG2(SESS_LOG2), .SESS_WAYS(SESS_WAYS)) u_control (
        .clk(clk), .rst(rst),
        .handoff(handoff), .f_valid(f_valid), .f_err(f_err), .f_err_reason(f_err_reason), .f_stored(f_stored),
        .force_sweep(force_sweep), .rd_go(rd_go), .cfg_req(cfg_req), .pg_ready(pg_ready), .lv_round(lv_round),
        .pre_kind(pre_kind), .pre_drop(pre_drop), .pre_rx(pre_rx), .pre_verdict(pre_verdict),
        .port_r(port_r), .stored_r(stored_r), .rstf_r(rstf_r), .attr_r(attr_r), .vni_r(vni_r),
        .b_ctx_dir(b_ctx_flags[0]), .b_ctx_vtep(b_ctx_vtep), .b_ctx_mac(b_ctx_mac), .b_ctx_act(b_ctx_act),
        .b_fit_cx(b_fit_cx),
        .lk_valid(lk_valid), .lk_done(lk_done), .lk_hit(lk_hit), .lk_compact(lk_compact), .lk_hash(lk_hash[13:0]),
        .hit_act(hit_act), .hit_spoof(hit_spoof), .be_mode(be_mode), .fs_found(fs_found), .fs_vtep(fs_vtep),
        .rb_valid(rb_valid), .rb_done(sess_rb_done), .sess_rb_req(sess_rb_req), .sess_rb_loc(sess_rb_loc),
        .rb_pend(rb_pend), .rb_loc_r(rb_loc_r),
        .sp_start(sp_start), .sp_kind(sp_kind), .sp_done(sp_done), .sp_mp(sp_mp), .mp_resp_mac(mp_resp_mac),
        .bk_mq(bk_mq), .bk_mq_vni(bk_mq_vni), .bk_mq_mac(bk_mq_mac),
        .emit_now(emit_now), .rs_op(ctl_op), .rs_reason(ctl_reason), .rs_stored(ctl_stored), .rs_act(ctl_act),
        .rs_h(ctl_h), .rs_ip(ctl_ip),
        .st_idle(st_idle), .st_idle_emit(st_idle_emit), .st_lk_issue(st_lk_issue), .st_lk_wait(st_lk_wait),
        .st_rb_issue(st_rb_issue), .b_free(b_free), .emit(emit), .round_now(round_now), .cfg_now(cfg_now),
        .b_verdict(b_verdict),
        .oc_rx(oc_rx), .oc_newflow(oc_newflow), .oc_hit(oc_hit), .oc_miss(oc_miss), .oc_closed(oc_closed),
        .oc_refresh(oc_refresh), .oc_vrx(oc_vrx), .oc_fallback(oc_fallback), .oc_prx(oc_prx)
    );
    assign cfg_ack = cfg_now;

    // ------------------------------------------------------------------ slow path, ACL engine
    wire                   acl_go, acl_dir, acl_done, acl_allow;
    wire [7:0]             acl_set;
    wire [15:0]            slow_cnt;

    fp_slowpath #(.VNIC_W(VNIC_W)) u_slow (
        .clk(clk), .rst(rst), .cfg_vtep_ip(cfg_vtep_ip), .ven(ven), .vnic_mac(vnic_mac), .vnic_acl(vnic_acl),
        .handoff(handoff), .sp_start(sp_start), .sp_kind(sp_kind), .h_load(st_lk_wait && lk_done),
        .lk_hash(lk_hash[13:0]), .mq_found(mq_found), .mq_idx(mq_idx), .st_mp(sp_mp),
        .pre_vni(pre_vni), .s_vni(s_vni), .p_ctx_dir(p_ctx_flags[0]), .p_ctx_vtep(p_ctx_vtep), .p_sip(p_sip),
        .p_dip(p_dip), .p_arp_tpa(p_arp_tpa),
        .port_r(port_r), .rstf_r(rstf_r), .vnic_r(vnic_r), .attr_r(attr_r), .vni_r(vni_r), .b_sip(b_sip), .b_dip(b_dip), .b_eth_dst(b_eth_dst), .b_eth_src(b_eth_src), .b_outer_sip(b_outer_sip),
        .b_geneve(b_geneve), .b_ctx_flags(b_ctx_flags[1:0]), .b_ctx_act(b_ctx_act), .b_ctx_vtep(b_ctx_vtep),
        .b_ctx_mac(b_ctx_mac),
        .rt_req_valid(rt_req_valid), .mp_req_valid(mp_req_valid), .req_vni(rt_req_vni), .req_ip(rt_req_ip),
        .rt_resp_valid(rt_resp_valid), .rt_resp_hit(rt_resp_hit), .rt_resp_type(rt_resp_type),
        .rt_resp_geneve(rt_resp_geneve), .rt_resp_value(rt_resp_value), .mp_resp_valid(mp_resp_valid),
        .mp_resp_hit(mp_resp_hit), .mp_resp_vtep(mp_resp_vtep), .mp_resp_mac(mp_resp_mac),
        .mp_resp_geneve(mp_resp_geneve), .acl_go(acl_go), .acl_set(acl_set), .acl_dir(acl_dir),
        .acl_done(acl_done), .acl_allow(acl_allow), .st_ins_issue(st_ins_issue), .ins_valid(ins_valid),
        .ins_done(ins_done), .sp_done(sp_done), .sp_op(sp_op), .sp_reason(sp_reason), .sp_act(sp_act),
        .sp_h(sp_h), .fwd_r(fwd_r), .rev_r(rev_r), .local_v_r(local_v_r), .slow_cnt(slow_cnt)
    );
    assign mp_req_vni = rt_req_vni;
    assign mp_req_ip  = rt_req_ip;

    acl_engine #(.ACL_SETS(ACL_SETS), .ACL_RULES(ACL_RULES), .ACL_AW(ACL_AW), .RULE_W(RULE_W)) u_acl (
        .clk(clk), .rst(rst), .start(acl_go), .acl_set(acl_set), .dir(acl_dir), .proto(b_proto),
        .sip(b_sip), .dip(b_dip), .sport(b_sport), .dport(b_dport), .acl_count(acl_count),
        .acl_rd_en(acl_rd_en), .acl_rd_addr(acl_rd_addr), .acl_rd_data(acl_rd_data),
        .done(acl_done), .allow(acl_allow)
    );

    // ------------------------------------------------------------------ result, edit commands, events
    wire [4:0]             res_drop_reason;
    wire [1:0]             res_exc_reason;
    wire                   res_arp, res_tx_v, res_redirect, res_vtx, res_prtx;
    wire [VNIC_W-1:0]      res_tx_vnic;
    wire [15:0]            res_tx_len;

    fp_result #(.VNIC_W(VNIC_W), .USER_W(USER_W), .HDR_MAX(HDR_MAX)) u_result (
        .clk(clk), .rst(rst), .cfg_nic_mac(cfg_nic_mac), .cfg_nh_mac(cfg_nh_mac), .cfg_gw_mac(cfg_gw_mac),
        .cfg_vtep_ip(cfg_vtep_ip), .ven(ven), .vnic_mac(vnic_mac), .ol_version(ol_version),
        .handoff(handoff), .ctl_op(ctl_op), .ctl_reason(ctl_reason), .ctl_stored(ctl_stored), .ctl_act(ctl_act),
        .ctl_h(ctl_h), .ctl_ip(ctl_ip), .sp_done(sp_done), .sp_op(sp_op), .sp_reason(sp_reason),
        .sp_act(sp_act), .sp_h(sp_h), .fwd_r(fwd_r),
        .pre_exc(pre_exc), .pre_exc_vnic(pre_exc_vnic), .pre_arp_mac(pre_arp_mac), .f_vnic(f_vnic),
        .f_len(f_len), .p_arp_sha(p_arp_sha), .p_arp_spa(p_arp_spa), .p_arp_tpa(p_arp_tpa),
        .p_outer_sip(p_outer_sip), .p_udp_sport(p_udp_sport), .p_ctx_flags(p_ctx_flags),
        .p_ctx_vnic(p_ctx_vnic), .p_ctx_version(p_ctx_version), .p_ctx_act(p_ctx_act),
        .p_ctx_be_id(p_ctx_be_id), .p_ctx_vtep(p_ctx_vtep), .p_ctx_mac(p_ctx_mac), .mp_resp_mac(mp_resp_mac),
        .port_r(port_r), .len_r(len_r), .vnic_r(vnic_r), .stored_r(stored_r), .vni_r(vni_r), .attr_r(attr_r),
        .b_l3off(b_l3off), .b_eth_dst(b_eth_dst), .b_eth_src(b_eth_src), .b_outer_sip(b_outer_sip),
        .b_geneve(b_geneve), .b_arp_sha(b_arp_sha), .b_arp_spa(b_arp_spa), .b_arp_tpa(b_arp_tpa),
        .b_ctx_flags(b_ctx_flags), .b_ctx_vnic(b_ctx_vnic), .b_ctx_version(b_ctx_version),
        .b_ctx_be_id(b_ctx_be_id), .b_ctx_vtep(b_ctx_vtep), .b_udp_sport(b_udp_sport), .b_ip_end(b_ip_end),
        .b_iplen(b_iplen), .b_ip_head(b_ip_head), .b_ecn(b_ecn), .b_fit_dl(b_fit_dl), .b_fit_en(b_fit_en),
        .b_fit_cx(b_fit_cx), .emit(emit), .emit_now(emit_now),
        .res_drop_reason(res_drop_reason), .res_exc_reason(res_exc_reason), .res_arp(res_arp),
        .res_tx_v(res_tx_v), .res_tx_vnic(res_tx_vnic), .res_tx_len(res_tx_len), .res_redirect(res_redirect),
        .res_vtx(res_vtx), .res_prtx(res_prtx),
        .c0_valid(c0_valid), .c0_ready(c0_ready), .c0_drop(c0_drop), .c0_dest(c0_dest), .c0_user(c0_user),
        .c0_hdr_len(c0_hdr_len), .c0_hdr(c0_hdr), .c0_strip(c0_strip), .c0_end(c0_end),
        .c1_valid(c1_valid), .c1_ready(c1_ready), .c1_drop(c1_drop), .c1_dest(c1_dest), .c1_user(c1_user),
        .c1_hdr_len(c1_hdr_len), .c1_hdr(c1_hdr), .c1_strip(c1_strip), .c1_end(c1_end)
    );

    fp_retire #(.VNIC_W(VNIC_W)) u_retire (
        .clk(clk), .rst(rst), .emit(emit), .round_now(round_now), .cfg_now(cfg_now), .round_tick(round_tick),
        .port_r(port_r), .len_r(len_r), .vnic_r(vnic_r), .attr_r(attr_r), .tick_r(tick_r),
        .b_outer_sip(b_outer_sip), .slow_cnt(slow_cnt), .oc_rx(oc_rx), .oc_newflow(oc_newflow),
        .oc_hit(oc_hit), .oc_miss(oc_miss), .oc_closed(oc_closed), .oc_refresh(oc_refresh), .oc_vrx(oc_vrx),
        .oc_fallback(oc_fallback), .oc_prx(oc_prx), .res_drop_reason(res_drop_reason),
        .res_exc_reason(res_exc_reason), .res_arp(res_arp), .res_tx_v(res_tx_v), .res_tx_vnic(res_tx_vnic),
        .res_tx_len(res_tx_len), .res_redirect(res_redirect), .res_vtx(res_vtx), .res_prtx(res_prtx),
        .ev_valid(ev_valid), .ev_port(ev_port), .ev_len(ev_len), .ev_drop_reason(ev_drop_reason),
        .ev_exc_reason(ev_exc_reason), .ev_arp_reply(ev_arp_reply), .ev_rx_vnic_valid(ev_rx_vnic_valid),
        .ev_rx_vnic(ev_rx_vnic), .ev_tx_vnic_valid(ev_tx_vnic_valid), .ev_tx_vnic(ev_tx_vnic),
        .ev_tx_len(ev_tx_len), .ev_newflow(ev_newflow), .ev_newflow_vnic(ev_newflow_vnic),
        .ev_slow_cycles(ev_slow_cycles), .ev_sess_hit(ev_sess_hit), .ev_sess_miss(ev_sess_miss),
        .ev_sess_closed(ev_sess_closed), .ev_nz_redirect(ev_nz_redirect), .ev_nz_verdict_tx(ev_nz_verdict_tx),
        .ev_nz_verdict_rx(ev_nz_verdict_rx), .ev_nz_fallback(ev_nz_fallback),
        .ev_probe_reply_tx(ev_probe_reply_tx), .ev_probe_reply_rx(ev_probe_reply_rx),
        .lv_refresh(lv_refresh), .lv_addr(lv_addr), .lv_tick(lv_tick), .lv_round(lv_round),
        .lv_round_tick(lv_round_tick), .mon_valid(mon_valid), .mon_port(mon_port), .mon_tick(mon_tick),
        .mon_slow_cycles(mon_slow_cycles), .mon_probe(mon_probe), .mon_cfg(mon_cfg)
    );

    assign busy = !st_idle || f_valid || c0_valid || c1_valid || rb_pend;
endmodule

`resetall
