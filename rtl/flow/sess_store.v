`resetall
`default_nettype none

// sess_store: the storage of session_table: per (bank, way) word two NZ_HALF_W-bit ram_sdp "halves" and three
// 1-bit ram_sdp, v0 / v1 (valid of each half) and pr (PAIR: the word holds compact entries); depth
// 2**SESS_LOG2 (one bucket per address). Word index k = {bank, way}: k < SESS_WAYS is bank 0.
//
// Read: re_b[b] reads bucket raddr0 (bank 0) / raddr1 (bank 1) of every way of bank b; the words are on the
// *_rd outputs in the next cycle (registered RAM reads, so yosys infers block RAM).
// Write: one word per cycle, word wk at bucket waddr, by mode (entry wentry, NZ_ENTRY_W bits):
//   FULL  a full entry: half 0 = {key, state}, half 1 = its two actions, v0 = valid, v1 = 0, PAIR = 0
//   C0    a compact entry {key, state} in half 0: v0 = valid, PAIR = 1
//   C1    ... in half 1: v1 = valid, PAIR = 1
//   CE    a compact entry into an empty word: half 0, v0 = 1, v1 = 0, PAIR = 1
//   DEL0  v0 = 0 (delete: clear valid, keep every other field)
//   DEL1  v1 = 0
// clr writes zeros into every RAM at waddr (the reset clear, one bucket per cycle); sweep clears the valid bits
// sw_v0 / sw_v1 (one per word) at waddr. Nothing is written while rst.
module sess_store #(
    parameter SESS_LOG2 = 4,            // log2 of the buckets per bank
    parameter SESS_WAYS = 2,            // ways per bucket
    // derived: do not override
    parameter NW        = 2 * SESS_WAYS,          // words of both buckets
    parameter WK_W      = $clog2(SESS_WAYS) + 1,  // word index {bank, way}
    parameter HW        = 221,                    // NZ_HALF_W
    parameter EW        = 401                     // NZ_ENTRY_W
) (
    input  wire                 clk,
    input  wire                 rst,
    // read
    input  wire [1:0]           re_b,
    input  wire [SESS_LOG2-1:0] raddr0,
    input  wire [SESS_LOG2-1:0] raddr1,
    output wire [NW*HW-1:0]     h0_rd,
    output wire [NW*HW-1:0]     h1_rd,
    output wire [NW-1:0]        v0_rd,
    output wire [NW-1:0]        v1_rd,
    output wire [NW-1:0]        pr_rd,
    // write
    input  wire [2:0]           wmode,          // 0 none, 1 FULL, 2 C0, 3 C1, 4 CE, 5 DEL0, 6 DEL1
    input  wire [WK_W-1:0]      wk,
    input  wire [SESS_LOG2-1:0] waddr,
    input  wire [EW-1:0]        wentry,
    input  wire                 clr,
    input  wire                 sweep,
    input  wire [NW-1:0]        sw_v0,
    input  wire [NW-1:0]        sw_v1
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam [2:0] WM_FULL = 3'd1, WM_C0 = 3'd2, WM_C1 = 3'd3, WM_CE = 3'd4, WM_DEL0 = 3'd5,
                     WM_DEL1 = 3'd6;
    localparam integer DEPTH = 1 << SESS_LOG2;

    initial begin
        if (HW != NZ_HALF_W || EW != NZ_ENTRY_W || NW != (1 << WK_W)) begin
            $error("sess_store: HW / EW must be NZ_HALF_W / NZ_ENTRY_W, SESS_WAYS a power of 2 (instance %m)");
            $finish;
        end
    end

    /* verilator lint_off UNUSEDSIGNAL */
    function [NW-1:0] onehot;
        input [WK_W-1:0] i;
        onehot = {{(NW-1){1'b0}}, 1'b1} << i;
    endfunction
    function [HW-1:0] himg;                         // half 0 of a full entry = the compact image
        input [EW-1:0] e;
        himg = {e[NZ_E_KEY +: 128], e[NZ_E_ACT0-1:0]};
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    reg  [NW-1:0] we_h0, we_h1, we_v0, we_v1, we_pr;
    reg  [HW-1:0] wdata_h0, wdata_h1;
    reg           wdata_v0, wdata_v1, wdata_pr;

    genvar g;
    generate
        for (g = 0; g < NW; g = g + 1) begin : g_way
            ram_sdp #(.WIDTH(HW), .DEPTH(DEPTH)) u_h0 (
                .clk(clk), .we(we_h0[g]), .waddr(waddr), .wdata(wdata_h0),
                .re(re_b[g / SESS_WAYS]), .raddr((g < SESS_WAYS) ? raddr0 : raddr1),
                .rdata(h0_rd[g*HW +: HW]));
            ram_sdp #(.WIDTH(HW), .DEPTH(DEPTH)) u_h1 (
                .clk(clk), .we(we_h1[g]), .waddr(waddr), .wdata(wdata_h1),
                .re(re_b[g / SESS_WAYS]), .raddr((g < SESS_WAYS) ? raddr0 : raddr1),
                .rdata(h1_rd[g*HW +: HW]));
            ram_sdp #(.WIDTH(1), .DEPTH(DEPTH)) u_v0 (
                .clk(clk), .we(we_v0[g]), .waddr(waddr), .wdata(wdata_v0),
                .re(re_b[g / SESS_WAYS]), .raddr((g < SESS_WAYS) ? raddr0 : raddr1),
                .rdata(v0_rd[g]));
            ram_sdp #(.WIDTH(1), .DEPTH(DEPTH)) u_v1 (
                .clk(clk), .we(we_v1[g]), .waddr(waddr), .wdata(wdata_v1),
                .re(re_b[g / SESS_WAYS]), .raddr((g < SESS_WAYS) ? raddr0 : raddr1),
                .rdata(v1_rd[g]));
            ram_sdp #(.WIDTH(1), .DEPTH(DEPTH)) u_pr (
                .clk(clk), .we(we_pr[g]), .waddr(waddr), .wdata(wdata_pr),
                .re(re_b[g / SESS_WAYS]), .raddr((g < SESS_WAYS) ? raddr0 : raddr1),
                .rdata(pr_rd[g]));
        end
    endgenerate

    // write enables and data of the word write (or the reset clear / the sweeper)
    always @* begin
        we_h0    = {NW{1'b0}};
        we_h1    = {NW{1'b0}};
        we_v0    = {NW{1'b0}};
        we_v1    = {NW{1'b0}};
        we_pr    = {NW{1'b0}};
        wdata_h0 = himg(wentry);
        wdata_h1 = (wmode == WM_FULL) ? {{(HW-180){1'b0}}, wentry[NZ_E_ACT0 +: 180]} : himg(wentry);
        wdata_v0 = 1'b0;
        wdata_v1 = 1'b0;
        wdata_pr = (wmode != WM_FULL);
        case (wmode)
            WM_FULL: begin
                we_h0 = onehot(wk); we_h1 = onehot(wk); we_v0 = onehot(wk); we_v1 = onehot(wk); we_pr = onehot(wk);
                wdata_v0 = wentry[NZ_E_VALID];
            end
            WM_C0: begin
                we_h0 = onehot(wk); we_v0 = onehot(wk); we_pr = onehot(wk);
                wdata_v0 = wentry[NZ_E_VALID];
            end
            WM_C1: begin
                we_h1 = onehot(wk); we_v1 = onehot(wk); we_pr = onehot(wk);
                wdata_v1 = wentry[NZ_E_VALID];
            end
            WM_CE: begin
                we_h0 = onehot(wk); we_v0 = onehot(wk); we_v1 = onehot(wk); we_pr = onehot(wk);
                wdata_v0 = 1'b1;
            end
            WM_DEL0: we_v0 = onehot(wk);
            WM_DEL1: we_v1 = onehot(wk);
            default: ;
        endcase
        if (clr) begin
            we_h0 = {NW{1'b1}}; we_h1 = {NW{1'b1}}; we_v0 = {NW{1'b1}}; we_v1 = {NW{1'b1}}; we_pr = {NW{1'b1}};
            wdata_h0 = {HW{1'b0}};
            wdata_h1 = {HW{1'b0}};
            wdata_pr = 1'b0;
        end
        if (sweep) begin
            we_v0 = sw_v0;
            we_v1 = sw_v1;
        end
        if (rst) begin
            we_h0 = {NW{1'b0}}; we_h1 = {NW{1'b0}}; we_v0 = {NW{1'b0}}; we_v1 = {NW{1'b0}}; we_pr = {NW{1'b0}};
        end
    end
endmodule

`resetall
