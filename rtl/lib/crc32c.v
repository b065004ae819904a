`resetall
`default_nettype none

// crc32c: combinational CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init 0xFFFFFFFF,
// final xor 0xFFFFFFFF) over NBYTES bytes. The first byte on the wire is data[NBYTES*8-1 -: 8]
// (network order, MSB first), so a key laid out as {vni, proto, ...} hashes in wire order.
// Latency: 0 (pure logic; the tool flattens the loop into an XOR matrix). "123456789" -> 0xE3069283.
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

    assign crc = crc_bytes(data);
endmodule

`resetall
