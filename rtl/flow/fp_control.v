`resetall
`default_nettype none

// fp_control: the controller of the flow processor's back stage: one frame from its hand-off to its
// retirement, and the between-frames work (datapath-spec 4.6; docs/nezha-offload.md).
//
// Per frame (hand-off in cycle H, with fp_classify's pre-session verdict):
//   f_err, drop, exception, ARP reply, PROBE -> PROBE_REPLY, PROBE_REPLY consumed: decided at H -> S_EMIT;
//   ARP via the mapping table, accepted REQUEST (FE): the slow path (fp_slowpath) from H -> S_SLOW;
//   P_SESSION: lookup at H (or S_LK_ISSUE until op_ready), S_LK_WAIT until lk_done (H+LL), then
//     hit          -> the entry's action (hit_spoof: VTEP_SPOOF); a compact entry: DELIVER to the attributed
//                     vNIC or an egress VERDICT's context action, from the host port RECOMPUTE (slow path);
//     VERDICT miss -> the slow path (VERDICT: the context's actions, insert);
//     BE-mode miss -> REDIRECT to the FE fe_select picks, decided in the lk_done cycle like a hit, if one is
//                     alive and the REQUEST fits the MTU; else the slow path with NZ_FALLBACK;
//     other miss   -> the slow path (NEW).
//   S_SLOW until the slow path's decision (sp_done), S_EMIT until the frame's edit command slot is free
//   (emit_now): emit, one cycle; the hand-off of the next frame may happen in that cycle (b_free).
// The one decision of each frame taken here goes to fp_result as rs_op (with rs_reason / rs_stored / rs_act /
// rs_h / rs_ip) in the cycle it is taken. The frame's counting flags (oc_*: rx, new flow, hit, miss,
// closed, refresh, VERDICT rx, fallback, PROBE_REPLY rx) are set here and cleared at the hand-off.
// Between frames (S_IDLE, no frame in the front stage), in this order: a session read-back (rb_pend, latched
// from the register side's sess_rb_req) -> S_RB_ISSUE / S_RB_WAIT; a register commit (cfg_req, while probe_gen
// is idle and not being started) -> S_CFG, one cycle (cfg_now = cfg_ack); a due probe round (rd_go) ->
// S_ROUND, one cycle (round_now).
// The (VNI, MAC) search of fp_classify serves the back stage in S_LK_WAIT (hairpin VERDICT target, by the
// context's MAC) and in the slow path's S_MP (local target, by the mapping's MAC): bk_mq.
module fp_control #(
    parameter VNIC_W    = 4,            // log2 of the number of vNICs
    parameter SESS_LOG2 = 8,            // log2 of the session buckets per bank
    parameter SESS_WAYS = 8,            // session ways per bucket
    // derived: do not override
    parameter LOC_W     = 2 + SESS_LOG2 + $clog2(SESS_WAYS),
    parameter ACT_W     = 90            // NZ_ACT_W
) (
    input  wire                     clk,
    input  wire                     rst,
    // front stage
    input  wire                     handoff,
    input  wire                     f_valid,
    input  wire                     f_err,
    input  wire [4:0]               f_err_reason,
    input  wire                     f_stored,
    input  wire                     force_sweep,
    input  wire                     rd_go,
    input  wire                     cfg_req,
    input  wire                     pg_ready,
    input  wire                     lv_round,
    // classification (hand-off cycle)
    input  wire [2:0]               pre_kind,
    input  wire [4:0]               pre_drop,
    input  wire                     pre_rx,
    input  wire                     pre_verdict,
    // the back-stage frame (fp_record)
    input  wire                     port_r,
    input  wire                     stored_r,
    input  wire                     rstf_r,
    input  wire [VNIC_W-1:0]        attr_r,
    input  wire [23:0]              vni_r,
    input  wire                     b_ctx_dir,      // the context's DIR flag
    input  wire [31:0]              b_ctx_vtep,
    input  wire [47:0]              b_ctx_mac,
    input  wire [7:0]               b_ctx_act,
    input  wire                     b_fit_cx,
    // session stage (fp_session)
    input  wire                     lk_valid,
    input  wire                     lk_done,
    input  wire                     lk_hit,
    input  wire                     lk_compact,
    input  wire [13:0]              lk_hash,
    input  wire [ACT_W-1:0]         hit_act,
    input  wire                     hit_spoof,
    input  wire                     be_mode,
    input  wire                     fs_found,
    input  wire [31:0]              fs_vtep,
    input  wire                     rb_valid,
    input  wire                     rb_done,
    input  wire                     sess_rb_req,    // register side: read back slot sess_rb_loc
    input  wire [LOC_W-1:0]         sess_rb_loc,
    output reg                      rb_pend,
    output reg  [LOC_W-1:0]         rb_loc_r,
    // slow path (fp_slowpath)
    output reg                      sp_start,
    output reg  [2:0]               sp_kind,
    input  wire                     sp_done,
    input  wire                     sp_mp,          // the slow path waits for a mapping answer
    input  wire [47:0]              mp_resp_mac,
    output wire                     bk_mq,
    output wire [23:0]              bk_mq_vni,
    output wire [47:0]              bk_mq_mac,
    // result (fp_result)
    input  wire                     emit_now,       // the frame's edit command slot is free
    output reg  [3:0]               rs_op,
    output reg  [4:0]               rs_reason,
    output reg                      rs_stored,
    output reg  [ACT_W-1:0]         rs_act,
    output wire [13:0]              rs_h,
    output wire [31:0]              rs_ip,
    // state
    output wire                     st_idle,
    output wire                     st_idle_emit,
    output wire                     st_lk_issue,
    output wire                     st_lk_wait,
    output wire                     st_rb_issue,
    output wire                     b_free,         // idle, or retiring its frame in this cycle
    output wire                     emit,           // retire: load the edit command, events next cycle
    output wire                     round_now,
    output wire                     cfg_now,
    output reg                      b_verdict,      // the frame is an accepted VERDICT (BE)
    output reg                      oc_rx,
    output reg                      oc_newflow,
    output reg                      oc_hit,
    output reg                      oc_miss,
    output reg                      oc_closed,
    output reg                      oc_refresh,
    output reg                      oc_vrx,
    output reg                      oc_fallback,
    output reg                      oc_prx
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
`include "nezha_regs.vh"
`include "nezha_flow.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam [3:0] S_IDLE     = 4'd0,   // no frame in the back stage: read-back, commit, round, hand-off
                     S_ROUND    = 4'd1,   // probe round (one cycle)
                     S_CFG      = 4'd2,   // register commit slot (one cycle, cfg_ack)
                     S_RB_ISSUE = 4'd3,   // session read-back waits for op_ready
                     S_RB_WAIT  = 4'd4,   // session read-back in flight
                     S_LK_ISSUE = 4'd5,   // session lookup waits for op_ready
                     S_LK_WAIT  = 4'd6,   // session lookup in flight
                     S_SLOW     = 4'd7,   // the slow path (fp_slowpath) decides the frame
                     S_EMIT     = 4'd8;   // retire: load the edit command, stats/monitor event; hand-off
    localparam [4:0] DR_VTEP_SPOOF   = NZ_DROP_REASON_VTEP_SPOOF[4:0];
    localparam [1:0] AT_DELIVER      = NZ_ACTION_TYPE_DELIVER[1:0];
    localparam [1:0] AT_ENCAP        = NZ_ACTION_TYPE_ENCAP[1:0];
    localparam [1:0] AT_ENCAP_GENEVE = NZ_ACTION_TYPE_ENCAP_GENEVE[1:0];

    initial begin
        if (ACT_W != NZ_ACT_W) begin
            $error("fp_control: ACT_W must be NZ_ACT_W (instance %m)");
            $finish;
        end
    end

    reg [3:0] state;

    assign st_idle      = (state == S_IDLE);
    assign st_idle_emit = (state == S_IDLE) || (state == S_EMIT);
    assign st_lk_issue  = (state == S_LK_ISSUE);
    assign st_lk_wait   = (state == S_LK_WAIT);
    assign st_rb_issue  = (state == S_RB_ISSUE);
    assign b_free       = (state == S_IDLE) || (state == S_EMIT && emit_now);
    assign emit         = (state == S_EMIT) && emit_now;
    assign round_now    = (state == S_ROUND);
    assign cfg_now      = (state == S_CFG);
    assign bk_mq        = sp_mp || (state == S_LK_WAIT);
    assign bk_mq_vni    = vni_r;
    assign bk_mq_mac    = sp_mp ? mp_resp_mac : b_ctx_mac;
    assign rs_h         = lk_hash;
    assign rs_ip        = fs_vtep;

    // a compact hit towards the VM: DELIVER to the attributed vNIC, or an egress VERDICT's context action
    wire [ACT_W-1:0] cmp_act = (b_verdict && b_ctx_dir)
                             ? {b_ctx_mac, b_ctx_vtep, 8'd0, (b_ctx_act == 8'd3) ? AT_ENCAP_GENEVE : AT_ENCAP}
                             : {48'd0, 32'd0, {(8 - VNIC_W){1'b0}}, attr_r, AT_DELIVER};

    reg [3:0] state_n;
    // the slow path's decision ends S_SLOW, also in its start cycle (VERDICT of a RST, hairpin without
    // target); read apart from the block that starts it, so that no combinational loop runs through it
    wire [3:0] state_d = (state_n == S_SLOW && sp_done) ? S_EMIT : state_n;
    reg       b_verdict_n, rx_n, newflow_n, hit_n, miss_n, closed_n, refresh_n, vrx_n, fallback_n, prx_n;

    task slow;
        input [2:0] kind;
        begin
            sp_start = 1'b1;
            sp_kind  = kind;
            state_n  = S_SLOW;
        end
    endtask

    task result;
        input [3:0]       op;
        input [4:0]       reason;
        input             stored;
        input [ACT_W-1:0] act;
        begin
            rs_op     = op;
            rs_reason = reason;
            rs_stored = stored;
            rs_act    = act;
            state_n   = S_EMIT;
        end
    endtask

    always @* begin
        state_n     = state;
        b_verdict_n = b_verdict;
        rx_n        = oc_rx;
        newflow_n   = oc_newflow;
        hit_n       = oc_hit;
        miss_n      = oc_miss;
        closed_n    = oc_closed;
        refresh_n   = oc_refresh;
        vrx_n       = oc_vrx;
        fallback_n  = oc_fallback;
        prx_n       = oc_prx;
        sp_start    = 1'b0;
        sp_kind     = FP_SK_NEW;
        rs_op       = FP_RS_NONE;
        rs_reason   = 5'd0;
        rs_stored   = stored_r;
        rs_act      = hit_act;

        case (state)
            S_IDLE: begin
                // read-back once no accepted frame is left (none is accepted while rb_pend), a commit slot
                // (not in the cycle probe_gen is being started: it is still ready), then a due probe round
                if (!force_sweep && rb_pend && !f_valid)
                    state_n = S_RB_ISSUE;
                else if (!force_sweep && cfg_req && !f_valid && pg_ready && !lv_round)
                    state_n = S_CFG;
                else if (!force_sweep && rd_go && !f_valid)
                    state_n = S_ROUND;
            end

            S_ROUND, S_CFG: state_n = S_IDLE;

            S_RB_ISSUE: if (rb_valid) state_n = S_RB_WAIT;
            S_RB_WAIT:  if (rb_done)  state_n = S_IDLE;

            S_LK_ISSUE: if (lk_valid) state_n = S_LK_WAIT;

            S_LK_WAIT: if (lk_done) begin
                if (lk_hit) begin
                    // fast path (the entry update / delete is issued in this cycle by fp_session)
                    hit_n    = 1'b1;
                    closed_n = rstf_r && !hit_spoof;
                    if (hit_spoof)
                        result(FP_RS_DROP, DR_VTEP_SPOOF, stored_r, hit_act);  // from another VTEP: entry untouched
                    else if (!lk_compact)
                        result(FP_RS_ACTION, 5'd0, stored_r, hit_act);
                    else if (b_verdict || !port_r)
                        result(FP_RS_ACTION, 5'd0, stored_r, cmp_act);
                    else
                        slow(FP_SK_RECOMPUTE);      // compact entry, frame from the VM: route and mapping again
                end else if (b_verdict) begin
                    miss_n    = 1'b1;
                    newflow_n = 1'b1;
                    slow(FP_SK_VERDICT);
                end else if (be_mode && fs_found && b_fit_cx) begin
                    // BE miss: REDIRECT to the FE of this flow (decided in this cycle, like a hit); a REQUEST
                    // that would not fit the MTU falls back to the local slow path
                    miss_n = 1'b1;
                    result(FP_RS_REDIRECT, 5'd0, stored_r, hit_act);
                end else begin
                    // slow path for vNIC attr_r (a BE-mode vNIC with no alive FE: NZ_FALLBACK)
                    miss_n     = 1'b1;
                    newflow_n  = 1'b1;
                    fallback_n = be_mode;
                    slow(FP_SK_NEW);
                end
            end

            S_SLOW: ;                       // until sp_done (state_d)
            S_EMIT: if (emit_now) state_n = S_IDLE;

            default: state_n = S_IDLE;
        endcase

        // Hand-off (from S_IDLE, or from S_EMIT in the cycle it retires): the pre-session verdict and the
        // session lookup (fp_session, in this cycle when op_ready).
        if (handoff) begin
            b_verdict_n = 1'b0;
            rx_n        = 1'b0;
            newflow_n   = 1'b0;
            hit_n       = 1'b0;
            miss_n      = 1'b0;
            closed_n    = 1'b0;
            refresh_n   = 1'b0;
            vrx_n       = 1'b0;
            fallback_n  = 1'b0;
            prx_n       = 1'b0;
            if (f_err) begin
                result(FP_RS_DROP, f_err_reason, 1'b0, hit_act);    // not stored: no edit command
            end else begin
                rx_n = pre_rx;
                case (pre_kind)
                    FP_P_EXC:       result(FP_RS_EXC, 5'd0, f_stored, hit_act);
                    FP_P_ARP_REPLY: result(FP_RS_ARP, 5'd0, f_stored, hit_act);
                    FP_P_ARP_MAP:   slow(FP_SK_ARP);
                    FP_P_SESSION: begin
                        b_verdict_n = pre_verdict;
                        vrx_n       = pre_verdict;
                        refresh_n   = pre_verdict;
                        state_n     = lk_valid ? S_LK_WAIT : S_LK_ISSUE;
                    end
                    // PROBE: PROBE_REPLY to the prober, same data, nothing of the frame kept
                    FP_P_PREPLY:    result(FP_RS_PREPLY, 5'd0, f_stored, hit_act);
                    FP_P_CONSUME: begin
                        // PROBE_REPLY: liveness refresh, discarded without a drop reason
                        result(FP_RS_DROP, 5'd0, f_stored, hit_act);
                        refresh_n = 1'b1;
                        prx_n     = 1'b1;
                    end
                    FP_P_FE: begin
                        // REQUEST accepted for copy pre_attr: its slow path, no session lookup
                        newflow_n = 1'b1;
                        slow(FP_SK_FE);
                    end
                    default:        result(FP_RS_DROP, pre_drop, f_stored, hit_act);
                endcase
            end
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            state       <= S_IDLE;
            rb_pend     <= 1'b0;
            rb_loc_r    <= {LOC_W{1'b0}};
            b_verdict   <= 1'b0;
            oc_rx       <= 1'b0;
            oc_newflow  <= 1'b0;
            oc_hit      <= 1'b0;
            oc_miss     <= 1'b0;
            oc_closed   <= 1'b0;
            oc_refresh  <= 1'b0;
            oc_vrx      <= 1'b0;
            oc_fallback <= 1'b0;
            oc_prx      <= 1'b0;
        end else begin
            state       <= state_d;
            b_verdict   <= b_verdict_n;
            oc_rx       <= rx_n;
            oc_newflow  <= newflow_n;
            oc_hit      <= hit_n;
            oc_miss     <= miss_n;
            oc_closed   <= closed_n;
            oc_refresh  <= refresh_n;
            oc_vrx      <= vrx_n;
            oc_fallback <= fallback_n;
            oc_prx      <= prx_n;
            // session read-back request of the register side, served between frames
            if (rb_valid)
                rb_pend <= 1'b0;
            else if (sess_rb_req && !rb_pend && state != S_RB_ISSUE && state != S_RB_WAIT) begin
                rb_pend  <= 1'b1;
                rb_loc_r <= sess_rb_loc;
            end
        end
    end
endmodule

`resetall
