`resetall
`default_nettype none

// hdr_extract: pick OUT_BYTES consecutive header bytes starting at one of NC candidate offsets.
// The window slice `win` holds header bytes [WIN_BASE, WIN_BASE+WIN_BYTES) (slice byte i at
// [8i+7:8i], i.e. absolute byte WIN_BASE+i). Candidates are off = WIN_BASE + STEP*k, k = 0..NC-1.
// Output byte j = absolute byte off+j, or 0 when that byte lies past the slice or when `off` is not
// a candidate (callers guarantee by a need() check that such results are never used).
// The mux is a one-hot AND-OR of NC fixed shifts (no generic barrel shifter).
// Latency: 0 (combinational).
module hdr_extract #(
    parameter integer WIN_BYTES = 24,       // normally min(HDR_BYTES - WIN_BASE, STEP*(NC-1) + OUT_BYTES)
    parameter integer WIN_BASE  = 0,
    parameter integer STEP      = 4,
    parameter integer NC        = 2,
    parameter integer OUT_BYTES = 20
) (
    input  wire [WIN_BYTES*8-1:0] win,
    input  wire [15:0]            off,
    output reg  [OUT_BYTES*8-1:0] out
);
    localparam integer OW = OUT_BYTES * 8;

    wire [NC*OW-1:0] cand;   // candidate k at [k*OW +: OW], already gated by its hit

    genvar k, j;
    generate
        for (k = 0; k < NC; k = k + 1) begin : g_cand
            localparam integer CO = WIN_BASE + STEP * k;
            wire hit = (off == CO[15:0]);
            for (j = 0; j < OUT_BYTES; j = j + 1) begin : g_byte
                if (STEP * k + j < WIN_BYTES) begin : g_in
                    assign cand[k*OW + 8*j +: 8] = hit ? win[8*(STEP*k + j) +: 8] : 8'h00;
                end else begin : g_out
                    assign cand[k*OW + 8*j +: 8] = 8'h00;
                end
            end
        end
    endgenerate

    integer i;
    always @* begin
        out = {OW{1'b0}};
        for (i = 0; i < NC; i = i + 1)
            out = out | cand[i*OW +: OW];
    end
endmodule

`resetall
