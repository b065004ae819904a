`resetall
`default_nettype none

// crc32c: combinational CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init 0xFFFFFFFF,
// final xor 0xFFFFFFFF) over NBYTES bytes. The first byte on the wire is data[NBYTES*8-1 -: 8]
// (network order, MSB first), so a key laid out as {vni, proto, ...} hashes in wire order.
// Latency: 0 (pure logic). "123456789" -> 0xE3069283.
// Written as the XOR matrix it is (CRC is linear: crc(d) = M d ^ crc(0)): each output bit is the XOR of the
// data bits of its column of M (computed at elaboration from the bit-serial definition below), so synthesis
// gets a balanced XOR tree (3 LUT6 levels for 16 bytes) instead of a chain of 128 conditional steps.
module crc32c #(
    parameter NBYTES = 16
) (
    input  wire [NBYTES*8-1:0] data,
    output wire [31:0]         crc
);
    function [31:0] crc_bytes;
        input [NBYTES*8-1:0] d;
        integer i, b;
        reg [31:0] c;
        reg [7:0] byte_v;
        begin
            c = 32'hFFFFFFFF;
            for (i = 0; i < NBYTES; i = i + 1) begin
                byte_v = d[(NBYTES-1-i)*8 +: 8];
                c = c ^ {24'd0, byte_v};
                for (b = 0; b < 8; b = b + 1)
                    c = c[0] ? ((c >> 1) ^ 32'h82F63B78) : (c >> 1);
            end
            crc_bytes = ~c;
        end
    endfunction

    localparam integer W = NBYTES * 8;

    localparam [31:0] POLY = 32'h82F63B78;

    // dep(0)[j*W +: W]: the data bits output bit j depends on (the bit-serial CRC run on dependency masks)
    /* verilator lint_off UNUSEDSIGNAL */
    function [32*W-1:0] dep;
        input integer unused;               // (a constant function needs an argument)
    /* verilator lint_on UNUSEDSIGNAL */
        integer i, b, k;
        reg [32*W-1:0] c;                   // c[k*W +: W]: the data bits CRC state bit k depends on
        reg [W-1:0]    t0;
        begin
            c = {32*W{1'b0}};
            for (i = 0; i < NBYTES; i = i + 1) begin
                for (b = 0; b < 8; b = b + 1)
                    c[b*W + (NBYTES-1-i)*8 + b] = ~c[b*W + (NBYTES-1-i)*8 + b];
                for (b = 0; b < 8; b = b + 1) begin
                    t0 = c[0 +: W];
                    c  = c >> W;
                    for (k = 0; k < 32; k = k + 1)
                        if (POLY[k]) c[k*W +: W] = c[k*W +: W] ^ t0;
                end
            end
            dep = c;
        end
    endfunction

    localparam [31:0]      C0   = crc_bytes({W{1'b0}});
    localparam [32*W-1:0]  M    = dep(0);
    genvar j;
    generate
        for (j = 0; j < 32; j = j + 1) begin : g_bit
            assign crc[j] = (^(data & M[j*W +: W])) ^ C0[j];
        end
    endgenerate
endmodule

`resetall
