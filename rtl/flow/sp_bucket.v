`resetall
`default_nettype none

// sp_bucket: stages S4 and S5 of the session operation pipeline (sess_pipe, docs/pipeline.md 3.1): the two
// buckets of an operation, as read from the session RAMs (2 banks x SESS_WAYS words of two halves, the layout of
// datapath-spec 4.6 and session_table.v), evaluated in two registered steps.
//
//   S4 (inputs *_4, from the RAM output register): per slot valid, expired at now4, live, key-equal to key4
//      -> registered (with a copy of the words) when ld4 is high.
//   S5: the first live match in lookup order (bank 0 ways 0..W-1, half 0 then half 1, then bank 1), the entry
//      multiplexer (the first match, or the slot sel_k5 when sel_given5), the room of datapath-spec 4.6 per bank
//      (empty words, their number and the first one; PAIR words with one live slot and a free half, the first one;
//      free halves), and the expired valid slots a sweep clears -> registered on the outputs when ld5 is high.
//
// Slot index inside the two buckets: k = {bank, way, half} (K_W = log2(SESS_WAYS) + 2 bits); word index {bank, way}.
// A slot reads as a full entry (key and state of half 0, the actions of half 1) at half 0 of a word without PAIR,
// else as a compact entry (actions 0). Outputs hold while ld5 is low. cfg_idle_to / cfg_close_to are used live.
module sp_bucket #(
    parameter SESS_WAYS = 2
) (
    clk,
    cfg_idle_to, cfg_close_to,
    ld4, now4, key4, h0_4, h1_4, v0_4, v1_4, pr_4,
    ld5, sel_given5, sel_k5,
    hit, hit_k, ent, ent_cmp,
    valid, live, swp, swp_cnt, pr,
    free_any, free_way0, free_way1, nfree0, nfree1,
    hf_any, hf_way0, hf_way1, nfh0, nfh1
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer WAY_W = $clog2(SESS_WAYS);
    localparam integer NW    = 2 * SESS_WAYS;      // words of both buckets, index {bank, way}
    localparam integer NS    = 2 * NW;             // slots of both buckets, index {bank, way, half}
    localparam integer K_W   = WAY_W + 2;
    localparam integer EW    = NZ_ENTRY_W;
    localparam integer HW    = NZ_HALF_W;
    localparam integer CNT_W = $clog2(NS + 1);

    input  wire                 clk;
    input  wire [14:0]          cfg_idle_to;
    input  wire [14:0]          cfg_close_to;
    input  wire                 ld4;
    input  wire [15:0]          now4;
    input  wire [127:0]         key4;
    input  wire [NW*HW-1:0]     h0_4;
    input  wire [NW*HW-1:0]     h1_4;
    input  wire [NW-1:0]        v0_4;
    input  wire [NW-1:0]        v1_4;
    input  wire [NW-1:0]        pr_4;
    input  wire                 ld5;
    input  wire                 sel_given5;     // multiplex slot sel_k5 instead of the first match
    input  wire [K_W-1:0]       sel_k5;
    output reg                  hit;            // a live slot with key4 exists
    output reg  [K_W-1:0]       hit_k;          // the first of them
    output reg  [EW-1:0]        ent;            // the multiplexed slot as an entry (bit 0 = its valid)
    output reg                  ent_cmp;        // ... is compact
    output reg  [NS-1:0]        valid;
    output reg  [NS-1:0]        live;
    output reg  [NS-1:0]        swp;            // valid and expired: what a sweep clears
    output reg  [CNT_W-1:0]     swp_cnt;
    output reg  [NW-1:0]        pr;
    output reg  [1:0]           free_any;       // per bank: an empty word exists
    output reg  [WAY_W-1:0]     free_way0;      // first empty word of bank 0 / 1
    output reg  [WAY_W-1:0]     free_way1;
    output reg  [WAY_W:0]       nfree0;         // empty words of bank 0 / 1
    output reg  [WAY_W:0]       nfree1;
    output reg  [1:0]           hf_any;         // per bank: a PAIR word with one live slot exists
    output reg  [WAY_W-1:0]     hf_way0;        // the first of them in bank 0 / 1
    output reg  [WAY_W-1:0]     hf_way1;
    output reg  [WAY_W+1:0]     nfh0;           // free halves of bank 0 / 1 (2 per empty word, 1 per such PAIR word)
    output reg  [WAY_W+1:0]     nfh1;

    // ------------------------------------------------------------------ S4
    reg  [NS-1:0]   valid_c, live_c, match_c, swp_c;
    reg  [HW-1:0]   si;
    reg  [15:0]     age;
    reg  [14:0]     tmo;
    integer         k;
    always @* begin
        for (k = 0; k < NS; k = k + 1) begin
            si          = (k % 2 == 0) ? h0_4[(k/2)*HW +: HW] : h1_4[(k/2)*HW +: HW];
            valid_c[k]  = si[NZ_E_VALID] & ((k % 2 == 0) ? v0_4[k/2] : (v1_4[k/2] & pr_4[k/2]));
            age         = now4 - si[NZ_E_TS +: 16];
            tmo         = (si[NZ_E_FIN0] & si[NZ_E_FIN1]) ? cfg_close_to : cfg_idle_to;
            swp_c[k]    = valid_c[k] & (age > {1'b0, tmo});
            live_c[k]   = valid_c[k] & ~swp_c[k];
            match_c[k]  = live_c[k] && (si[NZ_H_KEY +: 128] == key4);
        end
    end

    reg  [NS-1:0]       valid5, live5, match5, swp5;
    reg  [NW*HW-1:0]    h0_5, h1_5;
    reg  [NW-1:0]       pr5;
    always @(posedge clk) begin
        if (ld4) begin
            valid5 <= valid_c;
            live5  <= live_c;
            match5 <= match_c;
            swp5   <= swp_c;
            h0_5   <= h0_4;
            h1_5   <= h1_4;
            pr5    <= pr_4;
        end
    end

    // ------------------------------------------------------------------ S5
    reg  [NS-1:0]       fm_oh, sel_oh;
    reg                 seen;
    reg  [K_W-1:0]      fm_k;
    reg  [HW-1:0]       img, sn;
    reg  [179:0]        act;
    reg                 cmp;
    reg  [NW-1:0]       empty_w, hfree_w;
    reg  [1:0]          f_any, h_any;
    reg  [WAY_W-1:0]    fw0, fw1, hw0, hw1;
    reg  [WAY_W:0]      nf0, nf1;
    reg  [WAY_W+1:0]    nh0, nh1;
    reg  [CNT_W-1:0]    scnt;
    integer             n;
    always @* begin
        // first match, one-hot
        seen = 1'b0;
        fm_k = {K_W{1'b0}};
        for (n = 0; n < NS; n = n + 1) begin
            fm_oh[n] = match5[n] & ~seen;
            seen     = seen | match5[n];
        end
        for (n = NS - 1; n >= 0; n = n - 1)
            if (match5[n]) fm_k = n[K_W-1:0];
        // entry multiplexer (one-hot AND-OR)
        for (n = 0; n < NS; n = n + 1)
            sel_oh[n] = sel_given5 ? (sel_k5 == n[K_W-1:0]) : fm_oh[n];
        img = {HW{1'b0}};
        act = 180'd0;
        cmp = 1'b0;
        for (n = 0; n < NS; n = n + 1) begin
            sn    = (n % 2 == 0) ? h0_5[(n/2)*HW +: HW] : h1_5[(n/2)*HW +: HW];
            sn[0] = valid5[n];
            img   = img | ({HW{sel_oh[n]}} & sn);
            if (n % 2 == 1) cmp = cmp | sel_oh[n];
            else begin
                cmp = cmp | (sel_oh[n] & pr5[n/2]);
                act = act | ({180{sel_oh[n] & ~pr5[n/2]}} & h1_5[(n/2)*HW +: 180]);
            end
        end
        // room per bank
        for (n = 0; n < NW; n = n + 1) begin
            empty_w[n] = ~live5[2*n] & ~live5[2*n+1];
            hfree_w[n] = pr5[n] & (live5[2*n] ^ live5[2*n+1]);
        end
        f_any[0] = |empty_w[0 +: SESS_WAYS];
        f_any[1] = |empty_w[SESS_WAYS +: SESS_WAYS];
        h_any[0] = |hfree_w[0 +: SESS_WAYS];
        h_any[1] = |hfree_w[SESS_WAYS +: SESS_WAYS];
        fw0 = {WAY_W{1'b0}};
        fw1 = {WAY_W{1'b0}};
        hw0 = {WAY_W{1'b0}};
        hw1 = {WAY_W{1'b0}};
        nf0 = {(WAY_W+1){1'b0}};
        nf1 = {(WAY_W+1){1'b0}};
        for (n = SESS_WAYS - 1; n >= 0; n = n - 1) begin
            if (empty_w[n])             fw0 = n[WAY_W-1:0];
            if (empty_w[SESS_WAYS + n]) fw1 = n[WAY_W-1:0];
            if (hfree_w[n])             hw0 = n[WAY_W-1:0];
            if (hfree_w[SESS_WAYS + n]) hw1 = n[WAY_W-1:0];
            nf0 = nf0 + {{WAY_W{1'b0}}, empty_w[n]};
            nf1 = nf1 + {{WAY_W{1'b0}}, empty_w[SESS_WAYS + n]};
        end
        nh0 = {nf0, 1'b0};
        nh1 = {nf1, 1'b0};
        for (n = 0; n < SESS_WAYS; n = n + 1) begin
            nh0 = nh0 + {{(WAY_W+1){1'b0}}, hfree_w[n]};
            nh1 = nh1 + {{(WAY_W+1){1'b0}}, hfree_w[SESS_WAYS + n]};
        end
        scnt = {CNT_W{1'b0}};
        for (n = 0; n < NS; n = n + 1)
            scnt = scnt + {{(CNT_W-1){1'b0}}, swp5[n]};
    end

    always @(posedge clk) begin
        if (ld5) begin
            hit       <= |match5;
            hit_k     <= fm_k;
            ent       <= {img[NZ_H_KEY +: 128], act, img[NZ_H_KEY-1:0]};
            ent_cmp   <= cmp;
            valid     <= valid5;
            live      <= live5;
            swp       <= swp5;
            swp_cnt   <= scnt;
            pr        <= pr5;
            free_any  <= f_any;
            free_way0 <= fw0;
            free_way1 <= fw1;
            nfree0    <= nf0;
            nfree1    <= nf1;
            hf_any    <= h_any;
            hf_way0   <= hw0;
            hf_way1   <= hw1;
            nfh0      <= nh0;
            nfh1      <= nh1;
        end
    end
endmodule

`resetall
