`resetall
`default_nettype none

// flow_processor: the decision engine of the Nezha datapath (datapath-spec 4.3-4.7 above the parser).
//
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
    parameter VNIC_W    = 4,
    parameter USER_W    = VNIC_W + 8,
    parameter HDR_BYTES = 128,
    parameter SESS_LOG2 = 8,
    parameter SESS_WAYS = 8,
    parameter MAX_KICKS = 8,
    parameter ACL_SETS  = 4,
    parameter ACL_RULES = 256,
    parameter N_GROUPS  = 4,
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
    output wire [767:0]             c0_hdr,
    output wire [15:0]              c0_strip,
    output wire [15:0]              c0_end,
    output wire                     c1_valid,
    input  wire                     c1_ready,
    output wire                     c1_drop,
    output wire                     c1_dest,
    output wire [USER_W-1:0]        c1_user,
    output wire [6:0]               c1_hdr_len,
    output wire [767:0]             c1_hdr,
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
    output reg                      lv_refresh,
    output reg  [31:0]              lv_addr,
    output reg  [15:0]              lv_tick,
    input  wire                     round_due,
    input  wire [15:0]              round_tick,
    input  wire                     pg_ready,
    output reg                      lv_round,
    output reg  [15:0]              lv_round_tick,
    // register commit slots (nezha_csr): a table / datapath write commits in the cfg_ack cycle
    input  wire                     cfg_req,
    output wire                     cfg_ack,
    // route LPM (answers exactly 2 cycles after the request)
    output reg                      rt_req_valid,
    output wire [23:0]              rt_req_vni,
    output wire [31:0]              rt_req_ip,
    input  wire                     rt_resp_valid,
    input  wire                     rt_resp_hit,
    input  wire [1:0]               rt_resp_type,
    input  wire                     rt_resp_geneve,   // VTEP route: encapsulate with Geneve
    input  wire [31:0]              rt_resp_value,
    // mapping table (answers exactly 3 cycles after the request)
    output reg                      mp_req_valid,
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
    input  wire [150:0]             acl_rd_data,      // NZ_RULE_W bits
    input  wire [ACL_SETS*9-1:0]    acl_count,
    // stats events (one per frame, ev_valid)
    output reg                      ev_valid,
    output reg                      ev_port,
    output reg  [15:0]              ev_len,
    output reg  [4:0]               ev_drop_reason,
    output reg  [1:0]               ev_exc_reason,
    output reg                      ev_arp_reply,
    output reg                      ev_rx_vnic_valid,
    output reg  [VNIC_W-1:0]        ev_rx_vnic,
    output reg                      ev_tx_vnic_valid,
    output reg  [VNIC_W-1:0]        ev_tx_vnic,
    output reg  [15:0]              ev_tx_len,
    output reg                      ev_newflow,
    output reg  [VNIC_W-1:0]        ev_newflow_vnic,
    output reg  [15:0]              ev_slow_cycles,
    output reg                      ev_sess_hit,
    output reg                      ev_sess_miss,
    output reg                      ev_sess_closed,
    output reg                      ev_nz_redirect,
    output reg                      ev_nz_verdict_tx,
    output reg                      ev_nz_verdict_rx,
    output reg                      ev_nz_fallback,
    output reg                      ev_probe_reply_tx,
    output reg                      ev_probe_reply_rx,
    // session table events (per-cycle increments, from session_table)
    output wire                     sess_ev_insert,
    output wire                     sess_ev_insert_fail,
    output wire [7:0]               sess_ev_aged,
    output wire [7:0]               sess_ev_kicks,
    output wire [31:0]              sess_occupancy,
    // session read-back (from the CSR block), served between frames
    input  wire                     sess_rb_req,
    input  wire [LOC_W-1:0]         sess_rb_loc,
    output wire                     sess_rb_done,
    output wire [400:0]             sess_rb_entry,    // NZ_ENTRY_W bits
    output wire                     sess_rb_compact,
    // monitor
    output reg                      mon_valid,
    output reg                      mon_port,
    output reg  [15:0]              mon_tick,
    output reg  [15:0]              mon_slow_cycles,
    output reg                      mon_probe,
    output reg                      mon_cfg,
    output wire                     busy
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_regs.vh"
    /* verilator lint_on UNUSEDPARAM */

    // ============================================================================================
    // Constants
    // ============================================================================================
    localparam [3:0] S_IDLE      = 4'd0,   // no frame in the back stage: read-back, sweep, hand-off
                     S_ROUND     = 4'd1,   // probe round (one cycle)
                     S_CFG       = 4'd14,  // register commit slot (one cycle, cfg_ack)
                     S_ARP_MAP   = 4'd2,   // ARP responder: mapping lookup of TPA
                     S_LK_ISSUE  = 4'd3,   // session lookup waits for op_ready
                     S_LK_WAIT   = 4'd4,   // session lookup in flight
                     S_RT_WAIT   = 4'd5,   // slow path: route LPM in flight
                     S_MP_WAIT   = 4'd6,   // slow path: mapping lookup in flight
                     S_ACL1      = 4'd7,   // slow path: egress ACL of s (host) / ingress ACL of d (net)
                     S_ACL2      = 4'd8,   // slow path: ingress ACL of the local target j (host)
                     S_INS_ISSUE = 4'd9,   // slow path: insert waits for op_ready
                     S_INS_WAIT  = 4'd10,  // slow path: insert in flight
                     S_EMIT      = 4'd11,  // retire: load the edit command, stats/monitor event; hand-off
                     S_RB_ISSUE  = 4'd12,  // session read-back waits for op_ready
                     S_RB_WAIT   = 4'd13;  // session read-back in flight

    // pre-session verdicts
    localparam [2:0] P_DROP = 3'd0, P_EXC = 3'd1, P_ARP_REPLY = 3'd2, P_ARP_MAP = 3'd3, P_SESSION = 3'd4,
                     P_PREPLY = 3'd5,   // PROBE: answer with a PROBE_REPLY
                     P_CONSUME = 3'd6,  // PROBE_REPLY: refresh, discard
                     P_FE = 3'd7;       // REQUEST accepted: the FE slow path
    // edit_cmd_slot kinds
    localparam [2:0] K_NONE = 3'd0, K_DELIVER = 3'd1, K_ENCAP = 3'd2, K_ARP = 3'd3, K_CTX = 3'd4;

    localparam [4:0] DR_RX_ERROR     = NZ_DROP_REASON_RX_ERROR[4:0];
    localparam [4:0] DR_OVERSIZE     = NZ_DROP_REASON_OVERSIZE[4:0];
    localparam [4:0] DR_RUNT         = NZ_DROP_REASON_RUNT[4:0];
    localparam [4:0] DR_BAD_VNIC     = NZ_DROP_REASON_BAD_VNIC[4:0];
    localparam [4:0] DR_SPOOF        = NZ_DROP_REASON_SPOOF[4:0];
    localparam [4:0] DR_UNKNOWN_VNIC = NZ_DROP_REASON_UNKNOWN_VNIC[4:0];
    localparam [4:0] DR_NO_ROUTE     = NZ_DROP_REASON_NO_ROUTE[4:0];
    localparam [4:0] DR_ROUTE_DROP   = NZ_DROP_REASON_ROUTE_DROP[4:0];
    localparam [4:0] DR_NO_MAPPING   = NZ_DROP_REASON_NO_MAPPING[4:0];
    localparam [4:0] DR_ACL_DENY     = NZ_DROP_REASON_ACL_DENY[4:0];
    localparam [4:0] DR_ARP_IGNORED  = NZ_DROP_REASON_ARP_IGNORED[4:0];
    localparam [4:0] DR_ARP_UNKNOWN  = NZ_DROP_REASON_ARP_UNKNOWN[4:0];
    localparam [4:0] DR_CTX_SPOOF    = NZ_DROP_REASON_CTX_SPOOF[4:0];
    localparam [4:0] DR_CTX_STALE    = NZ_DROP_REASON_CTX_STALE[4:0];
    localparam [4:0] DR_VTEP_SPOOF   = NZ_DROP_REASON_VTEP_SPOOF[4:0];
    localparam [1:0] OM_BE           = NZ_OFFLOAD_MODE_BE[1:0];
    localparam [1:0] OM_FE           = NZ_OFFLOAD_MODE_FE[1:0];
    localparam [1:0] OM_DRAIN        = NZ_OFFLOAD_MODE_DRAIN[1:0];
    localparam [2:0] CK_REQUEST      = NZ_CONTEXT_KIND_REQUEST[2:0];
    localparam [2:0] CK_PROBE        = NZ_CONTEXT_KIND_PROBE[2:0];
    localparam [2:0] CK_PREPLY       = NZ_CONTEXT_KIND_PROBE_REPLY[2:0];
    localparam [7:0] CK8_REQUEST     = NZ_CONTEXT_KIND_REQUEST[7:0];
    localparam [7:0] CK8_VERDICT     = NZ_CONTEXT_KIND_VERDICT[7:0];
    localparam [7:0] CK8_PREPLY      = NZ_CONTEXT_KIND_PROBE_REPLY[7:0];
    localparam [1:0] EX_FRAGMENT     = NZ_EXCEPTION_REASON_FRAGMENT[1:0];
    localparam [1:0] EX_GATEWAY      = NZ_EXCEPTION_REASON_GATEWAY[1:0];
    localparam [1:0] RT_DROP         = NZ_ROUTE_TYPE_DROP[1:0];
    localparam [1:0] RT_LOCAL        = NZ_ROUTE_TYPE_LOCAL[1:0];
    localparam [1:0] RT_VTEP         = NZ_ROUTE_TYPE_VTEP[1:0];
    localparam [1:0] RT_MAPPED       = NZ_ROUTE_TYPE_MAPPED[1:0];
    localparam [1:0] AT_DELIVER      = NZ_ACTION_TYPE_DELIVER[1:0];
    localparam [1:0] AT_ENCAP        = NZ_ACTION_TYPE_ENCAP[1:0];
    localparam [1:0] AT_ENCAP_GENEVE = NZ_ACTION_TYPE_ENCAP_GENEVE[1:0];
    localparam [7:0] TCP_FIN = 8'h01, TCP_RST = 8'h04;

    // ============================================================================================
    // State
    // ============================================================================================
    reg [3:0]        state;
    reg              last_port;     // input served last (round-robin)
    reg [4:0]        sweep_cnt;     // frames since the last sweep opportunity (saturates at 16)
    reg              rb_pend;
    reg [LOC_W-1:0]  rb_loc_r;

    // front stage: the frame accepted last (parsing, or parsed and waiting for the back stage)
    reg              f_valid;
    reg              f_parsed;      // the parser outputs are its own (held: nothing new enters the parser)
    reg              f_err;         // rx_error / oversize: not parsed, dropped without an edit command
    reg [4:0]        f_err_reason;
    reg              f_port;
    reg [15:0]       f_len;
    reg [VNIC_W-1:0] f_vnic;
    reg              f_stored;
    reg [15:0]       f_tick;

    // back stage: the frame in the session stage / slow path / retirement
    reg              port_r;        // 0 net, 1 host
    reg [15:0]       len_r;
    reg [VNIC_W-1:0] vnic_r;        // s (host port tuser vNIC)
    reg              stored_r;
    reg [15:0]       tick_r;        // `now` of this frame
    reg [127:0]      key_r;
    reg              dir_r;
    reg [23:0]       vni_r;
    reg [VNIC_W-1:0] attr_r;        // attributed vNIC (host: s, net: d)
    reg              fin_r, rstf_r; // TCP FIN / RST of this frame
    reg [13:0]       h_r;           // session hash H[13:0] (ENCAP UDP source port)
    reg [NZ_ACT_W-1:0] fwd_r, rev_r;
    reg              local_v_r;     // the host slow path found a local target
    reg              est_r;         // a compact hit from the host port: recompute the action (route, mapping;
                                    // no egress ACL, no insert)
    reg [VNIC_W-1:0] local_r;
    reg              acl_go;
    reg [7:0]        acl_set_r;
    reg              acl_dir_r;
    reg [23:0]       req_vni_r;
    reg [31:0]       req_ip_r;
    reg [15:0]       slow_cnt;
    reg [15:0]       slen_r;        // L of the session entry (a VERDICT: its inner frame's length)
    reg              b_verdict;     // the frame is an accepted VERDICT (BE)
    reg              b_fe;          // the frame is an accepted REQUEST (FE): slow path, then VERDICT
    reg [7:0]        b_ctx_flags, b_ctx_vnic, b_ctx_version, b_ctx_act;
    reg [31:0]       b_ctx_be_id, b_ctx_vtep;
    reg [47:0]       b_ctx_mac;
    reg [15:0]       b_udp_sport;
    // the IP packet being forwarded (plain / inner): its end, total length, first 12 header bytes, the frame's ECN
    // e (datapath-spec 4.7), and whether each kind of output built from it fits its MTU
    reg [15:0]       b_ip_end, b_iplen;
    reg [95:0]       b_ip_head;
    reg [1:0]        b_ecn;
    reg              b_fit_dl, b_fit_en, b_fit_cx;
    // reverse-path check of a net-port new flow (datapath-spec 4.6): the route / mapping of the inner source
    // is being looked up, and must give rv_vtep_r (the outer source, or a REQUEST's context VTEP)
    reg              rv_r;
    reg [31:0]       rv_vtep_r;

    // the parser outputs the back stage needs after the hand-off (the parser moves on to the next frame)
    reg [15:0]       b_l3off;
    reg [47:0]       b_eth_dst, b_eth_src;
    reg [7:0]        b_proto;
    reg [31:0]       b_sip, b_dip;
    reg [15:0]       b_sport, b_dport;
    reg [31:0]       b_outer_sip;
    reg              b_geneve;      // net port: the frame arrived in Geneve (its reverse action uses Geneve)
    reg [47:0]       b_arp_sha;
    reg [31:0]       b_arp_spa, b_arp_tpa;

    // result of the frame (edit command in compact form + event fields)
    reg              res_cmd;       // an edit command is issued (the frame is stored)
    reg              res_drop;
    reg              res_dest;
    reg [USER_W-1:0] res_user;
    reg [15:0]       res_strip;
    reg [15:0]       res_end;       // the editor keeps frame[strip..end)
    reg [1:0]        res_ecn;       // ECN e: the outer TOS of a tunnel header, the ECN of a DELIVER's IP header
    reg [95:0]       res_ip_head;   // DELIVER: the IP header's first 12 bytes (ECN and checksum set by the slot)
    reg [2:0]        res_kind;
    reg [47:0]       res_mac_a, res_mac_b;
    reg [31:0]       res_ip_a, res_ip_b;
    reg [23:0]       res_vni;
    reg              res_geneve;    // ENCAP tunnel type: 0 VXLAN, 1 Geneve
    reg [15:0]       res_sport, res_plen;
    reg [4:0]        res_drop_reason;
    reg [1:0]        res_exc_reason;
    reg              res_arp;
    reg              res_rx_v;
    reg              res_tx_v;
    reg [VNIC_W-1:0] res_tx_vnic;
    reg [15:0]       res_tx_len;
    reg              res_newflow;
    reg              res_hit, res_miss, res_closed;
    reg [31:0]       res_cx_w0;     // context option word 0: KIND, FLAGS, VNIC, VERSION
    reg [31:0]       res_cx_be, res_cx_vtep;
    reg [47:0]       res_cx_mac;
    reg [7:0]        res_cx_act;
    reg              res_refresh;   // liveness refresh by b_outer_sip at retirement
    reg              res_redirect, res_vtx, res_vrx, res_fallback, res_prtx, res_prx;

    // ============================================================================================
    // Descriptor selection
    // ============================================================================================
    wire any_desc    = d0_valid | d1_valid;
    wire pick1       = d1_valid & (~d0_valid | ~last_port);
    wire force_sweep = sweep_cnt[4];
    wire slot0_free, slot1_free;
    wire emit_now    = !res_cmd || (port_r ? slot1_free : slot0_free);
    wire p_valid;
    // The front-stage frame moves to the back stage when its parse is complete and the back stage is free
    // (idle, or retiring its frame in this cycle); not while a forced sweep step waits for its slot.
    wire f_ready     = f_valid && (f_err || f_parsed || p_valid);
    wire b_free      = (state == S_IDLE) || (state == S_EMIT && emit_now);
    wire handoff     = f_ready && b_free && !force_sweep;
    // a due probe round is taken once both stages are empty (lv_round: the round taken in the cycle before)
    wire rd_go       = round_due && pg_ready && !lv_round;
    wire can_take    = (!f_valid || handoff) && !force_sweep && !rb_pend && !rd_go && !cfg_req;
    wire take        = can_take && any_desc;

    assign d0_ready = take & ~pick1;
    assign d1_ready = take & pick1;

    wire [15:0]            t_len    = pick1 ? d1_len : d0_len;
    wire [HDR_BYTES*8-1:0] t_hdr    = pick1 ? d1_hdr : d0_hdr;
    wire [VNIC_W-1:0]      t_vnic   = pick1 ? d1_vnic : d0_vnic;
    wire                   t_rxerr  = pick1 ? d1_rx_error : d0_rx_error;
    wire                   t_ovsz   = pick1 ? d1_oversize : d0_oversize;
    wire                   t_stored = pick1 ? d1_stored : d0_stored;

    // ============================================================================================
    // Parser
    // ============================================================================================
    wire        p_drop;
    wire [4:0]  p_drop_reason;
    wire        p_exc;
    wire [1:0]  p_exc_reason;
    wire        p_frag;
    wire        p_l4_drop;
    wire [4:0]  p_l4_drop_reason;
    wire        p_is_arp;
    wire [15:0] p_arp_op;
    wire [47:0] p_arp_sha;
    wire [31:0] p_arp_spa, p_arp_tpa;
    wire        p_tunnel;
    wire        p_geneve;
    wire [23:0] p_vni;
    wire [31:0] p_outer_sip;
    wire [47:0] p_eth_dst, p_eth_src;
    wire [15:0] p_l3off;
    wire [7:0]  p_proto;
    wire [31:0] p_sip, p_dip;
    wire [15:0] p_sport, p_dport;
    wire [7:0]  p_tcp_flags;
    wire        p_ctx;
    wire [2:0]  p_ctx_kind;
    wire [7:0]  p_ctx_flags, p_ctx_vnic, p_ctx_version, p_ctx_act;
    wire [31:0] p_ctx_be_id, p_ctx_vtep;
    wire [47:0] p_ctx_mac;
    wire [15:0] p_udp_sport, p_inner_len, p_ip_end;
    wire [95:0] p_ip_head;
    wire [1:0]  p_ecn;

    hdr_parser #(
        .HDR_BYTES (HDR_BYTES)
    ) u_parser (
        .clk              (clk),
        .rst              (rst),
        .in_valid         (take && !(t_rxerr || t_ovsz)),
        .in_port          (pick1),
        .in_len           (t_len),
        .in_hdr           (t_hdr),
        .cfg_vtep_ip      (cfg_vtep_ip),
        .cfg_nic_mac      (cfg_nic_mac),
        .out_valid        (p_valid),
        .p_drop           (p_drop),
        .p_drop_reason    (p_drop_reason),
        .p_exc            (p_exc),
        .p_exc_reason     (p_exc_reason),
        .p_frag           (p_frag),
        .p_l4_drop        (p_l4_drop),
        .p_l4_drop_reason (p_l4_drop_reason),
        .p_is_arp         (p_is_arp),
        .p_arp_op         (p_arp_op),
        .p_arp_sha        (p_arp_sha),
        .p_arp_spa        (p_arp_spa),
        .p_arp_tpa        (p_arp_tpa),
        .p_tunnel         (p_tunnel),
        .p_geneve         (p_geneve),
        .p_vni            (p_vni),
        .p_outer_sip      (p_outer_sip),
        .p_eth_dst        (p_eth_dst),
        .p_eth_src        (p_eth_src),
        .p_l3off          (p_l3off),
        .p_proto          (p_proto),
        .p_sip            (p_sip),
        .p_dip            (p_dip),
        .p_sport          (p_sport),
        .p_dport          (p_dport),
        .p_tcp_flags      (p_tcp_flags),
        .p_ctx            (p_ctx),
        .p_ctx_kind       (p_ctx_kind),
        .p_ctx_flags      (p_ctx_flags),
        .p_ctx_vnic       (p_ctx_vnic),
        .p_ctx_version    (p_ctx_version),
        .p_ctx_be_id      (p_ctx_be_id),
        .p_ctx_vtep       (p_ctx_vtep),
        .p_ctx_mac        (p_ctx_mac),
        .p_ctx_act        (p_ctx_act),
        .p_udp_sport      (p_udp_sport),
        .p_inner_len      (p_inner_len),
        .p_ip_end         (p_ip_end),
        .p_ip_head        (p_ip_head),
        .p_ecn            (p_ecn)
    );
    // lengths of the outputs built from this IP packet (datapath-spec 4.7), for the MTU checks at the hand-off
    wire [16:0] p_iplen = {1'b0, p_ip_end} - {1'b0, p_l3off};
    wire [16:0] len_dl  = p_iplen + 17'd14;     // DELIVER
    wire [16:0] len_en  = p_iplen + 17'd64;     // ENCAP
    wire [16:0] len_cx  = p_iplen + 17'd88;     // REQUEST / VERDICT

    // ============================================================================================
    // vNIC table views
    // ============================================================================================
    // A vNIC in FE mode is a copy, never a frame's vNIC: ven is the enable every vNIC check uses.
    reg [N_VNIC-1:0] fe_mask;
    integer q;
    always @* begin
        for (q = 0; q < N_VNIC; q = q + 1)
            fe_mask[q] = (ol_mode[q*2 +: 2] == OM_FE);
    end
    wire [N_VNIC-1:0] ven = vnic_en & ~fe_mask;

    // (of the front-stage frame: they serve the pre-session checks at the hand-off)
    wire        s_en  = ven[f_vnic];
    wire [23:0] s_vni = vnic_vni[f_vnic*24 +: 24];
    wire [47:0] s_mac = vnic_mac[f_vnic*48 +: 48];
    wire [31:0] s_ip  = vnic_ip[f_vnic*32 +: 32];
    wire [31:0] s_gw  = vnic_gw[f_vnic*32 +: 32];

    // Lowest enabled vNIC with (vni, mac): the net port target d (inner eth dst) and the local target
    // of a MAPPED route whose VTEP is ours (mapping MAC); one comparator bank serves both.
    // (S_LK_WAIT: the target of a hairpin VERDICT, by the context's MAC)
    wire [23:0] mq_vni = (state == S_MP_WAIT || state == S_LK_WAIT) ? vni_r : p_vni;
    wire [47:0] mq_mac = (state == S_MP_WAIT) ? mp_resp_mac : (state == S_LK_WAIT) ? b_ctx_mac : p_eth_dst;
    reg              mq_found;
    reg [VNIC_W-1:0] mq_idx;
    // ARP responder: lowest enabled j != s in s's VNI whose IP is the requested TPA.
    reg              aj_found;
    reg [VNIC_W-1:0] aj_idx;
    integer i;
    always @* begin
        mq_found = 1'b0;
        mq_idx   = {VNIC_W{1'b0}};
        aj_found = 1'b0;
        aj_idx   = {VNIC_W{1'b0}};
        for (i = N_VNIC - 1; i >= 0; i = i - 1) begin
            if (ven[i] && vnic_vni[i*24 +: 24] == mq_vni && vnic_mac[i*48 +: 48] == mq_mac) begin
                mq_found = 1'b1;
                mq_idx   = i[VNIC_W-1:0];
            end
            if (ven[i] && i[VNIC_W-1:0] != f_vnic && vnic_vni[i*24 +: 24] == s_vni &&
                vnic_ip[i*32 +: 32] == p_arp_tpa) begin
                aj_found = 1'b1;
                aj_idx   = i[VNIC_W-1:0];
            end
        end
    end

    // REQUEST: the FE copy of the sender = lowest vNIC with MODE = FE, BE_VTEP = outer source and
    // BE_VNIC = the context's VNIC.
    reg              rq_found;
    reg [VNIC_W-1:0] rq_idx;
    always @* begin
        rq_found = 1'b0;
        rq_idx   = {VNIC_W{1'b0}};
        for (i = N_VNIC - 1; i >= 0; i = i - 1) begin
            if (fe_mask[i] && ol_be_vtep[i*32 +: 32] == p_outer_sip && ol_be_vnic[i*8 +: 8] == p_ctx_vnic) begin
                rq_found = 1'b1;
                rq_idx   = i[VNIC_W-1:0];
            end
        end
    end

    // VERDICT: v = the context's VNIC in BE mode, the sender a member of v's group, BE_ID = VTEP_IP.
    wire [VNIC_W-1:0] vd_v    = p_ctx_vnic[VNIC_W-1:0];
    wire [GRP_W-1:0]  vd_g    = ol_group[vd_v*GRP_W +: GRP_W];
    wire [2:0]        vd_cnt  = fg_count[vd_g*3 +: 3];
    reg               vd_member;
    integer mm;
    always @* begin
        vd_member = 1'b0;
        for (mm = 0; mm < 4; mm = mm + 1)
            if ({29'd0, vd_cnt} > mm && fg_vtep[vd_g*128 + mm*32 +: 32] == p_outer_sip)
                vd_member = 1'b1;
    end
    wire vd_ok = ((p_ctx_vnic >> VNIC_W) == 8'd0) && (ol_mode[vd_v*2 +: 2] == OM_BE || ol_mode[vd_v*2 +: 2] == OM_DRAIN) && vd_member &&
                 p_ctx_be_id == cfg_vtep_ip;

    // A vNIC index from a table (8 or 32 bits) that names an enabled vNIC.
    function vnic_ok8;
        input [7:0]        j;
        input [N_VNIC-1:0] en;
        begin
            vnic_ok8 = ((j >> VNIC_W) == 8'd0) && en[j[VNIC_W-1:0]];
        end
    endfunction

    // ============================================================================================
    // Pre-session checks (spec 4.3 / 4.4 / 4.5 in order), evaluated on the held parser outputs and the
    // front-stage frame (used in the hand-off cycle)
    // ============================================================================================
    reg [2:0]        pre_kind;
    reg [4:0]        pre_drop;
    reg [1:0]        pre_exc;
    reg [VNIC_W-1:0] pre_exc_vnic;
    reg [47:0]       pre_arp_mac;
    reg [VNIC_W-1:0] pre_attr;
    reg [23:0]       pre_vni;
    reg              pre_rx;        // the frame counts in vNIC s rx counters
    reg              pre_verdict;   // P_SESSION of an accepted VERDICT
    always @* begin
        pre_kind     = P_DROP;
        pre_drop     = 5'd0;
        pre_exc      = 2'd0;
        pre_exc_vnic = {VNIC_W{1'b0}};
        pre_arp_mac  = cfg_gw_mac;
        pre_attr     = f_vnic;
        pre_vni      = s_vni;
        pre_rx       = 1'b0;
        pre_verdict  = 1'b0;
        if (f_len < 16'd14) begin
            pre_drop = DR_RUNT;
        end else if (f_port) begin
            // host port (4.3), vNIC s
            if (!s_en) begin
                pre_drop = DR_BAD_VNIC;
            end else begin
                pre_rx = 1'b1;
                if (p_drop) begin
                    pre_drop = p_drop_reason;
                end else if (p_is_arp) begin
                    // ARP responder (4.5)
                    if (p_eth_src != s_mac || p_arp_sha != s_mac ||
                        (p_arp_spa != s_ip && p_arp_spa != 32'd0)) begin
                        pre_drop = DR_SPOOF;
                    end else if (p_arp_op != 16'd1 || p_arp_tpa == s_ip) begin
                        pre_drop = DR_ARP_IGNORED;
                    end else if (p_arp_tpa == s_gw) begin
                        pre_kind    = P_ARP_REPLY;
                        pre_arp_mac = cfg_gw_mac;
                    end else if (aj_found) begin
                        pre_kind    = P_ARP_REPLY;
                        pre_arp_mac = vnic_mac[aj_idx*48 +: 48];
                    end else begin
                        pre_kind = P_ARP_MAP;
                    end
                end else if (p_eth_src != s_mac || p_sip != s_ip) begin
                    pre_drop = DR_SPOOF;
                end else if (p_frag) begin
                    pre_kind     = P_EXC;
                    pre_exc      = EX_FRAGMENT;
                    pre_exc_vnic = f_vnic;
                end else if (p_dip == s_gw) begin
                    pre_kind     = P_EXC;
                    pre_exc      = EX_GATEWAY;
                    pre_exc_vnic = f_vnic;
                end else if (p_l4_drop) begin
                    pre_drop = p_l4_drop_reason;
                end else begin
                    pre_kind = P_SESSION;
                end
            end
        end else begin
            // network port (4.4)
            if (p_drop) begin
                pre_drop = p_drop_reason;
            end else if (p_exc) begin
                pre_kind = P_EXC;
                pre_exc  = p_exc_reason;
            end else if (p_ctx) begin
                // context packet (nezha-offload section 3)
                if (p_ctx_kind == CK_PROBE) begin
                    pre_kind = P_PREPLY;
                end else if (p_ctx_kind == CK_PREPLY) begin
                    pre_kind = P_CONSUME;
                end else if (p_ctx_kind == CK_REQUEST) begin
                    if (!rq_found)
                        pre_drop = DR_CTX_SPOOF;
                    else if (p_ctx_version != ol_version[rq_idx*8 +: 8])
                        pre_drop = DR_CTX_STALE;
                    else if (p_vni != vnic_vni[rq_idx*24 +: 24])
                        pre_drop = DR_CTX_SPOOF;
                    else if (p_ctx_flags[0] && (p_eth_src != vnic_mac[rq_idx*48 +: 48] ||
                                                p_sip != vnic_ip[rq_idx*32 +: 32]))
                        pre_drop = DR_SPOOF;
                    else if (p_l4_drop)
                        pre_drop = p_l4_drop_reason;
                    else begin
                        pre_kind = P_FE;
                        pre_attr = rq_idx;
                        pre_vni  = p_vni;
                    end
                end else begin
                    // VERDICT
                    if (!vd_ok)
                        pre_drop = DR_CTX_SPOOF;
                    else if (p_ctx_version != ol_version[vd_v*8 +: 8])
                        pre_drop = DR_CTX_STALE;
                    else if (p_vni != vnic_vni[vd_v*24 +: 24])
                        pre_drop = DR_CTX_SPOOF;
                    else if (p_l4_drop)
                        pre_drop = p_l4_drop_reason;
                    else begin
                        pre_kind    = P_SESSION;
                        pre_attr    = vd_v;
                        pre_vni     = p_vni;
                        pre_verdict = 1'b1;
                    end
                end
            end else if (!mq_found) begin
                pre_drop = DR_UNKNOWN_VNIC;
            end else if (p_l4_drop) begin
                pre_drop = p_l4_drop_reason;
            end else begin
                pre_kind = P_SESSION;
                pre_attr = mq_idx;
                pre_vni  = p_vni;
            end
        end
    end

    // Canonical flow key (4.6): A = (sip, sport), B = (dip, dport); dir = A > B.
    wire [47:0]  ep_a    = {p_sip, p_sport};
    wire [47:0]  ep_b    = {p_dip, p_dport};
    wire         key_dir = ep_a > ep_b;
    wire [127:0] key_c   = key_dir ? {pre_vni, p_proto, p_dip, p_sip, p_dport, p_sport}
                                   : {pre_vni, p_proto, p_sip, p_dip, p_sport, p_dport};

    // ============================================================================================
    // Session table
    // ============================================================================================
    wire                  op_ready;
    wire                  lk_done, lk_hit;
    wire [LOC_W-1:0]      lk_loc;
    wire [NZ_ENTRY_W-1:0] lk_entry;
    wire [31:0]           lk_hash;
    wire                  lk_compact;
    wire                  ins_done, ins_ok;
    wire                  rb_done;
    wire [NZ_ENTRY_W-1:0] rb_entry;

    // Lookup in the hand-off cycle (key from the held parser outputs) or later from S_LK_ISSUE.
    wire lk_valid  = op_ready && ((handoff && !f_err && pre_kind == P_SESSION) || state == S_LK_ISSUE);
    wire [127:0] lk_key = handoff ? key_c : key_r;
    wire ins_valid = op_ready && (state == S_INS_ISSUE);
    // an accepted VERDICT of a vNIC with COMPACT inserts a compact entry, unless it is a hairpin
    wire ins_compact = b_verdict && ol_compact[attr_r] && !local_v_r;
    wire rb_valid  = op_ready && (state == S_RB_ISSUE);
    // Update / delete of a hit in the lk_done cycle itself (op_ready is high then, and no other request can
    // be present: lookups come from the hand-off, which needs S_IDLE / S_EMIT), so that the next frame's
    // lookup, one cycle later at the earliest, sees it.
    // A net-port frame (not a VERDICT) that hits a full entry must come from the VTEP of the entry's other
    // action (datapath-spec 4.6); otherwise it is dropped VTEP_SPOOF and the entry is not touched.
    wire [1:0]  oth_type = dir_r ? lk_entry[NZ_E_ACT0 + NZ_ACT_TYPE +: 2] : lk_entry[NZ_E_ACT1 + NZ_ACT_TYPE +: 2];
    wire [31:0] oth_vtep = dir_r ? lk_entry[NZ_E_ACT0 + NZ_ACT_VTEP +: 32] : lk_entry[NZ_E_ACT1 + NZ_ACT_VTEP +: 32];
    wire oth_from   = (oth_type == AT_ENCAP || oth_type == AT_ENCAP_GENEVE) && (oth_vtep == b_outer_sip);
    wire hit_spoof  = !port_r && !b_verdict && !lk_compact && !oth_from;
    wire hit_wr    = (state == S_LK_WAIT) && lk_done && lk_hit && !hit_spoof;
    // Sweep steps only while no accepted frame still has a session table operation to issue before the
    // sweep's slot, i.e. with the back stage idle or retiring: between frames when nothing waits, or
    // forced (the hand-off then waits for the step, and the front-stage frame, not yet looked up, lends
    // the step its tick: entries expired at that tick are free for it and for every later frame anyway).
    wire sweep_allow = ((state == S_IDLE) || (state == S_EMIT)) &&
                       (force_sweep || (!f_valid && !any_desc && !rb_pend));
    wire [15:0] sess_now = handoff                                            ? f_tick :
                           ((state == S_LK_ISSUE) || (state == S_INS_ISSUE))  ? tick_r :
                           f_valid                                            ? f_tick : tick_now;

    // New entry of an allowed miss: {key, act1, act0, bytes, pkts, ts, fin1, fin0, est, init_dir, valid}
    wire [NZ_ENTRY_W-1:0] ins_entry = {key_r,
                                       dir_r ? fwd_r : rev_r,
                                       dir_r ? rev_r : fwd_r,
                                       {24'd0, slen_r}, 32'd1, tick_r,
                                       fin_r & dir_r, fin_r & ~dir_r, 1'b0, dir_r, 1'b1};

    session_table #(
        .SESS_LOG2 (SESS_LOG2),
        .SESS_WAYS (SESS_WAYS),
        .MAX_KICKS (MAX_KICKS)
    ) u_sess (
        .clk            (clk),
        .rst            (rst),
        .cfg_idle_to    (cfg_idle_to),
        .cfg_close_to   (cfg_close_to),
        .now            (sess_now),
        .op_ready       (op_ready),
        .lk_valid       (lk_valid),
        .lk_key         (lk_key),
        .lk_done        (lk_done),
        .lk_hit         (lk_hit),
        .lk_loc         (lk_loc),
        .lk_entry       (lk_entry),
        .lk_hash        (lk_hash),
        .lk_compact     (lk_compact),
        .up_valid       (hit_wr && !rstf_r),
        .up_loc         (lk_loc),
        .up_entry       (hit_upd),
        .up_compact     (lk_compact),
        .del_valid      (hit_wr && rstf_r),
        .del_loc        (lk_loc),
        .ins_valid      (ins_valid),
        .ins_entry      (ins_entry),
        .ins_compact    (ins_compact),
        .ins_done       (ins_done),
        .ins_ok         (ins_ok),
        .rb_valid       (rb_valid),
        .rb_loc         (rb_loc_r),
        .rb_done        (rb_done),
        .rb_entry       (rb_entry),
        .rb_compact     (sess_rb_compact),
        .sweep_allow    (sweep_allow),
        .ev_insert      (sess_ev_insert),
        .ev_insert_fail (sess_ev_insert_fail),
        .ev_aged        (sess_ev_aged),
        .ev_kicks       (sess_ev_kicks),
        .occupancy      (sess_occupancy)
    );
    // Not needed: p_tunnel (implied on the net port by !p_drop && !p_exc), ins_ok (the session table
    // counts insert results itself; the frame is forwarded either way), lk_hash[31:14].
    wire unused_ok = &{1'b0, p_tunnel, ins_ok, lk_hash[31:14]};

    assign sess_rb_done  = rb_done;
    assign sess_rb_entry = rb_entry;

    // Entry of a hit after this frame: pkts+1, bytes+L, ts = now, FIN -> fin[dir], reverse dir -> est.
    wire [NZ_ACT_W-1:0] hit_act = dir_r ? lk_entry[NZ_E_ACT1 +: NZ_ACT_W] : lk_entry[NZ_E_ACT0 +: NZ_ACT_W];
    reg  [NZ_ENTRY_W-1:0] hit_upd;
    always @* begin
        hit_upd = lk_entry;
        hit_upd[NZ_E_PKTS +: 32]  = lk_entry[NZ_E_PKTS +: 32] + 32'd1;
        hit_upd[NZ_E_BYTES +: 40] = lk_entry[NZ_E_BYTES +: 40] + {24'd0, slen_r};
        hit_upd[NZ_E_TS +: 16]    = tick_r;
        if (fin_r) begin
            if (dir_r) hit_upd[NZ_E_FIN1] = 1'b1;
            else       hit_upd[NZ_E_FIN0] = 1'b1;
        end
        if (dir_r != lk_entry[NZ_E_INITDIR])
            hit_upd[NZ_E_EST] = 1'b1;
    end

    // FE selection of a BE-mode vNIC's miss, from the lookup's hash (valid in the lk_done cycle)
    wire [GRP_W-1:0] be_g     = ol_group[attr_r*GRP_W +: GRP_W];
    wire             be_mode  = (ol_mode[attr_r*2 +: 2] == OM_BE) && !b_verdict;
    wire             fs_found;
    wire [1:0]       fs_idx;
    wire [31:0]      fs_vtep;
    fe_select u_fesel (
        .hash    (lk_hash),
        .count   (fg_count[be_g*3 +: 3]),
        .alive   (fg_alive[be_g*4 +: 4]),
        .members (fg_vtep[be_g*128 +: 128]),
        .found   (fs_found),
        .idx     (fs_idx),
        .vtep    (fs_vtep)
    );
    // the forward action of an egress VERDICT that is not a hairpin
    wire [NZ_ACT_W-1:0] vd_fwd = {b_ctx_mac, b_ctx_vtep, 8'd0,
                                  (b_ctx_act == 8'd3) ? AT_ENCAP_GENEVE : AT_ENCAP};
    wire unused_fe = &{1'b0, fs_idx, b_ctx_act};

    // ============================================================================================
    // ACL engine
    // ============================================================================================
    wire acl_done, acl_allow;
    acl_engine #(
        .ACL_SETS  (ACL_SETS),
        .ACL_RULES (ACL_RULES),
        .ACL_AW    (ACL_AW)
    ) u_acl (
        .clk         (clk),
        .rst         (rst),
        .start       (acl_go),
        .acl_set     (acl_set_r),
        .dir         (acl_dir_r),
        .proto       (b_proto),
        .sip         (b_sip),
        .dip         (b_dip),
        .sport       (b_sport),
        .dport       (b_dport),
        .acl_count   (acl_count),
        .acl_rd_en   (acl_rd_en),
        .acl_rd_addr (acl_rd_addr),
        .acl_rd_data (acl_rd_data),
        .done        (acl_done),
        .allow       (acl_allow)
    );

    assign rt_req_vni = req_vni_r;
    assign rt_req_ip  = req_ip_r;
    assign mp_req_vni = req_vni_r;
    assign mp_req_ip  = req_ip_r;

    // ============================================================================================
    // Result setters (nonblocking, used by the FSM below)
    // ============================================================================================
    function [NZ_ACT_W-1:0] act_deliver;
        input [VNIC_W-1:0] j;
        begin
            act_deliver = {48'd0, 32'd0, {(8 - VNIC_W){1'b0}}, j, AT_DELIVER};
        end
    endfunction

    // ENCAP (VXLAN) or ENCAP_GENEVE: the tunnel type lives in the action type.
    function [NZ_ACT_W-1:0] act_encap;
        input [31:0] vtep;
        input [47:0] mac;
        input        geneve;
        begin
            act_encap = {mac, vtep, 8'd0, geneve ? AT_ENCAP_GENEVE : AT_ENCAP};
        end
    endfunction

    task set_drop;
        input [4:0] reason;
        input       stored;
        begin
            res_cmd         <= stored;
            res_drop        <= 1'b1;
            res_dest        <= 1'b0;
            res_user        <= {USER_W{1'b0}};
            res_strip       <= 16'd0;
            res_kind        <= K_NONE;
            res_drop_reason <= reason;
        end
    endtask

    task set_exc;
        input [1:0]        reason;
        input [VNIC_W-1:0] v;
        begin
            res_cmd        <= 1'b1;
            res_drop       <= 1'b0;
            res_dest       <= 1'b1;
            res_user       <= {6'd0, reason, v};
            res_strip      <= 16'd0;
            res_end        <= 16'hFFFF;
            res_kind       <= K_NONE;
            res_exc_reason <= reason;
        end
    endtask

    // DELIVER: Ethernet ++ the IP header's first 12 bytes (ECN e, checksum: edit_cmd_slot) ++ the rest of the
    // IP packet; longer than VM_MTU -> OVERSIZE. vNIC TX counts the padded length (at least 60 bytes).
    task set_deliver;
        input [VNIC_W-1:0] j;
        begin
            if (!b_fit_dl) begin
                set_drop(DR_OVERSIZE, stored_r);
            end else begin
                res_cmd     <= 1'b1;
                res_drop    <= 1'b0;
                res_dest    <= 1'b1;
                res_user    <= {8'd0, j};
                res_strip   <= b_l3off + 16'd12;
                res_end     <= b_ip_end;
                res_kind    <= K_DELIVER;
                res_mac_a   <= vnic_mac[j*48 +: 48];
                res_ip_head <= b_ip_head;
                res_ecn     <= b_ecn;
                res_tx_v    <= 1'b1;
                res_tx_vnic <= j;
                res_tx_len  <= (b_iplen < 16'd46) ? 16'd60 : b_iplen + 16'd14;
            end
        end
    endtask

    // ENCAP / ENCAP_GENEVE of the IP packet (outer TOS = e); longer than MTU -> OVERSIZE.
    task set_encap;
        input [31:0] vtep;
        input [47:0] mac;
        input        geneve;
        input [13:0] h;
        begin
            if (!b_fit_en) begin
                set_drop(DR_OVERSIZE, stored_r);
            end else begin
                res_cmd    <= 1'b1;
                res_drop   <= 1'b0;
                res_dest   <= 1'b0;
                res_user   <= {USER_W{1'b0}};
                res_strip  <= b_l3off;
                res_end    <= b_ip_end;
                res_kind   <= K_ENCAP;
                res_mac_a  <= mac;
                res_mac_b  <= b_eth_src;
                res_ip_a   <= vtep;
                res_vni    <= vni_r;
                res_geneve <= geneve;
                res_sport  <= {2'b11, h};
                res_plen   <= b_iplen;
                res_ecn    <= b_ecn;
            end
        end
    endtask

    // Forward with a session action (ENCAP / ENCAP_GENEVE; DELIVER; DELIVER to a disabled vNIC or
    // NONE -> UNKNOWN_VNIC).
    task set_action;
        input [NZ_ACT_W-1:0] act;
        input [13:0]         h;
        begin
            if (act[NZ_ACT_TYPE +: 2] == AT_ENCAP || act[NZ_ACT_TYPE +: 2] == AT_ENCAP_GENEVE)
                set_encap(act[NZ_ACT_VTEP +: 32], act[NZ_ACT_MAC +: 48],
                          act[NZ_ACT_TYPE +: 2] == AT_ENCAP_GENEVE, h);
            else if (act[NZ_ACT_TYPE +: 2] == AT_DELIVER && vnic_ok8(act[NZ_ACT_VNIC +: 8], ven))
                set_deliver(act[NZ_ACT_VNIC +: VNIC_W]);
            else
                set_drop(DR_UNKNOWN_VNIC, stored_r);
        end
    endtask

    // REDIRECT (BE): a REQUEST context to the FE fe (DIR = 1 host port, 0 net port).
    task set_redirect;
        input [31:0] fe;
        input [13:0] h;
        begin
            res_cmd      <= 1'b1;
            res_drop     <= 1'b0;
            res_dest     <= 1'b0;
            res_user     <= {USER_W{1'b0}};
            res_strip    <= b_l3off;
            res_end      <= b_ip_end;
            res_kind     <= K_CTX;
            res_mac_a    <= b_eth_dst;
            res_mac_b    <= b_eth_src;
            res_ip_a     <= fe;
            res_vni      <= vni_r;
            res_geneve   <= 1'b1;
            res_sport    <= {2'b11, h};
            res_plen     <= b_iplen;
            res_ecn      <= b_ecn;
            res_cx_w0    <= {CK8_REQUEST, 6'd0, !port_r && b_geneve, port_r,
                             {(8 - VNIC_W){1'b0}}, attr_r, ol_version[attr_r*8 +: 8]};
            res_cx_be    <= cfg_vtep_ip;
            res_cx_vtep  <= port_r ? 32'd0 : b_outer_sip;
            res_cx_mac   <= 48'd0;
            res_cx_act   <= 8'd0;
            res_redirect <= 1'b1;
        end
    endtask

    // VERDICT (FE): back to the BE with the forward action (DIR = 1) or the request's VTEP (DIR = 0);
    // longer than MTU -> OVERSIZE.
    task set_verdict;
        begin
            if (!b_fit_cx) begin
                set_drop(DR_OVERSIZE, stored_r);
            end else begin
                res_cmd     <= 1'b1;
                res_drop    <= 1'b0;
                res_dest    <= 1'b0;
                res_user    <= {USER_W{1'b0}};
                res_strip   <= b_l3off;
                res_end     <= b_ip_end;
                res_kind    <= K_CTX;
                res_mac_a   <= b_eth_dst;
                res_mac_b   <= b_eth_src;
                res_ip_a    <= b_outer_sip;
                res_vni     <= vni_r;
                res_geneve  <= 1'b1;
                res_sport   <= b_udp_sport;
                res_plen    <= b_iplen;
                res_ecn     <= b_ecn;
                res_cx_w0   <= {CK8_VERDICT, b_ctx_flags, b_ctx_vnic, b_ctx_version};
                res_cx_be   <= b_ctx_be_id;
                res_cx_vtep <= b_ctx_flags[0] ? fwd_r[NZ_ACT_VTEP +: 32] : b_ctx_vtep;
                res_cx_mac  <= b_ctx_flags[0] ? fwd_r[NZ_ACT_MAC +: 48] : 48'd0;
                res_cx_act  <= b_ctx_flags[0] ? {6'd0, fwd_r[NZ_ACT_TYPE +: 2]} : 8'd0;
                res_vtx     <= 1'b1;
            end
        end
    endtask

    task set_arp;
        input [47:0]       mac;
        input [VNIC_W-1:0] v;       // s
        input [15:0]       len;
        input [47:0]       sha;
        input [31:0]       tpa;
        input [31:0]       spa;
        begin
            res_cmd     <= 1'b1;
            res_drop    <= 1'b0;
            res_dest    <= 1'b1;
            res_user    <= {8'd0, v};
            res_strip   <= len;
            res_end     <= 16'hFFFF;
            res_kind    <= K_ARP;
            res_mac_a   <= mac;
            res_mac_b   <= sha;
            res_ip_a    <= tpa;
            res_ip_b    <= spa;
            res_arp     <= 1'b1;
            res_tx_v    <= 1'b1;
            res_tx_vnic <= v;
            res_tx_len  <= 16'd60;
        end
    endtask

    // Start one ACL set scan in the next cycle.
    task start_acl;
        input [7:0] sel;
        input       dir;
        begin
            acl_go    <= 1'b1;
            acl_set_r <= sel;
            acl_dir_r <= dir;
        end
    endtask

    // The host slow path found its action `fwd` (local target j if `loc`): the egress ACL of the frame's
    // vNIC; a compact hit's recompute (est_r) skips it and goes to the local target's ingress ACL, or forwards.
    task egress_acl;
        input                loc;
        input [VNIC_W-1:0]   j;
        input [NZ_ACT_W-1:0] fwd;
        begin
            if (!est_r) begin
                start_acl(vnic_acl[vnic_r*8 +: 8], 1'b1);
                state <= S_ACL1;
            end else if (loc) begin
                start_acl(vnic_acl[j*8 +: 8], 1'b0);
                state <= S_ACL2;
            end else begin
                set_action(fwd, h_r);
                state <= S_EMIT;
            end
        end
    endtask

    // After the ACL(s) allowed the flow: FE -> VERDICT; else insert (unless RST or a compact hit's
    // recompute), else forward right away.
    task acl_allowed;
        begin
            if (b_fe) begin
                set_verdict;
                state <= S_EMIT;
            end else if (rstf_r || est_r) begin
                set_action(fwd_r, h_r);
                state <= S_EMIT;
            end else begin
                state <= S_INS_ISSUE;
            end
        end
    endtask

    // ============================================================================================
    // FSM
    // ============================================================================================
    wire in_slow = (state == S_RT_WAIT) || (state == S_MP_WAIT) || (state == S_ACL1) ||
                   (state == S_ACL2) || (state == S_INS_ISSUE) || (state == S_INS_WAIT);
    wire emit    = (state == S_EMIT) && emit_now;
    wire round_now = (state == S_ROUND);
    wire cfg_now   = (state == S_CFG);
    assign cfg_ack = cfg_now;

    always @(posedge clk) begin
        if (rst) begin
            state        <= S_IDLE;
            last_port    <= 1'b1;
            sweep_cnt    <= 5'd0;
            rb_pend      <= 1'b0;
            rb_loc_r     <= {LOC_W{1'b0}};
            f_valid      <= 1'b0;
            f_parsed     <= 1'b0;
            f_err        <= 1'b0;
            f_err_reason <= 5'd0;
            f_port       <= 1'b0;
            f_len        <= 16'd0;
            f_vnic       <= {VNIC_W{1'b0}};
            f_stored     <= 1'b0;
            f_tick       <= 16'd0;
            b_l3off      <= 16'd0;
            b_eth_dst    <= 48'd0;
            b_eth_src    <= 48'd0;
            b_proto      <= 8'd0;
            b_sip        <= 32'd0;
            b_dip        <= 32'd0;
            b_sport      <= 16'd0;
            b_dport      <= 16'd0;
            b_outer_sip  <= 32'd0;
            b_geneve     <= 1'b0;
            b_arp_sha    <= 48'd0;
            b_arp_spa    <= 32'd0;
            b_arp_tpa    <= 32'd0;
            port_r       <= 1'b0;
            len_r        <= 16'd0;
            vnic_r       <= {VNIC_W{1'b0}};
            stored_r     <= 1'b0;
            tick_r       <= 16'd0;
            key_r        <= 128'd0;
            dir_r        <= 1'b0;
            vni_r        <= 24'd0;
            attr_r       <= {VNIC_W{1'b0}};
            fin_r        <= 1'b0;
            rstf_r       <= 1'b0;
            h_r          <= 14'd0;
            fwd_r        <= {NZ_ACT_W{1'b0}};
            rev_r        <= {NZ_ACT_W{1'b0}};
            local_v_r    <= 1'b0;
            est_r        <= 1'b0;
            local_r      <= {VNIC_W{1'b0}};
            acl_go       <= 1'b0;
            acl_set_r    <= 8'd0;
            acl_dir_r    <= 1'b0;
            rt_req_valid <= 1'b0;
            mp_req_valid <= 1'b0;
            req_vni_r    <= 24'd0;
            req_ip_r     <= 32'd0;
            slow_cnt     <= 16'd0;
            res_cmd      <= 1'b0;
            res_drop     <= 1'b0;
            res_dest     <= 1'b0;
            res_user     <= {USER_W{1'b0}};
            res_strip    <= 16'd0;
            res_kind     <= K_NONE;
            res_mac_a    <= 48'd0;
            res_mac_b    <= 48'd0;
            res_ip_a     <= 32'd0;
            res_ip_b     <= 32'd0;
            res_vni      <= 24'd0;
            res_geneve   <= 1'b0;
            res_sport    <= 16'd0;
            res_plen     <= 16'd0;
            res_drop_reason <= 5'd0;
            res_exc_reason  <= 2'd0;
            res_arp      <= 1'b0;
            res_rx_v     <= 1'b0;
            res_tx_v     <= 1'b0;
            res_tx_vnic  <= {VNIC_W{1'b0}};
            res_tx_len   <= 16'd0;
            res_newflow  <= 1'b0;
            res_hit      <= 1'b0;
            res_miss     <= 1'b0;
            res_closed   <= 1'b0;
            slen_r       <= 16'd0;
            b_verdict    <= 1'b0;
            b_fe         <= 1'b0;
            b_ctx_flags  <= 8'd0;
            b_ctx_vnic   <= 8'd0;
            b_ctx_version <= 8'd0;
            b_ctx_act    <= 8'd0;
            b_ctx_be_id  <= 32'd0;
            b_ctx_vtep   <= 32'd0;
            b_ctx_mac    <= 48'd0;
            b_udp_sport  <= 16'd0;
            b_ip_end     <= 16'd0;
            b_iplen      <= 16'd0;
            b_ip_head    <= 96'd0;
            b_ecn        <= 2'd0;
            b_fit_dl     <= 1'b0;
            b_fit_en     <= 1'b0;
            b_fit_cx     <= 1'b0;
            rv_r         <= 1'b0;
            rv_vtep_r    <= 32'd0;
            res_end      <= 16'd0;
            res_ecn      <= 2'd0;
            res_ip_head  <= 96'd0;
            res_cx_w0    <= 32'd0;
            res_cx_be    <= 32'd0;
            res_cx_vtep  <= 32'd0;
            res_cx_mac   <= 48'd0;
            res_cx_act   <= 8'd0;
            res_refresh  <= 1'b0;
            res_redirect <= 1'b0;
            res_vtx      <= 1'b0;
            res_vrx      <= 1'b0;
            res_fallback <= 1'b0;
            res_prtx     <= 1'b0;
            res_prx      <= 1'b0;
        end else begin
            acl_go       <= 1'b0;
            rt_req_valid <= 1'b0;
            mp_req_valid <= 1'b0;

            if (sweep_allow && op_ready)
                sweep_cnt <= 5'd0;
            else if (take && !force_sweep)
                sweep_cnt <= sweep_cnt + 5'd1;

            if (in_slow && slow_cnt != 16'hFFFF)
                slow_cnt <= slow_cnt + 16'd1;

            if (rb_valid)
                rb_pend <= 1'b0;
            else if (sess_rb_req && !rb_pend && state != S_RB_ISSUE && state != S_RB_WAIT) begin
                rb_pend  <= 1'b1;
                rb_loc_r <= sess_rb_loc;
            end

            case (state)
                S_IDLE: begin
                    // read-back once no accepted frame is left (none is accepted while rb_pend), then a
                    // due probe round (none is accepted while rd_go)
                    if (!force_sweep && rb_pend && !f_valid)
                        state <= S_RB_ISSUE;
                    else if (!force_sweep && cfg_req && !f_valid && pg_ready && !lv_round)
                        state <= S_CFG;     // not in the cycle probe_gen is being started (it is still ready)
                    else if (!force_sweep && rd_go && !f_valid)
                        state <= S_ROUND;
                    // hand-off from the front stage: below
                end

                S_ROUND: state <= S_IDLE;
                S_CFG:   state <= S_IDLE;

                S_RB_ISSUE: if (rb_valid) state <= S_RB_WAIT;
                S_RB_WAIT:  if (rb_done)  state <= S_IDLE;

                S_ARP_MAP: if (mp_resp_valid) begin
                    if (mp_resp_hit)
                        set_arp(mp_resp_mac, vnic_r, len_r, b_arp_sha, b_arp_tpa, b_arp_spa);
                    else
                        set_drop(DR_ARP_UNKNOWN, stored_r);
                    state <= S_EMIT;
                end

                S_LK_ISSUE: if (lk_valid) state <= S_LK_WAIT;

                S_LK_WAIT: if (lk_done) begin
                    h_r <= lk_hash[13:0];
                    if (lk_hit) begin
                        // fast path (the entry update / delete is issued in this cycle: hit_wr)
                        res_hit     <= 1'b1;
                        res_closed  <= rstf_r && !hit_spoof;
                        if (hit_spoof) begin
                            // from another VTEP than the flow's: dropped, the entry untouched
                            set_drop(DR_VTEP_SPOOF, stored_r);
                            state <= S_EMIT;
                        end else if (!lk_compact) begin
                            set_action(hit_act, lk_hash[13:0]);
                            state <= S_EMIT;
                        end else if (b_verdict || !port_r) begin
                            // compact entry (no actions stored): towards the VM deliver to the attributed
                            // vNIC; an egress VERDICT carries its action
                            set_action((b_verdict && b_ctx_flags[0]) ? vd_fwd : act_deliver(attr_r), lk_hash[13:0]);
                            state <= S_EMIT;
                        end else begin
                            // compact entry, frame from the VM: the action from the route and mapping
                            est_r        <= 1'b1;
                            local_v_r    <= 1'b0;
                            rt_req_valid <= 1'b1;
                            req_vni_r    <= vni_r;
                            req_ip_r     <= b_dip;
                            state        <= S_RT_WAIT;
                        end
                    end else if (b_verdict) begin
                        // VERDICT miss (BE): the context's actions, no rule evaluated (but a hairpin's)
                        res_miss    <= 1'b1;
                        res_newflow <= 1'b1;
                        local_v_r   <= 1'b0;
                        if (b_ctx_flags[0]) begin
                            rev_r <= act_deliver(attr_r);
                            if (b_ctx_vtep == cfg_vtep_ip) begin
                                // hairpin: the target is local; its ingress ACL, then insert
                                if (mq_found) begin
                                    fwd_r     <= act_deliver(mq_idx);
                                    local_v_r <= 1'b1;
                                    local_r   <= mq_idx;
                                    start_acl(vnic_acl[mq_idx*8 +: 8], 1'b0);
                                    state <= S_ACL2;
                                end else begin
                                    set_drop(DR_UNKNOWN_VNIC, stored_r);
                                    state <= S_EMIT;
                                end
                            end else begin
                                fwd_r <= vd_fwd;
                                if (rstf_r) begin
                                    set_action(vd_fwd, lk_hash[13:0]);
                                    state <= S_EMIT;
                                end else begin
                                    state <= S_INS_ISSUE;
                                end
                            end
                        end else begin
                            fwd_r <= act_deliver(attr_r);
                            rev_r <= act_encap(b_ctx_vtep, b_eth_src, b_ctx_flags[1]);
                            if (rstf_r) begin
                                set_action(act_deliver(attr_r), lk_hash[13:0]);
                                state <= S_EMIT;
                            end else begin
                                state <= S_INS_ISSUE;
                            end
                        end
                    end else if (be_mode && fs_found && b_fit_cx) begin
                        // BE miss: REDIRECT to the FE of this flow (decided in this cycle, like a hit); a
                        // REQUEST that would not fit the MTU falls back to the local slow path
                        res_miss <= 1'b1;
                        set_redirect(fs_vtep, lk_hash[13:0]);
                        state <= S_EMIT;
                    end else begin
                        // slow path for vNIC attr_r (a BE-mode vNIC with no alive FE: NZ_FALLBACK)
                        res_miss     <= 1'b1;
                        res_newflow  <= 1'b1;
                        res_fallback <= be_mode;
                        local_v_r    <= 1'b0;
                        if (port_r) begin
                            rev_r        <= act_deliver(vnic_r);
                            rt_req_valid <= 1'b1;
                            req_vni_r    <= vni_r;
                            req_ip_r     <= b_dip;
                            state        <= S_RT_WAIT;
                        end else begin
                            // reverse-path check: the route (and mapping) of the inner source, then the ACL
                            fwd_r        <= act_deliver(attr_r);
                            rev_r        <= act_encap(b_outer_sip, b_eth_src, b_geneve);
                            rv_r         <= 1'b1;
                            rv_vtep_r    <= b_outer_sip;
                            rt_req_valid <= 1'b1;
                            req_vni_r    <= vni_r;
                            req_ip_r     <= b_sip;
                            state        <= S_RT_WAIT;
                        end
                    end
                end

                S_RT_WAIT: if (rt_resp_valid) begin
                    if (rv_r) begin
                        // reverse path: a VTEP route must name the sender, a MAPPED one is looked up; no
                        // route, DROP or LOCAL -> VTEP_SPOOF
                        if (rt_resp_hit && rt_resp_type == RT_VTEP && rt_resp_value == rv_vtep_r) begin
                            start_acl(vnic_acl[attr_r*8 +: 8], 1'b0);
                            state <= S_ACL1;
                        end else if (rt_resp_hit && rt_resp_type == RT_MAPPED) begin
                            mp_req_valid <= 1'b1;
                            state        <= S_MP_WAIT;
                        end else begin
                            set_drop(DR_VTEP_SPOOF, stored_r);
                            state <= S_EMIT;
                        end
                    end else if (!rt_resp_hit) begin
                        set_drop(DR_NO_ROUTE, stored_r);
                        state <= S_EMIT;
                    end else if (rt_resp_type == RT_DROP) begin
                        set_drop(DR_ROUTE_DROP, stored_r);
                        state <= S_EMIT;
                    end else if (rt_resp_type == RT_LOCAL) begin
                        if ((rt_resp_value >> VNIC_W) == 32'd0 && ven[rt_resp_value[VNIC_W-1:0]]) begin
                            // (an FE copy never delivers: the local target becomes ENCAP(VTEP_IP, mac))
                            fwd_r     <= b_fe ? act_encap(cfg_vtep_ip, vnic_mac[rt_resp_value[VNIC_W-1:0]*48 +: 48],
                                                          rt_resp_geneve)
                                              : act_deliver(rt_resp_value[VNIC_W-1:0]);
                            local_v_r <= !b_fe;
                            local_r   <= rt_resp_value[VNIC_W-1:0];
                            egress_acl(!b_fe, rt_resp_value[VNIC_W-1:0], act_deliver(rt_resp_value[VNIC_W-1:0]));
                        end else begin
                            set_drop(DR_NO_ROUTE, stored_r);
                            state <= S_EMIT;
                        end
                    end else if (rt_resp_type == RT_VTEP) begin
                        fwd_r <= act_encap(rt_resp_value, b_eth_dst, rt_resp_geneve);
                        egress_acl(1'b0, {VNIC_W{1'b0}}, act_encap(rt_resp_value, b_eth_dst, rt_resp_geneve));
                    end else begin
                        // MAPPED: mapping lookup (VNI, IP dst)
                        mp_req_valid <= 1'b1;
                        state        <= S_MP_WAIT;
                    end
                end

                S_MP_WAIT: if (mp_resp_valid) begin
                    if (rv_r) begin
                        if (mp_resp_hit && mp_resp_vtep == rv_vtep_r) begin
                            start_acl(vnic_acl[attr_r*8 +: 8], 1'b0);
                            state <= S_ACL1;
                        end else begin
                            set_drop(DR_VTEP_SPOOF, stored_r);
                            state <= S_EMIT;
                        end
                    end else if (!mp_resp_hit) begin
                        set_drop(DR_NO_MAPPING, stored_r);
                        state <= S_EMIT;
                    end else if (mp_resp_vtep == cfg_vtep_ip && !b_fe) begin
                        if (mq_found) begin
                            fwd_r     <= act_deliver(mq_idx);
                            local_v_r <= 1'b1;
                            local_r   <= mq_idx;
                            egress_acl(1'b1, mq_idx, act_deliver(mq_idx));
                        end else begin
                            set_drop(DR_UNKNOWN_VNIC, stored_r);
                            state <= S_EMIT;
                        end
                    end else begin
                        fwd_r <= act_encap(mp_resp_vtep, mp_resp_mac, mp_resp_geneve);
                        egress_acl(1'b0, {VNIC_W{1'b0}}, act_encap(mp_resp_vtep, mp_resp_mac, mp_resp_geneve));
                    end
                end

                S_ACL1: if (acl_done) begin
                    if (!acl_allow) begin
                        set_drop(DR_ACL_DENY, stored_r);
                        state <= S_EMIT;
                    end else if (local_v_r) begin
                        start_acl(vnic_acl[local_r*8 +: 8], 1'b0);
                        state <= S_ACL2;
                    end else begin
                        acl_allowed;
                    end
                end

                S_ACL2: if (acl_done) begin
                    if (!acl_allow) begin
                        set_drop(DR_ACL_DENY, stored_r);
                        state <= S_EMIT;
                    end else begin
                        acl_allowed;
                    end
                end

                S_INS_ISSUE: if (ins_valid) state <= S_INS_WAIT;

                S_INS_WAIT: if (ins_done) begin
                    set_action(fwd_r, h_r);
                    state <= S_EMIT;
                end

                S_EMIT: if (emit_now) state <= S_IDLE;

                default: state <= S_IDLE;
            endcase

            // Descriptor acceptance into the front stage (empty, or handing its frame off in this cycle).
            if (take) begin
                last_port    <= pick1;
                f_valid      <= 1'b1;
                f_parsed     <= 1'b0;
                f_err        <= t_rxerr || t_ovsz;
                f_err_reason <= t_rxerr ? DR_RX_ERROR : DR_OVERSIZE;
                f_port       <= pick1;
                f_len        <= t_len;
                f_vnic       <= t_vnic;
                f_stored     <= t_stored;
                f_tick       <= tick_now;
            end else if (handoff) begin
                f_valid      <= 1'b0;
            end else if (p_valid) begin
                f_parsed     <= 1'b1;
            end

            // Hand-off to the back stage (from S_IDLE, or from S_EMIT in the cycle it retires): the
            // pre-session checks on the held parser outputs, and the session lookup (lk_valid).
            if (handoff) begin
                port_r          <= f_port;
                len_r           <= f_len;
                vnic_r          <= f_vnic;
                stored_r        <= f_stored;
                tick_r          <= f_tick;
                slow_cnt        <= 16'd0;
                res_drop_reason <= 5'd0;
                res_exc_reason  <= 2'd0;
                res_arp         <= 1'b0;
                res_rx_v        <= 1'b0;
                res_tx_v        <= 1'b0;
                res_newflow     <= 1'b0;
                res_hit         <= 1'b0;
                res_miss        <= 1'b0;
                res_closed      <= 1'b0;
                est_r           <= 1'b0;
                key_r           <= key_c;
                dir_r           <= key_dir;
                vni_r           <= pre_vni;
                attr_r          <= pre_attr;
                fin_r           <= (p_tcp_flags & TCP_FIN) != 8'd0;
                rstf_r          <= (p_tcp_flags & TCP_RST) != 8'd0;
                b_l3off         <= p_l3off;
                b_eth_dst       <= p_eth_dst;
                b_eth_src       <= p_eth_src;
                b_proto         <= p_proto;
                b_sip           <= p_sip;
                b_dip           <= p_dip;
                b_sport         <= p_sport;
                b_dport         <= p_dport;
                b_outer_sip     <= p_outer_sip;
                b_geneve        <= p_geneve;
                b_arp_sha       <= p_arp_sha;
                b_arp_spa       <= p_arp_spa;
                b_arp_tpa       <= p_arp_tpa;
                slen_r          <= pre_verdict ? p_inner_len : f_len;
                b_verdict       <= 1'b0;
                b_fe            <= 1'b0;
                b_ctx_flags     <= p_ctx_flags;
                b_ctx_vnic      <= p_ctx_vnic;
                b_ctx_version   <= p_ctx_version;
                b_ctx_act       <= p_ctx_act;
                b_ctx_be_id     <= p_ctx_be_id;
                b_ctx_vtep      <= p_ctx_vtep;
                b_ctx_mac       <= p_ctx_mac;
                b_udp_sport     <= p_udp_sport;
                b_ip_end        <= p_ip_end;
                b_iplen         <= p_iplen[15:0];
                b_ip_head       <= p_ip_head;
                b_ecn           <= p_ecn;
                b_fit_dl        <= len_dl <= {1'b0, cfg_vm_mtu};
                b_fit_en        <= len_en <= {1'b0, cfg_mtu};
                b_fit_cx        <= len_cx <= {1'b0, cfg_mtu};
                rv_r            <= 1'b0;
                res_refresh     <= 1'b0;
                res_redirect    <= 1'b0;
                res_vtx         <= 1'b0;
                res_vrx         <= 1'b0;
                res_fallback    <= 1'b0;
                res_prtx        <= 1'b0;
                res_prx         <= 1'b0;
                if (f_err) begin
                    set_drop(f_err_reason, 1'b0);     // not stored: no edit command
                    state <= S_EMIT;
                end else begin
                    res_rx_v <= pre_rx;
                    case (pre_kind)
                        P_EXC: begin
                            set_exc(pre_exc, pre_exc_vnic);
                            state <= S_EMIT;
                        end
                        P_ARP_REPLY: begin
                            set_arp(pre_arp_mac, f_vnic, f_len, p_arp_sha, p_arp_tpa, p_arp_spa);
                            state <= S_EMIT;
                        end
                        P_ARP_MAP: begin
                            mp_req_valid <= 1'b1;
                            req_vni_r    <= s_vni;
                            req_ip_r     <= p_arp_tpa;
                            state        <= S_ARP_MAP;
                        end
                        P_SESSION: begin
                            b_verdict   <= pre_verdict;
                            res_vrx     <= pre_verdict;
                            res_refresh <= pre_verdict;
                            state <= lk_valid ? S_LK_WAIT : S_LK_ISSUE;
                        end
                        P_PREPLY: begin
                            // PROBE: PROBE_REPLY to the prober, same data, nothing of the frame kept
                            res_cmd     <= 1'b1;
                            res_drop    <= 1'b0;
                            res_dest    <= 1'b0;
                            res_user    <= {USER_W{1'b0}};
                            res_strip   <= f_len;
                            res_end     <= 16'hFFFF;
                            res_ecn     <= 2'd0;
                            res_kind    <= K_CTX;
                            res_mac_a   <= 48'd0;
                            res_mac_b   <= 48'd0;
                            res_ip_a    <= p_outer_sip;
                            res_vni     <= 24'd0;
                            res_geneve  <= 1'b1;
                            res_sport   <= p_udp_sport;
                            res_plen    <= 16'd0;
                            res_cx_w0   <= {CK8_PREPLY, p_ctx_flags, p_ctx_vnic, p_ctx_version};
                            res_cx_be   <= p_ctx_be_id;
                            res_cx_vtep <= p_ctx_vtep;
                            res_cx_mac  <= p_ctx_mac;
                            res_cx_act  <= p_ctx_act;
                            res_prtx    <= 1'b1;
                            state <= S_EMIT;
                        end
                        P_CONSUME: begin
                            // PROBE_REPLY: liveness refresh, discarded without a drop reason
                            set_drop(5'd0, f_stored);
                            res_refresh <= 1'b1;
                            res_prx     <= 1'b1;
                            state <= S_EMIT;
                        end
                        P_FE: begin
                            // REQUEST accepted for copy j = pre_attr: its slow path (no session lookup)
                            b_fe        <= 1'b1;
                            vnic_r      <= pre_attr;
                            res_newflow <= 1'b1;
                            local_v_r   <= 1'b0;
                            // DIR = 1: route of the destination; DIR = 0: reverse-path check of the source
                            // against the context's VTEP, then the ingress ACL
                            rt_req_valid <= 1'b1;
                            req_vni_r    <= pre_vni;
                            req_ip_r     <= p_ctx_flags[0] ? p_dip : p_sip;
                            rv_r         <= !p_ctx_flags[0];
                            rv_vtep_r    <= p_ctx_vtep;
                            state        <= S_RT_WAIT;
                        end
                        default: begin
                            set_drop(pre_drop, f_stored);
                            state <= S_EMIT;
                        end
                    endcase
                end
            end
        end
    end

    // ============================================================================================
    // Retirement: edit command slots and the stats / monitor events
    // ============================================================================================
    always @(posedge clk) begin
        if (rst) begin
            ev_valid         <= 1'b0;
            ev_port          <= 1'b0;
            ev_len           <= 16'd0;
            ev_drop_reason   <= 5'd0;
            ev_exc_reason    <= 2'd0;
            ev_arp_reply     <= 1'b0;
            ev_rx_vnic_valid <= 1'b0;
            ev_rx_vnic       <= {VNIC_W{1'b0}};
            ev_tx_vnic_valid <= 1'b0;
            ev_tx_vnic       <= {VNIC_W{1'b0}};
            ev_tx_len        <= 16'd0;
            ev_newflow       <= 1'b0;
            ev_newflow_vnic  <= {VNIC_W{1'b0}};
            ev_slow_cycles   <= 16'd0;
            ev_sess_hit      <= 1'b0;
            ev_sess_miss     <= 1'b0;
            ev_sess_closed   <= 1'b0;
            ev_nz_redirect   <= 1'b0;
            ev_nz_verdict_tx <= 1'b0;
            ev_nz_verdict_rx <= 1'b0;
            ev_nz_fallback   <= 1'b0;
            ev_probe_reply_tx <= 1'b0;
            ev_probe_reply_rx <= 1'b0;
            lv_refresh       <= 1'b0;
            lv_addr          <= 32'd0;
            lv_tick          <= 16'd0;
            lv_round         <= 1'b0;
            lv_round_tick    <= 16'd0;
            mon_probe        <= 1'b0;
            mon_cfg          <= 1'b0;
            mon_valid        <= 1'b0;
            mon_port         <= 1'b0;
            mon_tick         <= 16'd0;
            mon_slow_cycles  <= 16'd0;
        end else begin
            ev_valid         <= emit;
            ev_port          <= emit & port_r;
            ev_len           <= emit ? len_r : 16'd0;
            ev_drop_reason   <= emit ? res_drop_reason : 5'd0;
            ev_exc_reason    <= emit ? res_exc_reason : 2'd0;
            ev_arp_reply     <= emit & res_arp;
            ev_rx_vnic_valid <= emit & res_rx_v;
            ev_rx_vnic       <= (emit & res_rx_v) ? vnic_r : {VNIC_W{1'b0}};
            ev_tx_vnic_valid <= emit & res_tx_v;
            ev_tx_vnic       <= (emit & res_tx_v) ? res_tx_vnic : {VNIC_W{1'b0}};
            ev_tx_len        <= (emit & res_tx_v) ? res_tx_len : 16'd0;
            ev_newflow       <= emit & res_newflow;
            ev_newflow_vnic  <= (emit & res_newflow) ? attr_r : {VNIC_W{1'b0}};
            ev_slow_cycles   <= emit ? slow_cnt : 16'd0;
            ev_sess_hit      <= emit & res_hit;
            ev_sess_miss     <= emit & res_miss;
            ev_sess_closed   <= emit & res_closed;
            ev_nz_redirect   <= emit & res_redirect;
            ev_nz_verdict_tx <= emit & res_vtx;
            ev_nz_verdict_rx <= emit & res_vrx;
            ev_nz_fallback   <= emit & res_fallback;
            ev_probe_reply_tx <= emit & res_prtx;
            ev_probe_reply_rx <= emit & res_prx;
            lv_refresh       <= emit & res_refresh;
            lv_addr          <= b_outer_sip;
            lv_tick          <= tick_r;
            lv_round         <= round_now;
            lv_round_tick    <= round_tick;
            mon_valid        <= emit | round_now | cfg_now;
            mon_probe        <= round_now;
            mon_cfg          <= cfg_now;
            mon_port         <= emit & port_r;
            mon_tick         <= emit ? tick_r : round_now ? round_tick : 16'd0;
            mon_slow_cycles  <= emit ? slow_cnt : 16'd0;
        end
    end

    wire slot0_valid, slot1_valid;

    edit_cmd_slot #(
        .USER_W (USER_W)
    ) u_slot0 (
        .clk         (clk),
        .rst         (rst),
        .cfg_nic_mac (cfg_nic_mac),
        .cfg_nh_mac  (cfg_nh_mac),
        .cfg_gw_mac  (cfg_gw_mac),
        .cfg_vtep_ip (cfg_vtep_ip),
        .free        (slot0_free),
        .load        (emit && res_cmd && !port_r),
        .ld_drop     (res_drop),
        .ld_dest     (res_dest),
        .ld_user     (res_user),
        .ld_strip    (res_strip),
        .ld_end      (res_end),
        .ld_ecn      (res_ecn),
        .ld_ip_head  (res_ip_head),
        .ld_kind     (res_kind),
        .ld_mac_a    (res_mac_a),
        .ld_mac_b    (res_mac_b),
        .ld_ip_a     (res_ip_a),
        .ld_ip_b     (res_ip_b),
        .ld_vni      (res_vni),
        .ld_geneve   (res_geneve),
        .ld_sport    (res_sport),
        .ld_plen     (res_plen),
        .ld_cx_w0    (res_cx_w0),
        .ld_cx_be    (res_cx_be),
        .ld_cx_vtep  (res_cx_vtep),
        .ld_cx_mac   (res_cx_mac),
        .ld_cx_act   (res_cx_act),
        .cmd_valid   (slot0_valid),
        .cmd_ready   (c0_ready),
        .cmd_drop    (c0_drop),
        .cmd_dest    (c0_dest),
        .cmd_user    (c0_user),
        .cmd_hdr_len (c0_hdr_len),
        .cmd_hdr     (c0_hdr),
        .cmd_strip   (c0_strip),
        .cmd_end     (c0_end)
    );

    edit_cmd_slot #(
        .USER_W (USER_W)
    ) u_slot1 (
        .clk         (clk),
        .rst         (rst),
        .cfg_nic_mac (cfg_nic_mac),
        .cfg_nh_mac  (cfg_nh_mac),
        .cfg_gw_mac  (cfg_gw_mac),
        .cfg_vtep_ip (cfg_vtep_ip),
        .free        (slot1_free),
        .load        (emit && res_cmd && port_r),
        .ld_drop     (res_drop),
        .ld_dest     (res_dest),
        .ld_user     (res_user),
        .ld_strip    (res_strip),
        .ld_end      (res_end),
        .ld_ecn      (res_ecn),
        .ld_ip_head  (res_ip_head),
        .ld_kind     (res_kind),
        .ld_mac_a    (res_mac_a),
        .ld_mac_b    (res_mac_b),
        .ld_ip_a     (res_ip_a),
        .ld_ip_b     (res_ip_b),
        .ld_vni      (res_vni),
        .ld_geneve   (res_geneve),
        .ld_sport    (res_sport),
        .ld_plen     (res_plen),
        .ld_cx_w0    (res_cx_w0),
        .ld_cx_be    (res_cx_be),
        .ld_cx_vtep  (res_cx_vtep),
        .ld_cx_mac   (res_cx_mac),
        .ld_cx_act   (res_cx_act),
        .cmd_valid   (slot1_valid),
        .cmd_ready   (c1_ready),
        .cmd_drop    (c1_drop),
        .cmd_dest    (c1_dest),
        .cmd_user    (c1_user),
        .cmd_hdr_len (c1_hdr_len),
        .cmd_hdr     (c1_hdr),
        .cmd_strip   (c1_strip),
        .cmd_end     (c1_end)
    );

    assign c0_valid = slot0_valid;
    assign c1_valid = slot1_valid;

    assign busy = (state != S_IDLE) || f_valid || slot0_valid || slot1_valid || rb_pend;
endmodule

`resetall
