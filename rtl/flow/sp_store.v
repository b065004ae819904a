`resetall
`default_nettype none

// sp_store: the session RAMs of sess_pipe (datapath-spec 4.6 storage, the layout of session_table.v): per word
// {bank, way} two NZ_HALF_W half RAMs and three 1-bit RAMs (valid of half 0, valid of half 1, PAIR), depth
// 2**SESS_LOG2, every one a ram_sdp (registered read, latency 1; a read of the address written in the same cycle
// returns the old data).
//   read (S2):  re, raddr0 (bank-0 bucket), raddr1 (bank-1 bucket) -> both buckets on *_rd in the next cycle.
//   write (S8): one word per cycle: wmode at slot wloc with the entry wimg (bit 0 = valid):
//               FULL  half 0 = {key, state}, half 1 = the actions, v0 = valid, v1 = 0, PAIR = 0
//               C0/C1 a compact entry into half 0 / 1: that half, its valid, PAIR = 1
//               CE    a compact entry into an empty word: half 0, v0 = 1, v1 = 0, PAIR = 1
//               DEL0/DEL1 clear the valid bit of half 0 / 1
//   sweep:      sw: clear the valid bits swm ({bank, way, half}) of bucket swb in both banks (instead of wmode);
//   clear:      clr: zero everything at bucket clr_idx (after reset); nothing is written while rst is high.
module sp_store #(
    parameter SESS_LOG2 = 4,
    parameter SESS_WAYS = 2
) (
    clk, rst,
    re, raddr0, raddr1, h0_rd, h1_rd, v0_rd, v1_rd, pr_rd,
    wmode, wloc, wimg, sw, swb, swm, clr, clr_idx
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer WAY_W = $clog2(SESS_WAYS);
    localparam integer BKT_W = SESS_LOG2;
    localparam integer LOC_W = 2 + BKT_W + WAY_W;
    localparam integer NW    = 2 * SESS_WAYS;
    localparam integer NS    = 2 * NW;
    localparam integer DEPTH = 1 << SESS_LOG2;
    localparam integer EW    = NZ_ENTRY_W;
    localparam integer HW    = NZ_HALF_W;
    localparam [2:0] WM_FULL = 3'd1, WM_C0 = 3'd2, WM_C1 = 3'd3, WM_CE = 3'd4, WM_DEL0 = 3'd5, WM_DEL1 = 3'd6;

    input  wire                 clk;
    input  wire                 rst;
    input  wire                 re;
    input  wire [BKT_W-1:0]     raddr0;
    input  wire [BKT_W-1:0]     raddr1;
    output wire [NW*HW-1:0]     h0_rd;
    output wire [NW*HW-1:0]     h1_rd;
    output wire [NW-1:0]        v0_rd;
    output wire [NW-1:0]        v1_rd;
    output wire [NW-1:0]        pr_rd;
    input  wire [2:0]           wmode;
    input  wire [LOC_W-1:0]     wloc;
    input  wire [EW-1:0]        wimg;
    input  wire                 sw;
    input  wire [BKT_W-1:0]     swb;
    input  wire [NS-1:0]        swm;
    input  wire                 clr;
    input  wire [BKT_W-1:0]     clr_idx;

    reg  [NW-1:0]       we_h0, we_h1, we_v0, we_v1, we_pr;
    reg  [BKT_W-1:0]    waddr;
    reg  [HW-1:0]       wdata_h0, wdata_h1;
    reg                 wdata_v0, wdata_v1, wdata_pr;
    genvar g;
    generate
        for (g = 0; g < NW; g = g + 1) begin : g_way
            ram_sdp #(.WIDTH(HW), .DEPTH(DEPTH)) u_h0 (
                .clk(clk), .we(we_h0[g]), .waddr(waddr), .wdata(wdata_h0),
                .re(re), .raddr((g < SESS_WAYS) ? raddr0 : raddr1), .rdata(h0_rd[g*HW +: HW]));
            ram_sdp #(.WIDTH(HW), .DEPTH(DEPTH)) u_h1 (
                .clk(clk), .we(we_h1[g]), .waddr(waddr), .wdata(wdata_h1),
                .re(re), .raddr((g < SESS_WAYS) ? raddr0 : raddr1), .rdata(h1_rd[g*HW +: HW]));
            ram_sdp #(.WIDTH(1), .DEPTH(DEPTH)) u_v0 (
                .clk(clk), .we(we_v0[g]), .waddr(waddr), .wdata(wdata_v0),
                .re(re), .raddr((g < SESS_WAYS) ? raddr0 : raddr1), .rdata(v0_rd[g]));
            ram_sdp #(.WIDTH(1), .DEPTH(DEPTH)) u_v1 (
                .clk(clk), .we(we_v1[g]), .waddr(waddr), .wdata(wdata_v1),
                .re(re), .raddr((g < SESS_WAYS) ? raddr0 : raddr1), .rdata(v1_rd[g]));
            ram_sdp #(.WIDTH(1), .DEPTH(DEPTH)) u_pr (
                .clk(clk), .we(we_pr[g]), .waddr(waddr), .wdata(wdata_pr),
                .re(re), .raddr((g < SESS_WAYS) ? raddr0 : raddr1), .rdata(pr_rd[g]));
        end
    endgenerate

    /* verilator lint_off UNUSEDSIGNAL */
    function [HW-1:0] himg;                         // half 0 of a full entry = the compact image
        input [EW-1:0] e;
        himg = {e[NZ_E_KEY +: 128], e[NZ_E_ACT0-1:0]};
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */
    wire [WAY_W:0] wk   = {wloc[LOC_W-2], wloc[WAY_W-1:0]};
    wire [NW-1:0]  w_oh = {{(NW-1){1'b0}}, 1'b1} << wk;
    integer m;
    always @* begin
        we_h0    = {NW{1'b0}};
        we_h1    = {NW{1'b0}};
        we_v0    = {NW{1'b0}};
        we_v1    = {NW{1'b0}};
        we_pr    = {NW{1'b0}};
        waddr    = wloc[WAY_W +: BKT_W];
        wdata_h0 = himg(wimg);
        wdata_h1 = (wmode == WM_FULL) ? {{(HW-180){1'b0}}, wimg[NZ_E_ACT0 +: 180]} : himg(wimg);
        wdata_v0 = 1'b0;
        wdata_v1 = 1'b0;
        wdata_pr = (wmode != WM_FULL);
        case (wmode)
            WM_FULL: begin
                we_h0 = w_oh; we_h1 = w_oh; we_v0 = w_oh; we_v1 = w_oh; we_pr = w_oh;
                wdata_v0 = wimg[NZ_E_VALID];
            end
            WM_C0: begin
                we_h0 = w_oh; we_v0 = w_oh; we_pr = w_oh;
                wdata_v0 = wimg[NZ_E_VALID];
            end
            WM_C1: begin
                we_h1 = w_oh; we_v1 = w_oh; we_pr = w_oh;
                wdata_v1 = wimg[NZ_E_VALID];
            end
            WM_CE: begin
                we_h0 = w_oh; we_v0 = w_oh; we_v1 = w_oh; we_pr = w_oh;
                wdata_v0 = 1'b1;
            end
            WM_DEL0: we_v0 = w_oh;
            WM_DEL1: we_v1 = w_oh;
            default: ;
        endcase
        if (sw) begin
            waddr = swb;
            for (m = 0; m < NW; m = m + 1) begin
                we_v0[m] = swm[2*m];
                we_v1[m] = swm[2*m+1];
            end
        end
        if (clr) begin
            waddr = clr_idx;
            we_h0 = {NW{1'b1}}; we_h1 = {NW{1'b1}}; we_v0 = {NW{1'b1}}; we_v1 = {NW{1'b1}}; we_pr = {NW{1'b1}};
            wdata_h0 = {HW{1'b0}};
            wdata_h1 = {HW{1'b0}};
            wdata_v0 = 1'b0;
            wdata_v1 = 1'b0;
            wdata_pr = 1'b0;
        end
        if (rst) begin
            we_h0 = {NW{1'b0}}; we_h1 = {NW{1'b0}}; we_v0 = {NW{1'b0}}; we_v1 = {NW{1'b0}}; we_pr = {NW{1'b0}};
        end
    end
endmodule

`resetall
