`resetall
`default_nettype none

// sess_bucket: decodes the two buckets of session_table on the RAM outputs (sess_store) for one operation.
// Combinational.
//
// Slots: index {bank, way, half} (NS = 4 * SESS_WAYS): slot (word k, h) is valid iff half h's bit 0 and v_h,
// and for h = 1 also PAIR; simg is its image (bit 0 = that valid). A valid slot is expired when
// (now - ts) mod 2**16 > the idle timeout, or the close timeout once both FINs were seen; live = valid and not
// expired; match = live with key == key.
// Words: empty (no live slot), hfree (a PAIR word with one live slot: a free half), nval (valid slots).
// Per bank: the first empty word, the number of empty words, the first PAIR word with a free half, and the
// free halves (2 per empty word, 1 per such PAIR word); hit_s = the first live match in lookup order (bank 0
// ways 0..W-1, half 0 then half 1, then bank 1); sw_cnt = the expired valid slots (sweeper, aged count).
module sess_bucket #(
    parameter SESS_WAYS = 2,            // ways per bucket
    // derived: do not override
    parameter NW        = 2 * SESS_WAYS,
    parameter NS        = 2 * NW,
    parameter WAY_W     = $clog2(SESS_WAYS),
    parameter CNT_W     = $clog2(NS + 1),
    parameter HW        = 221,          // NZ_HALF_W
    parameter KEY_W     = 128           // NZ_KEY_W
) (
    input  wire [NW*HW-1:0]     h0_rd,
    input  wire [NW*HW-1:0]     h1_rd,
    input  wire [NW-1:0]        v0_rd,
    input  wire [NW-1:0]        v1_rd,
    input  wire [NW-1:0]        pr_rd,
    input  wire [15:0]          now,
    input  wire [14:0]          cfg_idle_to,
    input  wire [14:0]          cfg_close_to,
    input  wire [KEY_W-1:0]     key,
    output reg  [NS*HW-1:0]     simg,
    output reg  [NS-1:0]        valid_s,
    output reg  [NS-1:0]        expd_s,
    output reg  [NS-1:0]        live_s,
    output reg  [2*NW-1:0]      nval_w,         // valid slots per word, 2 bits each
    output reg  [CNT_W-1:0]     sw_cnt,
    output reg                  hit_any,
    output reg  [WAY_W+1:0]     hit_s,          // {bank, way, half}
    output reg                  free0_any,
    output reg                  free1_any,
    output reg  [WAY_W-1:0]     free0_way,
    output reg  [WAY_W-1:0]     free1_way,
    output reg  [WAY_W:0]       nfree0,         // empty words per bank
    output reg  [WAY_W:0]       nfree1,
    output reg                  hf0_any,
    output reg                  hf1_any,
    output reg  [WAY_W-1:0]     hf0_way,        // first PAIR word per bank with one live slot and a free half
    output reg  [WAY_W-1:0]     hf1_way,
    output reg  [WAY_W+1:0]     nfh0,           // free halves per bank
    output reg  [WAY_W+1:0]     nfh1
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */

    initial begin
        if (HW != NZ_HALF_W || KEY_W != NZ_KEY_W) begin
            $error("sess_bucket: HW / KEY_W must be NZ_HALF_W / NZ_KEY_W (instance %m)");
            $finish;
        end
    end

    reg [NS-1:0] match_s;
    reg [NW-1:0] empty_w, hfree_w;
    reg [HW-1:0] si;
    reg [15:0]   age;
    reg [14:0]   tmo;
    integer      k;

    always @* begin
        sw_cnt = {CNT_W{1'b0}};
        for (k = 0; k < NS; k = k + 1) begin
            si = (k % 2 == 0) ? h0_rd[(k/2)*HW +: HW] : h1_rd[(k/2)*HW +: HW];
            si[0] = si[0] & ((k % 2 == 0) ? v0_rd[k/2] : (v1_rd[k/2] & pr_rd[k/2]));
            simg[k*HW +: HW] = si;
            valid_s[k]  = si[NZ_E_VALID];
            age         = now - si[NZ_E_TS +: 16];
            tmo         = (si[NZ_E_FIN0] & si[NZ_E_FIN1]) ? cfg_close_to : cfg_idle_to;
            expd_s[k]   = age > {1'b0, tmo};
            live_s[k]   = valid_s[k] & ~expd_s[k];
            match_s[k]  = live_s[k] && (si[NZ_H_KEY +: KEY_W] == key);
            sw_cnt      = sw_cnt + {{(CNT_W-1){1'b0}}, valid_s[k] & expd_s[k]};
        end
        for (k = 0; k < NW; k = k + 1) begin
            empty_w[k]         = ~live_s[2*k] & ~live_s[2*k+1];
            hfree_w[k]         = pr_rd[k] & (live_s[2*k] ^ live_s[2*k+1]);
            nval_w[2*k +: 2]   = {1'b0, valid_s[2*k]} + {1'b0, valid_s[2*k+1]};
        end
        // first live match: bank 0 ways 0..W-1 (half 0, half 1), then bank 1
        hit_any = |match_s;
        hit_s   = {(WAY_W+2){1'b0}};
        for (k = NS - 1; k >= 0; k = k - 1)
            if (match_s[k]) hit_s = k[WAY_W+1:0];
        // first PAIR word with a free half per bank
        hf0_any = |hfree_w[0 +: SESS_WAYS];
        hf1_any = |hfree_w[SESS_WAYS +: SESS_WAYS];
        hf0_way = {WAY_W{1'b0}};
        hf1_way = {WAY_W{1'b0}};
        for (k = SESS_WAYS - 1; k >= 0; k = k - 1) begin
            if (hfree_w[k])             hf0_way = k[WAY_W-1:0];
            if (hfree_w[SESS_WAYS + k]) hf1_way = k[WAY_W-1:0];
        end
        // first empty word per bank, and their number
        free0_any = |empty_w[0 +: SESS_WAYS];
        free1_any = |empty_w[SESS_WAYS +: SESS_WAYS];
        free0_way = {WAY_W{1'b0}};
        free1_way = {WAY_W{1'b0}};
        nfree0    = {(WAY_W+1){1'b0}};
        nfree1    = {(WAY_W+1){1'b0}};
        for (k = SESS_WAYS - 1; k >= 0; k = k - 1) begin
            if (empty_w[k])             free0_way = k[WAY_W-1:0];
            if (empty_w[SESS_WAYS + k]) free1_way = k[WAY_W-1:0];
            nfree0 = nfree0 + {{WAY_W{1'b0}}, empty_w[k]};
            nfree1 = nfree1 + {{WAY_W{1'b0}}, empty_w[SESS_WAYS + k]};
        end
        nfh0 = {nfree0, 1'b0};
        nfh1 = {nfree1, 1'b0};
        for (k = 0; k < SESS_WAYS; k = k + 1) begin
            nfh0 = nfh0 + {{(WAY_W+1){1'b0}}, hfree_w[k]};
            nfh1 = nfh1 + {{(WAY_W+1){1'b0}}, hfree_w[SESS_WAYS + k]};
        end
    end
endmodule

`resetall
