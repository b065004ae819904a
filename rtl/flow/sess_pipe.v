`resetall
`default_nettype none

// sess_pipe: the session table as an operation pipeline (docs/pipeline.md 3.1): one operation accepted per cycle,
// its result 8 cycles later, in order. Same storage, placement, walk (LFSR), counting and read-back as
// session_table.v (datapath-spec 4.6: 2 banks x SESS_WAYS words per bucket, a word = one full entry or up to two
// compact entries), with the pending CAM (pending_cam.v) in the decision stage. Parts: sp_store (the RAMs),
// sp_bucket (S4, S5), sess_walk (the displacement walk), pending_cam.
//
// Operations (op_kind): 0 NOP (no table access; its result keeps its place), 1 LOOKUP (fast path: lookup, the
// CAM, the hit update or RST delete), 2 RELOOKUP (the same without the CAM), 3 INSERT (op_entry / op_compact;
// the key is op_entry's), 4 READBACK (slot op_loc); 5..7 are taken as NOP. Internal: 5 SWEEP (reported as a
// result), 6 walk read (never reported).
//
// Stages of an operation that leaves S1 in cycle u (accepted in u when it does not wait in S1):
//   S1  the accepted operation; its key, tick and buckets are compared with the operations in S2..S7 (the ones
//       whose writes its read cannot see). An INSERT waits here while an operation in S2..S7 may write one of its
//       two buckets (same bucket index in the same bank), while another INSERT is in S2..S7 and while an INSERT
//       waits for its second pass or walks; a READBACK waits while an operation in S2..S7 may write its bucket; a
//       SWEEP that would have to wait is dropped (the cursor goes back to it). So INSERT, READBACK and SWEEP read exactly the
//       table left by every operation before them.
//   S2  RAM read of both buckets (H[SESS_LOG2-1:0] in bank 0, H[16 +: SESS_LOG2] in bank 1; op_hash = H;
//       sp_store).
//   S3  RAM output register.
//   S4  per slot: valid, expired at op_now, live, key-equal (sp_bucket).
//   S5  first live match, entry multiplexer, room per bank, sweep mask (sp_bucket).
//   S6  an INSERT's target; the newest same-key write of the operations 2..6 ahead (forwarding, below); the
//       spoof check of the RAM entry; the CAM compare.
//   S7  DECIDE: the write of the operation just ahead (S8) is the last forwarding source; hit, spoof, the CAM
//       (follower / leader / full), the updated entry or the delete, the insert placement, the sweep clear.
//   S8  the RAM write (sp_store) and the result (registered outputs), the events and occupancy.
// Latency: result in cycle u + 7 for an operation leaving S1 in cycle u (u + 8 after acceptance when it does not
// wait). Results leave in the order operations leave S1, except an INSERT that needs a second pass (below).
//
// Forwarding (exact, by key and slot): a lookup's read in S2 cannot see the writes of the 6 operations ahead of
// it. Every write of a LOOKUP / RELOOKUP (update or delete of its hit slot) and of an INSERT (its placement) is a
// write of that operation's key; the writes of other keys never change whether a slot is a live match of this
// key (an insert takes only a slot that is not live, an update or delete only the live slot of its own key, a
// sweep only slots that are expired for every later tick). So a lookup whose key was written by one of the 6
// operations ahead takes the newest such write (slot, entry, live at its own tick) instead of its RAM hit;
// otherwise its RAM result is exact. This needs the two contracts below (one live entry per key, ticks in order).
//
// INSERT: placed in S7 when its buckets have room (datapath-spec 4.6); otherwise it gets a second pass: no
// result yet, op_ready stays low, the operations behind it finish, then the INSERT is issued again alone (into
// S2) with the tick sweep_now, and places, or runs the displacement walk on the idle pipeline (each step reads
// the next bucket through S2..S6; the commit reads each source word and writes it into its destination), then
// reports its result (res_now = the tick used). Such an INSERT is reported after the operations that were behind
// it: the results' order is the order in which the table changed.
// SWEEP: inserted into S1 in cycles where no operation is accepted (sweep_en), bucket cursor sw in both banks, at
// the tick sweep_now; clears the valid bits of the expired slots. After SWEEP_EVERY accepted operations without a
// sweep, op_ready goes low until one passes S1 (2 lost cycles). Reported as a result: res_kind 5,
// res_loc = {1'b0, 1'b0, bucket, way 0}, the cleared slots in ev_aged.
//
// Contracts of the client:
//   - one live entry per key: an INSERT's key is not live in the table at the INSERT's position (the pending CAM
//     guarantees it in the datapath: an INSERT follows a miss of its key, and every other frame of the key is a
//     follower until the INSERT's frame is emitted);
//   - ticks in order: op_now does not decrease from one accepted operation to the next (mod 2**16, steps below
//     2**15), an INSERT's entry ts is not after its op_now, and sweep_now is the current tick: not before the
//     op_now of any operation accepted so far and not after the op_now of any later one. (Entries are then never
//     "in the future" of an operation that reads them: with a tick behind an entry's ts, age = now - ts wraps
//     and the entry would read expired.)
//   - cfg_idle_to / cfg_close_to change only while busy is low.
//
// Ports (all results and events registered; one result per cycle at most):
//   op_ready                 registered; high: an operation may be accepted in this cycle (op_valid & op_ready).
//   op_valid, op_kind[2:0], op_tag[TAG_W-1:0]   the tag is returned with the result.
//   op_key[127:0], op_hash[31:0] = CRC-32C(key) (datapath-spec 4.6); op_now[15:0] the tick of the operation.
//   op_dir, op_len[15:0], op_fin, op_rst        the frame's direction, length, TCP FIN / RST (LOOKUP, RELOOKUP).
//   op_chk_rev, op_rev_vtep[31:0]   spoof check of a hit on a full entry: act[1-dir] must be an ENCAP (either
//                                   tunnel type) to op_rev_vtep, else the entry is not written (res_spoof).
//   op_lead                  a LOOKUP miss that is not pending takes a CAM entry (a leader) instead of a plain miss.
//   op_entry[NZ_ENTRY_W-1:0], op_compact   INSERT (bit 0 ignored; a compact entry's actions are not stored).
//   op_loc[LOC_W-1:0]        READBACK slot {half, bank, bucket, way} (the SESSION register INDEX).
//   slow_room                sampled in S7: the slow path can take a frame; low -> a leader or follower is `full`.
//   cam_release_valid, cam_release_idx      the slow editor is done with a frame of that CAM entry (count - 1).
//   res_valid, res_kind, res_tag, res_now   kind (0..5), tag and tick of the operation.
//   res_hit                  LOOKUP / RELOOKUP: a live entry with the key exists (after forwarding).
//   res_divert               LOOKUP: a follower (the key is pending; count + 1) or a leader (a CAM entry allocated).
//   res_full                 LOOKUP: a follower or leader the CAM / slow path could not take (nothing changed).
//   res_spoof                a hit that failed the spoof check (not a follower): the entry is unchanged.
//   res_closed               a hit with op_rst: the entry was deleted.
//   res_entry, res_loc, res_compact   LOOKUP / RELOOKUP: the hit entry before the update (0 on a miss), its slot;
//                            READBACK: the slot (VALID = 0 if not valid; other bits as stored); INSERT: res_loc
//                            the slot the new entry took, res_compact its kind.
//   res_cam_idx              LOOKUP: the matched or allocated CAM entry.
//   res_ins_ok, res_kicks    INSERT: placed; displacements.
//   ev_insert, ev_insert_fail, ev_aged[7:0], ev_kicks[7:0], occupancy[31:0]: as session_table, in the cycle of
//                            the result (ev_aged: expired valid slots an insert overwrote or a sweep cleared).
//   busy                     an operation in S1..S7, a second pass, a walk or the reset clear is in progress.
// Reset: the RAMs are cleared (2**SESS_LOG2 cycles, op_ready low), the CAM is emptied, the LFSR reset.
//
// Requirements: SESS_WAYS a power of 2, 2 <= SESS_WAYS <= 32; 1 <= SESS_LOG2 <= 16; 0 <= MAX_KICKS <= 126;
// SWEEP_EVERY >= 2.
module sess_pipe #(
    parameter SESS_LOG2   = 4,
    parameter SESS_WAYS   = 2,
    parameter MAX_KICKS   = 4,
    parameter TAG_W       = 8,
    parameter CAM_Q       = 8,
    parameter CAM_CNT_W   = 4,
    parameter SWEEP_EVERY = 256
) (
    clk, rst,
    cfg_idle_to, cfg_close_to, sweep_en, sweep_now,
    op_ready, op_valid, op_kind, op_tag, op_key, op_hash, op_now,
    op_dir, op_len, op_fin, op_rst, op_chk_rev, op_rev_vtep, op_lead,
    op_entry, op_compact, op_loc,
    slow_room, cam_release_valid, cam_release_idx,
    res_valid, res_kind, res_tag, res_now, res_hit, res_divert, res_full, res_spoof, res_closed,
    res_entry, res_loc, res_compact, res_cam_idx, res_ins_ok, res_kicks,
    ev_insert, ev_insert_fail, ev_aged, ev_kicks, occupancy, busy
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer WAY_W  = $clog2(SESS_WAYS);
    localparam integer BKT_W  = SESS_LOG2;
    localparam integer WLOC_W = 1 + BKT_W + WAY_W;         // word location {bank, bucket, way}
    localparam integer LOC_W  = 1 + WLOC_W;                // slot location {half, bank, bucket, way}
    localparam integer NW     = 2 * SESS_WAYS;             // words of both buckets, index {bank, way}
    localparam integer NS     = 2 * NW;                    // slots of both buckets, index {bank, way, half}
    localparam integer K_W    = WAY_W + 2;
    localparam integer EW     = NZ_ENTRY_W;
    localparam integer HW     = NZ_HALF_W;
    localparam integer NK_W   = NZ_E_KEY;                  // entry bits below the key
    localparam integer CNT_W  = $clog2(NS + 1);
    localparam integer PN_W   = $clog2(MAX_KICKS + 2);
    localparam integer CAM_IW = (CAM_Q <= 2) ? 1 : $clog2(CAM_Q);
    localparam integer SE_W   = $clog2(SWEEP_EVERY + 1);
    localparam [SE_W-1:0]  SE_MAX   = SWEEP_EVERY[SE_W-1:0];
    localparam [BKT_W-1:0] LAST_BKT = {BKT_W{1'b1}};

    localparam [2:0] K_NOP = 3'd0, K_LOOKUP = 3'd1, K_RELOOKUP = 3'd2, K_INSERT = 3'd3, K_READBACK = 3'd4,
                     K_SWEEP = 3'd5, K_WRD = 3'd6;
    // word writes (as session_table.v)
    localparam [2:0] WM_NONE = 3'd0, WM_FULL = 3'd1, WM_C0 = 3'd2, WM_C1 = 3'd3, WM_CE = 3'd4,
                     WM_DEL0 = 3'd5, WM_DEL1 = 3'd6;

    input  wire                 clk;
    input  wire                 rst;
    input  wire [14:0]          cfg_idle_to;
    input  wire [14:0]          cfg_close_to;
    input  wire                 sweep_en;
    input  wire [15:0]          sweep_now;
    output reg                  op_ready;
    input  wire                 op_valid;
    input  wire [2:0]           op_kind;
    input  wire [TAG_W-1:0]     op_tag;
    input  wire [127:0]         op_key;
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0]          op_hash;        // bits [15:SESS_LOG2] and [31:16+SESS_LOG2] unused
    input  wire [EW-1:0]        op_entry;       // bit 0 ignored
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire [15:0]          op_now;
    input  wire                 op_dir;
    input  wire [15:0]          op_len;
    input  wire                 op_fin;
    input  wire                 op_rst;
    input  wire                 op_chk_rev;
    input  wire [31:0]          op_rev_vtep;
    input  wire                 op_lead;
    input  wire                 op_compact;
    input  wire [LOC_W-1:0]     op_loc;
    input  wire                 slow_room;
    input  wire                 cam_release_valid;
    input  wire [CAM_IW-1:0]    cam_release_idx;
    output reg                  res_valid;
    output reg  [2:0]           res_kind;
    output reg  [TAG_W-1:0]     res_tag;
    output reg  [15:0]          res_now;
    output reg                  res_hit;
    output reg                  res_divert;
    output reg                  res_full;
    output reg                  res_spoof;
    output reg                  res_closed;
    output reg  [EW-1:0]        res_entry;
    output reg  [LOC_W-1:0]     res_loc;
    output reg                  res_compact;
    output reg  [CAM_IW-1:0]    res_cam_idx;
    output reg                  res_ins_ok;
    output reg  [7:0]           res_kicks;
    output reg                  ev_insert;
    output reg                  ev_insert_fail;
    output reg  [7:0]           ev_aged;
    output reg  [7:0]           ev_kicks;
    output reg  [31:0]          occupancy;
    output wire                 busy;

    // ------------------------------------------------------------------ helpers
    /* verilator lint_off UNUSEDSIGNAL */
    function [K_W-1:0] loc_k;                       // slot index {bank, way, half} of a slot location
        input [LOC_W-1:0] l;
        loc_k = {l[LOC_W-2], l[WAY_W-1:0], l[LOC_W-1]};
    endfunction
    function [BKT_W-1:0] loc_bkt;
        input [LOC_W-1:0] l;
        loc_bkt = l[WAY_W +: BKT_W];
    endfunction
    // a full entry's other action is not an ENCAP (either tunnel type) to vtep
    function spoofed;
        input [EW-1:0] e;
        input          dir;
        input [31:0]   vtep;
        reg   [1:0]    t;
        reg   [31:0]   a;
        begin
            t = dir ? e[NZ_E_ACT0 + NZ_ACT_TYPE +: 2] : e[NZ_E_ACT1 + NZ_ACT_TYPE +: 2];
            a = dir ? e[NZ_E_ACT0 + NZ_ACT_VTEP +: 32] : e[NZ_E_ACT1 + NZ_ACT_VTEP +: 32];
            spoofed = !(t[1] && a == vtep);         // type 2 ENCAP, 3 ENCAP_GENEVE
        end
    endfunction
    // the entry after a hit: pkts + 1, bytes + len, ts = now, FIN -> fin[dir], reverse direction -> est
    function [EW-1:0] upd;
        input [EW-1:0] e;
        input [15:0]   now;
        input [15:0]   len;
        input          dir;
        input          fin;
        begin
            upd = e;
            upd[NZ_E_PKTS +: 32]  = e[NZ_E_PKTS +: 32] + 32'd1;
            upd[NZ_E_BYTES +: 40] = e[NZ_E_BYTES +: 40] + {24'd0, len};
            upd[NZ_E_TS +: 16]    = now;
            if (fin && dir)  upd[NZ_E_FIN1] = 1'b1;
            if (fin && !dir) upd[NZ_E_FIN0] = 1'b1;
            if (dir != e[NZ_E_INITDIR]) upd[NZ_E_EST] = 1'b1;
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // ------------------------------------------------------------------ stage registers (S1..S7)
    reg                 v   [1:7];
    reg  [2:0]          kd  [1:7];
    reg  [TAG_W-1:0]    tg  [1:7];
    reg  [15:0]         nw  [1:7];      // tick of the operation
    reg  [LOC_W-1:0]    lc  [1:7];      // READBACK slot
    reg  [127:0]        ky  [1:7];
    reg  [BKT_W-1:0]    b0  [1:7];
    reg  [BKT_W-1:0]    b1  [1:7];
    reg  [15:0]         wt  [1:7];      // ts of the entry this operation writes (INSERT: the entry's, else nw)
    reg                 dr  [1:7];
    reg  [15:0]         ln  [1:7];
    reg                 fn  [1:7];
    reg                 rs  [1:7];
    reg                 ck  [1:7];
    reg  [31:0]         rv  [1:7];
    reg                 ld  [1:7];
    reg                 pf  [1:7];      // INSERT: second pass
    // computed in S1 against the operations 1..6 ahead (bit j-1 = the operation j ahead)
    reg  [5:0]          kq  [2:7];      // same key and that operation writes its key
    reg  [5:0]          li  [2:7];      // now - its write's ts <= idle timeout
    reg  [5:0]          lcl [2:7];      // ... <= close timeout
    reg  [NK_W-1:0]     s1_ent;         // INSERT entry below the key (in S1)
    reg                 s1_cmp;
    /* verilator lint_off UNUSEDSIGNAL */
    reg  [NK_W-1:0]     ins_ent;        // the INSERT in S2..S8 / on its second pass (one at a time)
    reg  [127:0]        ins_key;
    /* verilator lint_on UNUSEDSIGNAL */
    reg                 ins_cmp;

    // modes
    reg                 clr;            // reset clear in progress
    reg  [BKT_W-1:0]    clr_idx;
    reg                 drain;          // an INSERT waits for the pipeline to empty (second pass)
    reg                 p2busy;         // the second pass is in flight (or walks)
    reg  [TAG_W-1:0]    p2_tag;
    reg  [BKT_W-1:0]    p2_b0, p2_b1;
    wire                walk_on;        // the walk runs (sess_walk)
    reg  [BKT_W-1:0]    sw_idx;         // sweep cursor
    reg  [SE_W-1:0]     sw_acc;         // operations accepted since the last sweep (saturating)

    // ------------------------------------------------------------------ S1: accept, compare, wait
    wire [2:0]  k_in   = (op_kind <= K_READBACK) ? op_kind : K_NOP;
    wire        acc    = op_valid & op_ready;
    wire        lk1    = (kd[1] == K_LOOKUP) || (kd[1] == K_RELOOKUP);
    wire        u0_1   = (kd[1] == K_INSERT) || (kd[1] == K_SWEEP) || ((kd[1] == K_READBACK) && !lc[1][LOC_W-2]);
    wire        u1_1   = (kd[1] == K_INSERT) || (kd[1] == K_SWEEP) || ((kd[1] == K_READBACK) && lc[1][LOC_W-2]);
    reg  [5:0]  kq_c, li_c, lc_c, ov_c, ins_c;
    reg  [15:0] dd;
    reg         keyd;
    integer     j, x;
    always @* begin
        for (j = 0; j < 6; j = j + 1) begin
            x        = j + 2;
            keyd     = v[x] && ((kd[x] == K_LOOKUP) || (kd[x] == K_RELOOKUP) || (kd[x] == K_INSERT));
            kq_c[j]  = keyd && lk1 && (ky[x] == ky[1]);
            dd       = nw[1] - wt[x];
            li_c[j]  = !(dd > {1'b0, cfg_idle_to});
            lc_c[j]  = !(dd > {1'b0, cfg_close_to});
            ov_c[j]  = (keyd || (v[x] && kd[x] == K_SWEEP)) &&
                       ((u0_1 && b0[x] == b0[1]) || (u1_1 && b1[x] == b1[1]));
            ins_c[j] = v[x] && (kd[x] == K_INSERT);
        end
    end
    wire modes  = drain | p2busy | walk_on;
    reg  s1_go;                                     // S1 moves to S2 at the end of this cycle
    always @* begin
        case (kd[1])
            K_INSERT:   s1_go = v[1] && !(|ov_c) && !(|ins_c) && !modes;
            K_READBACK: s1_go = v[1] && !(|ov_c) && !p2busy && !walk_on;
            K_SWEEP:    s1_go = v[1] && !(|ov_c);
            default:    s1_go = v[1];
        endcase
    end
    wire s1_drop = v[1] && (kd[1] == K_SWEEP) && (|ov_c);       // a sweep that would wait is dropped
    wire sw_go   = s1_go && (kd[1] == K_SWEEP);
    wire s1_free = !v[1] || s1_go || s1_drop;                    // S1 can load at the end of this cycle
    wire sw_inj  = sweep_en && !acc && s1_free && !s1_drop && !clr && !modes;
    wire [SE_W-1:0] sw_acc_n = sw_go ? {SE_W{1'b0}} :
                               (acc && sw_acc != SE_MAX) ? sw_acc + 1'b1 : sw_acc;
    wire s1_hold_n = acc ? (k_in == K_INSERT || k_in == K_READBACK) : (v[1] && !s1_free);

    // ------------------------------------------------------------------ injection into S2 (second pass, walk)
    wire                    wk_inj, wk_move, wk_new, wk_done, wk_ok;
    wire [BKT_W-1:0]        wk_bkt;
    wire [K_W-1:0]          wsel_k;
    wire [2:0]              wk_mode;
    wire [LOC_W-1:0]        wk_loc, wk_rloc;
    wire [PN_W-1:0]         wk_kicks;
    wire [1:0]              wk_aged;
    reg  [15:0]             wk_now;         // the tick of the walking INSERT
    reg  empty27;
    integer y;
    always @* begin
        empty27 = 1'b1;
        for (y = 2; y <= 7; y = y + 1) empty27 = empty27 & ~v[y];
    end
    wire p2_inj  = drain && empty27 && !(v[1] && kd[1] != K_INSERT);

    // ------------------------------------------------------------------ stage registers
    integer s;
    always @(posedge clk) begin
        // S3..S7
        for (s = 7; s >= 3; s = s - 1) begin
            v[s]   <= v[s-1];   kd[s]  <= kd[s-1];  tg[s] <= tg[s-1];  nw[s] <= nw[s-1];  lc[s] <= lc[s-1];
            ky[s]  <= ky[s-1];  b0[s]  <= b0[s-1];  b1[s] <= b1[s-1];  wt[s] <= wt[s-1];
            dr[s]  <= dr[s-1];  ln[s]  <= ln[s-1];  fn[s] <= fn[s-1];  rs[s] <= rs[s-1];  ck[s] <= ck[s-1];
            rv[s]  <= rv[s-1];  ld[s]  <= ld[s-1];  pf[s] <= pf[s-1];
            kq[s]  <= kq[s-1];  li[s]  <= li[s-1];  lcl[s] <= lcl[s-1];
        end
        // S2
        if (p2_inj || wk_inj) begin
            v[2]  <= 1'b1;
            kd[2] <= p2_inj ? K_INSERT : K_WRD;
            tg[2] <= p2_tag;
            nw[2] <= p2_inj ? sweep_now : wk_now;
            lc[2] <= {LOC_W{1'b0}};
            ky[2] <= ins_key;
            b0[2] <= p2_inj ? p2_b0 : wk_bkt;
            b1[2] <= p2_inj ? p2_b1 : wk_bkt;
            wt[2] <= ins_ent[NZ_E_TS +: 16];
            dr[2] <= 1'b0; ln[2] <= 16'd0; fn[2] <= 1'b0; rs[2] <= 1'b0; ck[2] <= 1'b0; rv[2] <= 32'd0; ld[2] <= 1'b0;
            pf[2] <= p2_inj;
            kq[2] <= 6'd0; li[2] <= 6'd0; lcl[2] <= 6'd0;
        end else begin
            v[2]  <= s1_go;
            kd[2] <= kd[1]; tg[2] <= tg[1]; nw[2] <= nw[1]; lc[2] <= lc[1]; ky[2] <= ky[1];
            b0[2] <= b0[1]; b1[2] <= b1[1]; wt[2] <= wt[1];
            dr[2] <= dr[1]; ln[2] <= ln[1]; fn[2] <= fn[1]; rs[2] <= rs[1]; ck[2] <= ck[1]; rv[2] <= rv[1];
            ld[2] <= ld[1]; pf[2] <= 1'b0;
            kq[2] <= kq_c; li[2] <= li_c; lcl[2] <= lc_c;
        end
        if (s1_go && kd[1] == K_INSERT) begin
            ins_ent <= s1_ent;
            ins_key <= ky[1];
            ins_cmp <= s1_cmp;
        end
        // S1
        if (acc) begin
            v[1]   <= 1'b1;
            kd[1]  <= k_in;
            tg[1]  <= op_tag;
            nw[1]  <= op_now;
            lc[1]  <= op_loc;
            ky[1]  <= (k_in == K_INSERT) ? op_entry[NZ_E_KEY +: 128] : op_key;
            b0[1]  <= (k_in == K_READBACK) ? loc_bkt(op_loc) : op_hash[0 +: BKT_W];
            b1[1]  <= (k_in == K_READBACK) ? loc_bkt(op_loc) : op_hash[16 +: BKT_W];
            wt[1]  <= (k_in == K_INSERT) ? op_entry[NZ_E_TS +: 16] : op_now;
            dr[1]  <= op_dir; ln[1] <= op_len; fn[1] <= op_fin; rs[1] <= op_rst; ck[1] <= op_chk_rev;
            rv[1]  <= op_rev_vtep; ld[1] <= op_lead;
            s1_ent <= op_entry[NK_W-1:0];
            s1_cmp <= op_compact;
        end else if (sw_inj) begin
            v[1]   <= 1'b1;
            kd[1]  <= K_SWEEP;
            nw[1]  <= sweep_now;
            b0[1]  <= sw_idx;
            b1[1]  <= sw_idx;
            wt[1]  <= sweep_now;
            tg[1]  <= {TAG_W{1'b0}};
            lc[1]  <= {LOC_W{1'b0}};
        end else if (s1_free) begin
            v[1]   <= 1'b0;
        end
        if (rst) begin
            for (s = 1; s <= 7; s = s + 1) v[s] <= 1'b0;
        end
    end

    // ------------------------------------------------------------------ RAMs (S2 read, S8 write)
    wire                rd2 = v[2] && (kd[2] != K_NOP);
    wire [NW*HW-1:0]    h0_rd, h1_rd;
    wire [NW-1:0]       v0_rd, v1_rd, pr_rd;
    // the S8 write record (below)
    reg                 r8_wv;          // a write of the op's key: update, delete or insert placement
    reg  [2:0]          r8_mode;
    reg  [LOC_W-1:0]    r8_loc;
    reg                 r8_cmp;
    reg  [EW-1:0]       r8_img;         // the slot after the write, as an entry (bit 0: valid)
    reg                 r8_sw;          // a sweep clears the bits of r8_swm in bucket r8_swb of both banks
    reg  [BKT_W-1:0]    r8_swb;
    reg  [NS-1:0]       r8_swm;
    sp_store #(.SESS_LOG2(SESS_LOG2), .SESS_WAYS(SESS_WAYS)) u_store (
        .clk(clk), .rst(rst),
        .re(rd2), .raddr0(b0[2]), .raddr1(b1[2]),
        .h0_rd(h0_rd), .h1_rd(h1_rd), .v0_rd(v0_rd), .v1_rd(v1_rd), .pr_rd(pr_rd),
        .wmode(r8_mode), .wloc(r8_loc), .wimg(r8_img), .sw(r8_sw), .swb(r8_swb), .swm(r8_swm),
        .clr(clr), .clr_idx(clr_idx));

    // S3: the RAM output register (the block RAM's own)
    reg  [NW*HW-1:0]    h0_4, h1_4;
    reg  [NW-1:0]       v0_4, v1_4, pr_4;
    always @(posedge clk) begin
        if (v[3] && kd[3] != K_NOP) begin
            h0_4 <= h0_rd; h1_4 <= h1_rd; v0_4 <= v0_rd; v1_4 <= v1_rd; pr_4 <= pr_rd;
        end
    end

    // ------------------------------------------------------------------ S4, S5: the buckets
    wire                bk_hit, bk_cmp;
    wire [K_W-1:0]      bk_hit_k;
    wire [EW-1:0]       bk_ent;
    wire [NS-1:0]       bk_valid, bk_live, bk_swp;
    wire [CNT_W-1:0]    bk_swp_cnt;
    wire [NW-1:0]       bk_pr;
    wire [1:0]          bk_free_any, bk_hf_any;
    wire [WAY_W-1:0]    bk_fw0, bk_fw1, bk_hw0, bk_hw1;
    wire [WAY_W:0]      bk_nf0, bk_nf1;
    wire [WAY_W+1:0]    bk_nh0, bk_nh1;
    sp_bucket #(.SESS_WAYS(SESS_WAYS)) u_bkt (
        .clk(clk), .cfg_idle_to(cfg_idle_to), .cfg_close_to(cfg_close_to),
        .ld4(v[4] && kd[4] != K_NOP), .now4(nw[4]), .key4(ky[4]),
        .h0_4(h0_4), .h1_4(h1_4), .v0_4(v0_4), .v1_4(v1_4), .pr_4(pr_4),
        .ld5((v[5] && kd[5] != K_NOP) || walk_on),
        .sel_given5(walk_on || kd[5] == K_READBACK), .sel_k5(walk_on ? wsel_k : loc_k(lc[5])),
        .hit(bk_hit), .hit_k(bk_hit_k), .ent(bk_ent), .ent_cmp(bk_cmp),
        .valid(bk_valid), .live(bk_live), .swp(bk_swp), .swp_cnt(bk_swp_cnt), .pr(bk_pr),
        .free_any(bk_free_any), .free_way0(bk_fw0), .free_way1(bk_fw1), .nfree0(bk_nf0), .nfree1(bk_nf1),
        .hf_any(bk_hf_any), .hf_way0(bk_hw0), .hf_way1(bk_hw1), .nfh0(bk_nh0), .nfh1(bk_nh1));

    // ------------------------------------------------------------------ S8 write record and its history
    // r8_*: the write of the operation in S8 (r8_wv: a write of its key: update, delete or insert placement);
    // h*[i]: the record of i + 1 cycles before.
    reg                 hwv  [0:3];
    reg  [LOC_W-1:0]    hloc [0:3];
    reg                 hcmp [0:3];
    reg  [EW-1:0]       himg_q [0:3];
    integer h;
    always @(posedge clk) begin
        hwv[0] <= r8_wv; hloc[0] <= r8_loc; hcmp[0] <= r8_cmp; himg_q[0] <= r8_img;
        for (h = 1; h < 4; h = h + 1) begin
            hwv[h] <= hwv[h-1]; hloc[h] <= hloc[h-1]; hcmp[h] <= hcmp[h-1]; himg_q[h] <= himg_q[h-1];
        end
        if (rst) for (h = 0; h < 4; h = h + 1) hwv[h] <= 1'b0;
    end

    // ------------------------------------------------------------------ S6
    // INSERT target (datapath-spec 4.6): full -> an empty word of the bucket with more of them (bank 0 on a tie);
    // compact -> in the bucket with more free halves, the free half of its first PAIR word with one, else half 0
    // of its first empty word
    wire            pick0   = bk_free_any[0] && (bk_nf0 >= bk_nf1);
    wire [WAY_W:0]  pick_k  = pick0 ? {1'b0, bk_fw0} : {1'b1, bk_fw1};
    wire            cpick0  = (bk_nh0 != 0) && (bk_nh0 >= bk_nh1);
    wire            cfree   = (bk_nh0 != 0) || (bk_nh1 != 0);
    wire            hfa     = cpick0 ? bk_hf_any[0] : bk_hf_any[1];
    wire [WAY_W:0]  hf_k    = cpick0 ? {1'b0, bk_hw0} : {1'b1, bk_hw1};
    wire [WAY_W:0]  ce_k    = cpick0 ? {1'b0, bk_fw0} : {1'b1, bk_fw1};
    wire            hf_half = bk_live[{hf_k, 1'b0}];           // slot 0 live -> half 1 is the free one
    wire            hf_val  = bk_valid[{hf_k, hf_half}];        // that half holds an expired entry
    wire            t_room  = ins_cmp ? cfree : (|bk_free_any);
    wire [WAY_W:0]  t_k     = !ins_cmp ? pick_k : hfa ? hf_k : ce_k;
    wire            t_half  = ins_cmp && hfa && hf_half;
    wire [2:0]      t_mode  = !ins_cmp ? WM_FULL : hfa ? (hf_half ? WM_C1 : WM_C0) : WM_CE;
    wire [1:0]      t_aged  = (ins_cmp && hfa) ? {1'b0, hf_val} :
                              {1'b0, bk_valid[{t_k, 1'b0}]} + {1'b0, bk_valid[{t_k, 1'b1}]};
    wire [LOC_W-1:0] t_loc  = {t_half, t_k[WAY_W], t_k[WAY_W] ? b1[6] : b0[6], t_k[WAY_W-1:0]};
    wire [LOC_W-1:0] st_loc = {bk_hit_k[0], bk_hit_k[K_W-1], bk_hit_k[K_W-1] ? b1[6] : b0[6], bk_hit_k[WAY_W:1]};

    // forwarding from the operations 2..6 ahead: S8 record and h[0..3]; the newest same-key write wins
    reg             fo_any, fo_cmp, fo_live, fo_sp;
    reg [EW-1:0]    fo_img, si_img;
    reg [LOC_W-1:0] fo_loc, si_loc;
    reg             si_wv, si_cmp;
    integer         q;
    always @* begin
        fo_any  = 1'b0;
        fo_cmp  = 1'b0;
        fo_live = 1'b0;
        fo_sp   = 1'b0;
        fo_img  = {EW{1'b0}};
        fo_loc  = {LOC_W{1'b0}};
        for (q = 5; q >= 1; q = q - 1) begin
            if (q == 1) begin si_wv = r8_wv;      si_img = r8_img;      si_loc = r8_loc;      si_cmp = r8_cmp;      end
            else        begin si_wv = hwv[q-2];   si_img = himg_q[q-2]; si_loc = hloc[q-2];   si_cmp = hcmp[q-2];   end
            if (kq[6][q] && si_wv) begin
                fo_any  = 1'b1;
                fo_img  = si_img;
                fo_loc  = si_loc;
                fo_cmp  = si_cmp;
                fo_live = si_img[NZ_E_VALID] & ((si_img[NZ_E_FIN0] & si_img[NZ_E_FIN1]) ? lcl[6][q] : li[6][q]);
                fo_sp   = !si_cmp && spoofed(si_img, dr[6], rv[6]);
            end
        end
    end

    // S7 registers
    reg             fo7_any, fo7_cmp, fo7_live, fo7_sp;
    reg [EW-1:0]    fo7_img;
    reg [LOC_W-1:0] fo7_loc;
    reg             st7_hit, st7_cmp, st7_sp;
    reg [EW-1:0]    st7_img;
    reg [LOC_W-1:0] st7_loc;
    reg             i7_room;
    reg [2:0]       i7_mode;
    reg [LOC_W-1:0] i7_loc;
    reg [1:0]       i7_aged;
    reg [NS-1:0]    sw7_m;
    reg [CNT_W-1:0] sw7_cnt;
    always @(posedge clk) begin
        fo7_any  <= fo_any;  fo7_cmp <= fo_cmp; fo7_live <= fo_live; fo7_sp <= fo_sp;
        fo7_img  <= fo_img;  fo7_loc <= fo_loc;
        st7_hit  <= bk_hit;  st7_cmp <= bk_cmp; st7_img <= bk_ent; st7_loc <= st_loc;
        st7_sp   <= !bk_cmp && spoofed(bk_ent, dr[6], rv[6]);
        i7_room  <= t_room;  i7_mode <= t_mode; i7_loc <= t_loc; i7_aged <= t_aged;
        sw7_m    <= bk_swp;  sw7_cnt <= bk_swp_cnt;
    end

    // ------------------------------------------------------------------ S7: the CAM and the decision
    wire            j1     = kq[7][0] && r8_wv;                 // the operation just ahead wrote this key
    wire            live1  = r8_img[NZ_E_VALID] & ((r8_img[NZ_E_FIN0] & r8_img[NZ_E_FIN1]) ? lcl[7][0] : li[7][0]);
    wire            hit7   = (j1 || fo7_any) ? (j1 ? live1 : fo7_live) : st7_hit;
    wire [EW-1:0]   e7     = j1 ? r8_img : fo7_any ? fo7_img : st7_img;
    wire            cmp7   = j1 ? r8_cmp : fo7_any ? fo7_cmp : st7_cmp;
    wire [LOC_W-1:0] loc7  = j1 ? r8_loc : fo7_any ? fo7_loc : st7_loc;
    wire            sp7    = ck[7] && (j1 ? (!r8_cmp && spoofed(r8_img, dr[7], rv[7])) : fo7_any ? fo7_sp : st7_sp);
    wire            lk7    = v[7] && (kd[7] == K_LOOKUP || kd[7] == K_RELOOKUP);
    wire            cam_ok = v[7] && (kd[7] == K_LOOKUP);
    wire            cam_match, cam_follow, cam_alloc, cam_full;
    wire [CAM_IW-1:0] cam_idx;
    /* verilator lint_off PINCONNECTEMPTY */
    pending_cam #(.Q(CAM_Q), .CNT_W(CAM_CNT_W), .KEY_W(128)) u_cam (
        .clk(clk), .rst(rst),
        .a_valid(v[6] && kd[6] == K_LOOKUP), .a_key(ky[6]),
        .b_follow_ok(cam_ok), .b_lead_ok(cam_ok && !hit7 && ld[7]), .b_room(slow_room),
        .b_match(cam_match), .b_follow(cam_follow), .b_alloc(cam_alloc), .b_full(cam_full), .b_idx(cam_idx),
        .rel_valid(cam_release_valid), .rel_idx(cam_release_idx),
        .used());
    /* verilator lint_on PINCONNECTEMPTY */
    wire            wr7    = lk7 && hit7 && !sp7 && !(cam_ok && cam_match);
    wire [EW-1:0]   new_ent = {ins_key, ins_cmp ? 180'd0 : ins_ent[NZ_E_ACT0 +: 180], ins_ent[NZ_E_ACT0-1:1], 1'b1};
    wire            ins7   = v[7] && (kd[7] == K_INSERT);
    wire            drain_set = ins7 && !i7_room && !pf[7] && (MAX_KICKS > 0);

    // ------------------------------------------------------------------ walk (second pass without room)
    sess_walk #(.SESS_LOG2(SESS_LOG2), .SESS_WAYS(SESS_WAYS), .MAX_KICKS(MAX_KICKS)) u_walk (
        .clk(clk), .rst(rst),
        .start(ins7 && pf[7] && !i7_room), .start_bkt(b0[7]), .cmp(ins_cmp),
        .free_any(bk_free_any), .free_way0(bk_fw0), .free_way1(bk_fw1),
        .hf_any(bk_hf_any), .hf_way0(bk_hw0), .hf_way1(bk_hw1),
        .live(bk_live), .valid(bk_valid), .pr(bk_pr), .vkey(bk_ent[NZ_E_KEY +: 128]),
        .rd_done(v[6] && kd[6] == K_WRD),
        .on(walk_on), .rd(wk_inj), .rd_bkt(wk_bkt), .sel_k(wsel_k),
        .wr_move(wk_move), .wr_new(wk_new), .wr_mode(wk_mode), .wr_loc(wk_loc),
        .done(wk_done), .ok(wk_ok), .kicks(wk_kicks), .loc(wk_rloc), .aged(wk_aged));
    always @(posedge clk)
        if (ins7 && pf[7] && !i7_room && !walk_on) wk_now <= nw[7];

    // ------------------------------------------------------------------ S7 -> S8: results, record, events
    always @(posedge clk) begin
        res_valid      <= 1'b0;
        res_kind       <= kd[7];
        res_tag        <= tg[7];
        res_now        <= nw[7];
        res_hit        <= 1'b0;
        res_divert     <= 1'b0;
        res_full       <= 1'b0;
        res_spoof      <= 1'b0;
        res_closed     <= 1'b0;
        res_entry      <= {EW{1'b0}};
        res_loc        <= {LOC_W{1'b0}};
        res_compact    <= 1'b0;
        res_cam_idx    <= {CAM_IW{1'b0}};
        res_ins_ok     <= 1'b0;
        res_kicks      <= 8'd0;
        r8_wv          <= 1'b0;
        r8_mode        <= WM_NONE;
        r8_sw          <= 1'b0;
        ev_insert      <= 1'b0;
        ev_insert_fail <= 1'b0;
        ev_aged        <= 8'd0;
        ev_kicks       <= 8'd0;
        if (v[7]) begin
            case (kd[7])
                K_LOOKUP, K_RELOOKUP: begin
                    res_valid   <= 1'b1;
                    res_hit     <= hit7;
                    res_divert  <= cam_follow | cam_alloc;
                    res_full    <= cam_full;
                    res_spoof   <= hit7 && sp7 && !(cam_ok && cam_match);
                    res_closed  <= wr7 && rs[7];
                    res_entry   <= hit7 ? e7 : {EW{1'b0}};
                    res_loc     <= hit7 ? loc7 : {LOC_W{1'b0}};
                    res_compact <= hit7 && cmp7;
                    res_cam_idx <= cam_idx;
                    r8_wv       <= wr7;
                    r8_loc      <= loc7;
                    r8_cmp      <= cmp7;
                    if (rs[7]) begin
                        r8_mode <= wr7 ? (loc7[LOC_W-1] ? WM_DEL1 : WM_DEL0) : WM_NONE;
                        r8_img  <= {e7[EW-1:1], 1'b0};
                        if (wr7) occupancy <= occupancy - 32'd1;
                    end else begin
                        r8_mode <= !wr7 ? WM_NONE : !cmp7 ? WM_FULL : loc7[LOC_W-1] ? WM_C1 : WM_C0;
                        r8_img  <= upd(e7, nw[7], ln[7], dr[7], fn[7]);
                    end
                end
                K_INSERT: begin
                    res_loc     <= i7_loc;
                    res_compact <= ins_cmp;
                    if (i7_room) begin
                        res_valid  <= 1'b1;
                        res_ins_ok <= 1'b1;
                        r8_wv      <= 1'b1;
                        r8_mode    <= i7_mode;
                        r8_loc     <= i7_loc;
                        r8_cmp     <= ins_cmp;
                        r8_img     <= new_ent;
                        ev_insert  <= 1'b1;
                        ev_aged    <= {6'd0, i7_aged};
                        occupancy  <= occupancy + 32'd1 - {30'd0, i7_aged};
                    end else if (MAX_KICKS == 0) begin
                        res_valid      <= 1'b1;
                        ev_insert_fail <= 1'b1;
                    end
                end
                K_READBACK: begin
                    res_valid   <= 1'b1;
                    res_entry   <= st7_img;
                    res_compact <= st7_cmp;
                    res_loc     <= lc[7];
                end
                K_SWEEP: begin
                    res_valid <= 1'b1;
                    res_loc   <= {2'b00, b0[7], {WAY_W{1'b0}}};
                    r8_sw     <= 1'b1;
                    r8_swb    <= b0[7];
                    r8_swm    <= sw7_m;
                    ev_aged   <= {{(8-CNT_W){1'b0}}, sw7_cnt};
                    occupancy <= occupancy - {{(32-CNT_W){1'b0}}, sw7_cnt};
                end
                K_NOP: res_valid <= 1'b1;
                default: ;
            endcase
        end
        // the walk: its commit writes and its result (the pipeline is otherwise empty)
        if (wk_move || wk_new) begin
            r8_mode <= wk_mode;
            r8_loc  <= wk_loc;
            r8_img  <= wk_new ? new_ent : bk_ent;
        end
        if (wk_done) begin
            res_valid      <= 1'b1;
            res_kind       <= K_INSERT;
            res_tag        <= p2_tag;
            res_now        <= wk_now;
            res_loc        <= wk_rloc;
            res_compact    <= ins_cmp;
            res_ins_ok     <= wk_ok;
            res_kicks      <= {{(8-PN_W){1'b0}}, wk_kicks};
            ev_insert      <= wk_ok;
            ev_insert_fail <= !wk_ok;
            ev_kicks       <= {{(8-PN_W){1'b0}}, wk_kicks};
            ev_aged        <= {6'd0, wk_aged};
            if (wk_ok) occupancy <= occupancy + 32'd1 - {30'd0, wk_aged};
        end
        if (rst) begin
            res_valid <= 1'b0;
            r8_wv     <= 1'b0;
            r8_mode   <= WM_NONE;
            r8_sw     <= 1'b0;
            occupancy <= 32'd0;
        end
    end

    // ------------------------------------------------------------------ modes, sweeps, op_ready
    always @(posedge clk) begin
        if (clr) begin
            clr_idx <= clr_idx + 1'b1;
            if (clr_idx == LAST_BKT) clr <= 1'b0;
        end
        if (drain_set) begin
            drain  <= 1'b1;
            p2_tag <= tg[7];
            p2_b0  <= b0[7];
            p2_b1  <= b1[7];
        end
        if (p2_inj) begin
            drain  <= 1'b0;
            p2busy <= 1'b1;
        end
        if ((ins7 && pf[7] && (i7_room || MAX_KICKS == 0)) || wk_done)
            p2busy <= 1'b0;
        if (sw_inj)  sw_idx <= sw_idx + 1'b1;      // the cursor: the next bucket to sweep
        if (s1_drop) sw_idx <= b0[1];               // ... back to a dropped one
        sw_acc   <= sw_acc_n;
        op_ready <= !clr && !drain && !drain_set && !p2busy && !walk_on && !s1_hold_n &&
                    !(sweep_en && sw_acc_n == SE_MAX);
        if (rst) begin
            clr      <= 1'b1;
            clr_idx  <= {BKT_W{1'b0}};
            drain    <= 1'b0;
            p2busy   <= 1'b0;
            sw_idx   <= {BKT_W{1'b0}};
            sw_acc   <= {SE_W{1'b0}};
            op_ready <= 1'b0;
        end
    end

    assign busy = clr | drain | p2busy | walk_on | v[1] | v[2] | v[3] | v[4] | v[5] | v[6] | v[7];
endmodule

`resetall
