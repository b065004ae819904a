`resetall
`default_nettype none

// fp_session: the session stage of the flow processor: session_table and the requests the back stage makes of
// it (datapath-spec 4.6), plus the lookup-derived decisions the controller takes in the lk_done cycle.
//
// Requests (one operation at a time, issued while op_ready):
//   lookup   in the hand-off cycle (lk_start: a P_SESSION frame, key from the classification) or later from
//            S_LK_ISSUE (st_lk_issue, key_r); lk_done 2 cycles after (LL = 2).
//   update / delete of a hit, in its lk_done cycle (st_lk_wait && lk_done && lk_hit, not hit_spoof): the entry
//            after this frame (pkts + 1, bytes + L, ts = now, FIN -> fin[dir], a reply -> est), or for a TCP
//            RST a delete. So the next frame's lookup, one cycle later at the earliest, sees it.
//   insert   from S_INS_ISSUE: {key, act1, act0, bytes L, pkts 1, ts, fin, est 0, init_dir, valid} with the
//            forward action fwd_r in the frame's direction and rev_r in the other; a compact entry for an
//            accepted VERDICT of a vNIC with COMPACT, unless a hairpin (local_v_r).
//   read-back from S_RB_ISSUE (rb_loc_r, for the register block), rb_done 2 cycles after.
//   sweep    sweep_allow: with the back stage idle or retiring, between frames when nothing waits, or forced
//            (force_sweep: the hand-off waits for the step; the front-stage frame lends the step its tick).
// now: the front-stage frame's tick at the hand-off (and for a sweep while a frame waits in the front stage),
// the back-stage frame's tick for its later lookup / insert, else tick_now.
// Lookup-derived (valid in the lk_done cycle): hit_act = the hit entry's action for the frame's direction;
// hit_spoof = a net-port frame (not a VERDICT) hits a full entry but does not come from the VTEP of the
// entry's other action (ENCAP / ENCAP_GENEVE to b_outer_sip): dropped VTEP_SPOOF, the entry untouched;
// be_mode = the frame's vNIC is a BE (not a VERDICT) and fs_found / fs_vtep the FE fe_select picks from the
// lookup's hash among its group's alive members.
module fp_session #(
    parameter VNIC_W    = 4,            // log2 of the number of vNICs
    parameter SESS_LOG2 = 8,            // log2 of the buckets per bank
    parameter SESS_WAYS = 8,            // ways per bucket
    parameter MAX_KICKS = 8,            // cuckoo displacement limit
    parameter N_GROUPS  = 4,            // FE groups
    // derived: do not override
    parameter N_VNIC    = 1 << VNIC_W,
    parameter LOC_W     = 2 + SESS_LOG2 + $clog2(SESS_WAYS),   // session slot {half, bank, bucket, way}
    parameter GRP_W     = (N_GROUPS <= 2) ? 1 : $clog2(N_GROUPS),
    parameter KEY_W     = 128,          // NZ_KEY_W
    parameter ACT_W     = 90,           // NZ_ACT_W
    parameter ENTRY_W   = 401           // NZ_ENTRY_W
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire [14:0]              cfg_idle_to,
    input  wire [14:0]              cfg_close_to,
    input  wire [15:0]              tick_now,
    // front stage / hand-off
    input  wire                     handoff,
    input  wire                     lk_start,       // the hand-off of a P_SESSION frame
    input  wire [KEY_W-1:0]         key,
    input  wire                     f_valid,
    input  wire [15:0]              f_tick,
    input  wire                     any_desc,
    input  wire                     force_sweep,
    // back-stage controller
    input  wire                     st_idle_emit,   // S_IDLE or S_EMIT
    input  wire                     st_lk_issue,
    input  wire                     st_lk_wait,
    input  wire                     st_ins_issue,
    input  wire                     st_rb_issue,
    input  wire                     rb_pend,
    input  wire [LOC_W-1:0]         rb_loc_r,
    input  wire [ACT_W-1:0]         fwd_r,
    input  wire [ACT_W-1:0]         rev_r,
    input  wire                     local_v_r,
    input  wire                     b_verdict,
    // the back-stage frame (fp_record)
    input  wire                     port_r,
    input  wire [KEY_W-1:0]         key_r,
    input  wire                     dir_r,
    input  wire [15:0]              tick_r,
    input  wire [15:0]              slen_r,
    input  wire                     fin_r,
    input  wire                     rstf_r,
    input  wire [VNIC_W-1:0]        attr_r,
    input  wire [31:0]              b_outer_sip,
    // offload tables
    input  wire [N_VNIC*2-1:0]      ol_mode,
    input  wire [N_VNIC-1:0]        ol_compact,
    input  wire [N_VNIC*GRP_W-1:0]  ol_group,
    input  wire [N_GROUPS*3-1:0]    fg_count,
    input  wire [N_GROUPS*128-1:0]  fg_vtep,
    input  wire [N_GROUPS*4-1:0]    fg_alive,
    // results
    output wire                     op_ready,
    output wire                     lk_valid,
    output wire                     lk_done,
    output wire                     lk_hit,
    output wire                     lk_compact,
    output wire [31:0]              lk_hash,
    output wire [ACT_W-1:0]         hit_act,
    output wire                     hit_spoof,
    output wire                     be_mode,
    output wire                     fs_found,
    output wire [31:0]              fs_vtep,
    output wire                     ins_valid,
    output wire                     ins_done,
    output wire                     rb_valid,
    output wire                     rb_done,
    output wire [ENTRY_W-1:0]       rb_entry,
    output wire                     rb_compact,
    output wire                     sweep_go,       // a sweep step starts in this cycle
    // session table events (per-cycle increments)
    output wire                     sess_ev_insert,
    output wire                     sess_ev_insert_fail,
    output wire [7:0]               sess_ev_aged,
    output wire [7:0]               sess_ev_kicks,
    output wire [31:0]              sess_occupancy
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
`include "nezha_regs.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam [1:0] OM_BE           = NZ_OFFLOAD_MODE_BE[1:0];
    localparam [1:0] AT_ENCAP        = NZ_ACTION_TYPE_ENCAP[1:0];
    localparam [1:0] AT_ENCAP_GENEVE = NZ_ACTION_TYPE_ENCAP_GENEVE[1:0];

    initial begin
        if (KEY_W != NZ_KEY_W || ACT_W != NZ_ACT_W || ENTRY_W != NZ_ENTRY_W) begin
            $error("fp_session: KEY_W / ACT_W / ENTRY_W must be NZ_KEY_W / NZ_ACT_W / NZ_ENTRY_W (instance %m)");
            $finish;
        end
    end

    wire [LOC_W-1:0]   lk_loc;
    wire [ENTRY_W-1:0] lk_entry;
    wire               ins_ok;

    assign lk_valid  = op_ready && (lk_start || st_lk_issue);
    wire [KEY_W-1:0] lk_key = handoff ? key : key_r;
    assign ins_valid = op_ready && st_ins_issue;
    wire   ins_compact = b_verdict && ol_compact[attr_r] && !local_v_r;
    assign rb_valid  = op_ready && st_rb_issue;

    // the hit's other action must be a tunnel from the frame's outer source (net port, full entry)
    wire [1:0]  oth_type = dir_r ? lk_entry[NZ_E_ACT0 + NZ_ACT_TYPE +: 2] : lk_entry[NZ_E_ACT1 + NZ_ACT_TYPE +: 2];
    wire [31:0] oth_vtep = dir_r ? lk_entry[NZ_E_ACT0 + NZ_ACT_VTEP +: 32] : lk_entry[NZ_E_ACT1 + NZ_ACT_VTEP +: 32];
    wire        oth_from = (oth_type == AT_ENCAP || oth_type == AT_ENCAP_GENEVE) && (oth_vtep == b_outer_sip);
    assign hit_spoof = !port_r && !b_verdict && !lk_compact && !oth_from;
    wire   hit_wr    = st_lk_wait && lk_done && lk_hit && !hit_spoof;
    assign hit_act   = dir_r ? lk_entry[NZ_E_ACT1 +: ACT_W] : lk_entry[NZ_E_ACT0 +: ACT_W];

    wire sweep_allow = st_idle_emit && (force_sweep || (!f_valid && !any_desc && !rb_pend));
    assign sweep_go  = sweep_allow && op_ready;
    wire [15:0] sess_now = handoff                      ? f_tick :
                           (st_lk_issue || st_ins_issue) ? tick_r :
                           f_valid                      ? f_tick : tick_now;

    // new entry of an allowed miss: {key, act1, act0, bytes, pkts, ts, fin1, fin0, est, init_dir, valid}
    wire [ENTRY_W-1:0] ins_entry = {key_r,
                                    dir_r ? fwd_r : rev_r,
                                    dir_r ? rev_r : fwd_r,
                                    {24'd0, slen_r}, 32'd1, tick_r,
                                    fin_r & dir_r, fin_r & ~dir_r, 1'b0, dir_r, 1'b1};

    // entry of a hit after this frame: pkts+1, bytes+L, ts = now, FIN -> fin[dir], reverse dir -> est
    reg [ENTRY_W-1:0] hit_upd;
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

    session_table #(
        .SESS_LOG2 (SESS_LOG2),
        .SESS_WAYS (SESS_WAYS),
        .MAX_KICKS (MAX_KICKS)
    ) u_sess (
        .clk(clk), .rst(rst), .cfg_idle_to(cfg_idle_to), .cfg_close_to(cfg_close_to), .now(sess_now),
        .op_ready(op_ready),
        .lk_valid(lk_valid), .lk_key(lk_key), .lk_done(lk_done), .lk_hit(lk_hit), .lk_loc(lk_loc),
        .lk_entry(lk_entry), .lk_hash(lk_hash), .lk_compact(lk_compact),
        .up_valid(hit_wr && !rstf_r), .up_loc(lk_loc), .up_entry(hit_upd), .up_compact(lk_compact),
        .del_valid(hit_wr && rstf_r), .del_loc(lk_loc),
        .ins_valid(ins_valid), .ins_entry(ins_entry), .ins_compact(ins_compact), .ins_done(ins_done),
        .ins_ok(ins_ok),
        .rb_valid(rb_valid), .rb_loc(rb_loc_r), .rb_done(rb_done), .rb_entry(rb_entry), .rb_compact(rb_compact),
        .sweep_allow(sweep_allow),
        .ev_insert(sess_ev_insert), .ev_insert_fail(sess_ev_insert_fail), .ev_aged(sess_ev_aged),
        .ev_kicks(sess_ev_kicks), .occupancy(sess_occupancy)
    );
    // ins_ok is not needed: the session table counts insert results itself; the frame is forwarded either way
    wire unused_ok = &{1'b0, ins_ok};

    // FE selection of a BE-mode vNIC's miss, from the lookup's hash (valid in the lk_done cycle)
    wire [GRP_W-1:0] be_g = ol_group[attr_r*GRP_W +: GRP_W];
    wire [1:0]       fs_idx;
    assign be_mode = (ol_mode[attr_r*2 +: 2] == OM_BE) && !b_verdict;
    fe_select u_fesel (
        .hash(lk_hash), .count(fg_count[be_g*3 +: 3]), .alive(fg_alive[be_g*4 +: 4]),
        .members(fg_vtep[be_g*128 +: 128]), .found(fs_found), .idx(fs_idx), .vtep(fs_vtep)
    );
    wire unused_fs = &{1'b0, fs_idx};
endmodule

`resetall
