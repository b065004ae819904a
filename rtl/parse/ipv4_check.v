`resetall
`default_nettype none

// ipv4_check: validate one IPv4 header at a variable offset (datapath-spec 4.2), combinational.
// Used twice by hdr_parser: outer/plain header (offset 14 or 18) and inner header (tunnels).
//
// `win` holds header bytes [WIN_BASE, WIN_BASE+WIN_BYTES) of the HDR_BYTES window (slice byte i =
// absolute byte WIN_BASE+i). The header offset `off` must be WIN_BASE + 4k with k < NC whenever
// off+20 <= HDR_BYTES (the caller sizes NC so); other offsets are always caught by need(off,20).
// WIN_BASE must be even; WIN_BYTES = min(HDR_BYTES, WIN_BASE + 4*(NC-1) + 60) - WIN_BASE.
//
// Checks, first failure decides (reason = drop code of nezha_regs.vh):
//   need(off,20)                       -> TRUNCATED (off+20 > endv) / HDR_TOO_LONG (off+20 > HDR_BYTES)
//   version != 4 or IHL < 5            -> BAD_IP_HDR
//   need(off,4*IHL)                    -> TRUNCATED / HDR_TOO_LONG
//   total_length < 4*IHL or off+total_length > endv -> BAD_IP_LEN
//   ones' complement sum of the 4*IHL header bytes != 0xFFFF -> BAD_IP_CSUM
// Outputs (meaningful when !fail): proto, sip, dip, frag (MF or fragment offset != 0),
// ip_end = off + total_length (the new END), l4off = off + 4*IHL, head = header bytes 0..11 (byte i at
// [8i+7:8i]: version/IHL, TOS, total length, id, flags/fragment offset, TTL, protocol, checksum).
// The checksum is a masked sum of all 16-bit words of the slice (a word is enabled when it lies in
// [off, off+4*IHL)), computed by a balanced adder tree: no 60-byte variable shifter is needed.
// Latency: 0 (combinational).
module ipv4_check #(
    parameter integer HDR_BYTES = 128,
    parameter integer WIN_BASE  = 14,
    parameter integer WIN_BYTES = 64,
    parameter integer NC        = 2
) (
    input  wire [WIN_BYTES*8-1:0] win,
    input  wire [15:0]            off,
    input  wire [16:0]            endv,
    output reg                    fail,
    output reg  [4:0]             reason,
    output wire [7:0]             proto,
    output wire [31:0]            sip,
    output wire [31:0]            dip,
    output wire                   frag,
    output wire [16:0]            ip_end,
    output wire [15:0]            l4off,
    output wire [95:0]            head
);
    /* verilator lint_off UNUSEDPARAM */
    `include "nezha_regs.vh"
    /* verilator lint_on UNUSEDPARAM */

    function integer clog2;
        input integer v;
        integer r;
        begin
            r = 0;
            while ((1 << r) < v) r = r + 1;
            clog2 = r;
        end
    endfunction

    localparam integer HB     = HDR_BYTES;
    localparam [4:0]  R_TRUNC = NZ_DROP_REASON_TRUNCATED[4:0];
    localparam [4:0]  R_LONG  = NZ_DROP_REASON_HDR_TOO_LONG[4:0];
    localparam [4:0]  R_HDR   = NZ_DROP_REASON_BAD_IP_HDR[4:0];
    localparam [4:0]  R_LEN   = NZ_DROP_REASON_BAD_IP_LEN[4:0];
    localparam [4:0]  R_CSUM  = NZ_DROP_REASON_BAD_IP_CSUM[4:0];

    function [4:0] need;            // need() against END and the header window, given off+n
        input [16:0] lim;
        input [16:0] e;
        begin
            if (lim > e)                      need = R_TRUNC;
            else if (lim > HB[16:0])          need = R_LONG;
            else                              need = 5'd0;
        end
    endfunction

    // ---- fixed 20-byte header, shifted by one of NC candidates
    localparam integer FIX_BYTES = (WIN_BYTES < 4 * (NC - 1) + 20) ? WIN_BYTES : 4 * (NC - 1) + 20;
    wire [159:0] h;
    hdr_extract #(.WIN_BYTES(FIX_BYTES), .WIN_BASE(WIN_BASE), .STEP(4), .NC(NC), .OUT_BYTES(20))
        u_fix (.win(win[FIX_BYTES*8-1:0]), .off(off), .out(h));

    wire [3:0]  ver   = h[7:4];
    wire [3:0]  ihl   = h[3:0];
    wire [15:0] tlen  = {h[2*8 +: 8], h[3*8 +: 8]};
    wire [7:0]  fl_hi = h[6*8 +: 8];
    wire [7:0]  fl_lo = h[7*8 +: 8];
    assign proto = h[9*8 +: 8];
    assign sip   = {h[12*8 +: 8], h[13*8 +: 8], h[14*8 +: 8], h[15*8 +: 8]};
    assign dip   = {h[16*8 +: 8], h[17*8 +: 8], h[18*8 +: 8], h[19*8 +: 8]};
    assign frag  = fl_hi[5] | (|fl_hi[4:0]) | (|fl_lo);
    wire [16:0] hlen  = {11'd0, ihl, 2'b00};
    assign ip_end = {1'b0, off} + {1'b0, tlen};
    assign l4off  = off + {10'd0, ihl, 2'b00};
    assign head   = h[95:0];
    wire unused_ok = &{1'b0, fl_hi[7:6]};

    // ---- checksum: masked word sum over the slice
    localparam integer NW   = WIN_BYTES / 2;
    localparam integer LOGN = clog2(NW);
    localparam integer NP   = 1 << LOGN;

    // one-hot candidate index
    wire [NC-1:0] hit;
    genvar k, w;
    generate
        for (k = 0; k < NC; k = k + 1) begin : g_hit
            localparam integer CO = WIN_BASE + 4 * k;
            assign hit[k] = (off == CO[15:0]);
        end
    endgenerate

    wire [4:0] ihl2 = {ihl, 1'b0};          // header length in 16-bit words
    // adder tree: level 0 holds the NP (masked) words, level l holds NP>>l partial sums
    generate
        for (w = 0; w <= LOGN; w = w + 1) begin : g_lvl
            wire [22*(NP >> w)-1:0] v;
        end
        for (w = 0; w < NP; w = w + 1) begin : g_leaf
            if (w < NW) begin : g_word
                // word w (slice bytes 2w, 2w+1) is in the header of candidate k iff 0 <= w-2k < 2*IHL
                wire [NC-1:0] inc;
                for (k = 0; k < NC; k = k + 1) begin : g_inc
                    if (w >= 2 * k && w - 2 * k < 30) begin : g_may
                        localparam integer REL = w - 2 * k;
                        assign inc[k] = hit[k] & (REL[4:0] < ihl2);
                    end else begin : g_never
                        assign inc[k] = 1'b0;
                    end
                end
                assign g_lvl[0].v[22*w +: 22] = (|inc) ? {6'd0, win[16*w +: 8], win[16*w + 8 +: 8]} : 22'd0;
            end else begin : g_pad
                assign g_lvl[0].v[22*w +: 22] = 22'd0;
            end
        end
        for (w = 1; w <= LOGN; w = w + 1) begin : g_add
            for (k = 0; k < (NP >> w); k = k + 1) begin : g_node
                assign g_lvl[w].v[22*k +: 22] = g_lvl[w-1].v[22*(2*k) +: 22] + g_lvl[w-1].v[22*(2*k+1) +: 22];
            end
        end
    endgenerate

    wire [21:0] sum = g_lvl[LOGN].v;
    wire [16:0] f1  = {1'b0, sum[15:0]} + {11'd0, sum[21:16]};
    wire [15:0] f2  = f1[15:0] + {15'd0, f1[16]};
    wire csum_ok = (f2 == 16'hFFFF);

    // ---- check order
    wire [4:0] n20 = need({1'b0, off} + 17'd20, endv);
    wire [4:0] nhl = need({1'b0, off} + hlen, endv);
    wire bad_hdr = (ver != 4'd4) || (ihl < 4'd5);
    wire bad_len = ({1'b0, tlen} < hlen) || (ip_end > endv);

    always @* begin
        fail   = 1'b1;
        reason = 5'd0;
        if (n20 != 5'd0)       reason = n20;
        else if (bad_hdr)      reason = R_HDR;
        else if (nhl != 5'd0)  reason = nhl;
        else if (bad_len)      reason = R_LEN;
        else if (!csum_ok)     reason = R_CSUM;
        else                   fail   = 1'b0;
    end
endmodule

`resetall
