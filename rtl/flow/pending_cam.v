`resetall
`default_nettype none

// pending_cam: the pending-flow CAM of the pipelined datapath (docs/pipeline.md 3.1 and 4). Q entries
// {key, count}: one per flow that has frames in the slow queue or the slow editor, with their number. An entry is
// in use while its count is not 0. Keys in use are distinct.
//
// Two stages, one operation per cycle, used by sess_pipe in S6 (A) and S7 (B):
//   A (cycle c):   a_key is compared with every entry in use; the match is registered. An operation that is in
//                  A in cycle c is in B in cycle c+1 (always: the stages never stall).
//   B (cycle c+1): the decision for that operation, combinational from the registers and the b_* inputs:
//                  match   = its key is in use now: the registered match of A, less entries freed since, plus the
//                            entry the operation just ahead allocated in cycle c if it has the same key (the only
//                            allocation the compare in A could not see);
//                  follow  = b_follow_ok & match & count < max & b_room: count + 1;
//                  alloc   = b_lead_ok & !match & a free entry & b_room: the lowest free entry gets
//                            {the key, count 1};
//                  full    = b_follow_ok & match & (count == max | !b_room), or b_lead_ok & !match & (no free entry
//                            | !b_room): nothing changes;
//                  idx     = the matched entry (follow, or full on a match), else the allocated one (0 if none).
//                  b_lead_ok must imply b_follow_ok (a leader is a lookup that is not a follower).
//   The changes take effect at the end of cycle c+1.
// Release (any cycle): rel_valid / rel_idx: count - 1 at the end of the cycle, the entry is free at 0 (a release
// of a free entry is ignored). A release in the cycle of a decision takes effect after it: the decision sees the
// count before the release, a follow and a release of the same entry in one cycle leave the count unchanged.
// Reset: every entry free. `used` = entries in use (combinational from the registers).
//
// Requirements: Q >= 1, CNT_W >= 1.
module pending_cam #(
    parameter Q     = 8,
    parameter CNT_W = 4,
    parameter KEY_W = 128
) (
    clk, rst,
    a_valid, a_key,
    b_follow_ok, b_lead_ok, b_room,
    b_match, b_follow, b_alloc, b_full, b_idx,
    rel_valid, rel_idx,
    used
);
    localparam integer IW = (Q <= 2) ? 1 : $clog2(Q);
    localparam [CNT_W-1:0] CMAX = {CNT_W{1'b1}};

    input  wire             clk;
    input  wire             rst;
    input  wire             a_valid;
    input  wire [KEY_W-1:0] a_key;
    input  wire             b_follow_ok;
    input  wire             b_lead_ok;
    input  wire             b_room;
    output wire             b_match;
    output wire             b_follow;
    output wire             b_alloc;
    output wire             b_full;
    output reg  [IW-1:0]    b_idx;
    input  wire             rel_valid;
    input  wire [IW-1:0]    rel_idx;
    output reg  [IW:0]      used;           // (combinational)

    reg  [KEY_W-1:0]    key [0:Q-1];
    reg  [CNT_W-1:0]    cnt [0:Q-1];
    reg  [Q-1:0]        inuse;
    reg  [Q-1:0]        atmax;          // count == max (registered with the count)

    // ------------------------------------------------------------------ A
    reg  [Q-1:0]        m_c;
    integer             a;
    always @* begin
        for (a = 0; a < Q; a = a + 1)
            m_c[a] = inuse[a] && (key[a] == a_key);
    end
    reg  [KEY_W-1:0]    bkey;           // key of the operation in B
    reg  [Q-1:0]        m_q;            // its match in A
    reg                 eq_q;           // its key = the key of the operation ahead of it
    reg                 alloc_q;        // the operation ahead allocated ...
    reg  [Q-1:0]        alloc_oh_q;     // ... this entry

    // ------------------------------------------------------------------ B
    reg  [Q-1:0]        free_oh;        // lowest free entry
    reg                 fseen;
    reg  [IW-1:0]       free_idx, m_idx;
    integer             b;
    always @* begin
        fseen    = 1'b0;
        free_idx = {IW{1'b0}};
        for (b = 0; b < Q; b = b + 1) begin
            free_oh[b] = ~inuse[b] & ~fseen;
            fseen      = fseen | ~inuse[b];
        end
        for (b = Q - 1; b >= 0; b = b - 1)
            if (~inuse[b]) free_idx = b[IW-1:0];
    end
    wire [Q-1:0] mv      = (m_q & inuse) | ({Q{alloc_q & eq_q}} & alloc_oh_q);
    wire         anyfree = ~&inuse;
    wire         mmax    = |(mv & atmax);
    integer             c;
    always @* begin
        m_idx = {IW{1'b0}};
        for (c = 0; c < Q; c = c + 1)
            if (mv[c]) m_idx = m_idx | c[IW-1:0];
    end
    assign b_match  = |mv;
    assign b_follow = b_follow_ok & b_match & ~mmax & b_room;
    assign b_alloc  = b_lead_ok & ~b_match & anyfree & b_room;
    assign b_full   = (b_follow_ok & b_match & (mmax | ~b_room)) | (b_lead_ok & ~b_match & (~anyfree | ~b_room));
    always @* b_idx = b_match ? m_idx : b_alloc ? free_idx : {IW{1'b0}};

    // ------------------------------------------------------------------ state
    // the next count, and the in-use / at-maximum flags without going through it (one level after the decision)
    reg  [CNT_W*Q-1:0]  cnt_n;
    reg  [Q-1:0]        inuse_n, atmax_n;
    reg  [CNT_W-1:0]    cn;
    reg                 alloc_e, up, dn;
    integer             e, f;
    always @* begin
        for (e = 0; e < Q; e = e + 1) begin
            alloc_e = b_alloc & free_oh[e];
            up      = b_follow & mv[e] & ~(rel_valid & (rel_idx == e[IW-1:0]));
            dn      = rel_valid & (rel_idx == e[IW-1:0]) & inuse[e] & ~(b_follow & mv[e]);
            cn      = cnt[e];
            if (alloc_e)  cn = {{(CNT_W-1){1'b0}}, 1'b1};
            else if (up)  cn = cn + 1'b1;
            else if (dn)  cn = cn - 1'b1;
            cnt_n[e*CNT_W +: CNT_W] = cn;
            inuse_n[e] = alloc_e | (inuse[e] & ~(dn & (cnt[e] == {{(CNT_W-1){1'b0}}, 1'b1})));
            atmax_n[e] = alloc_e ? (CMAX == {{(CNT_W-1){1'b0}}, 1'b1}) :
                         (atmax[e] & ~dn) | (up & (cnt[e] == CMAX - 1'b1));
        end
    end
    // entries in use (from the registers)
    always @* begin
        used = {(IW+1){1'b0}};
        for (f = 0; f < Q; f = f + 1) used = used + {{IW{1'b0}}, inuse[f]};
    end

    integer g;
    always @(posedge clk) begin
        bkey       <= a_key;
        m_q        <= m_c & {Q{a_valid}};
        eq_q       <= a_valid && (a_key == bkey);
        alloc_q    <= b_alloc;
        alloc_oh_q <= free_oh;
        inuse      <= inuse_n;
        atmax      <= atmax_n;
        for (g = 0; g < Q; g = g + 1) begin
            if (b_alloc && free_oh[g]) key[g] <= bkey;
            cnt[g] <= cnt_n[g*CNT_W +: CNT_W];
        end
        if (rst) begin
            for (g = 0; g < Q; g = g + 1) cnt[g] <= {CNT_W{1'b0}};
            inuse   <= {Q{1'b0}};
            atmax   <= {Q{1'b0}};
            alloc_q <= 1'b0;
            m_q     <= {Q{1'b0}};
            eq_q    <= 1'b0;
        end
    end
endmodule

`resetall
