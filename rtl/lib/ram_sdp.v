`resetall
`default_nettype none

// ram_sdp: simple dual-port RAM, one write port and one read port, registered read (latency 1).
// Written so that yosys infers block RAM (SB_RAM40_4K on iCE40) and Verilator keeps it an array.
// A read of the address being written in the same cycle returns the old data.
module ram_sdp #(
    parameter WIDTH = 32,
    parameter DEPTH = 256,
    parameter AW    = (DEPTH <= 2) ? 1 : $clog2(DEPTH)
) (
    input  wire             clk,
    input  wire             we,
    input  wire [AW-1:0]    waddr,
    input  wire [WIDTH-1:0] wdata,
    input  wire             re,
    input  wire [AW-1:0]    raddr,
    output reg  [WIDTH-1:0] rdata
);
    reg [WIDTH-1:0] mem [0:DEPTH-1];

    always @(posedge clk) begin
        if (we)
            mem[waddr] <= wdata;
        if (re)
            rdata <= mem[raddr];
    end
endmodule

`resetall
