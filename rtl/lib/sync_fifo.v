`resetall
`default_nettype none

// sync_fifo: synchronous first-word-fall-through FIFO on a ram_sdp block RAM.
// The RAM's registered read port is the output register (out_data is a flop), so the
// storage maps to block RAM and the outputs are registered.
// Capacity: DEPTH entries in the RAM plus one in the output register.
// Latency: a word written in cycle t is presented on out_* in cycle t+2.
// Throughput: one write and one read per cycle. in_ready / out_valid are registered state only
// (no combinational path from in_valid to in_ready or from out_ready to out_valid).
module sync_fifo #(
    parameter WIDTH = 32,
    parameter DEPTH = 16,                       // power of two, >= 2
    parameter AW    = (DEPTH <= 2) ? 1 : $clog2(DEPTH)
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             in_valid,
    output wire             in_ready,
    input  wire [WIDTH-1:0] in_data,
    output reg              out_valid,
    input  wire             out_ready,
    output wire [WIDTH-1:0] out_data
);
    reg  [AW:0] wr_ptr;
    reg  [AW:0] rd_ptr;
    wire [AW:0] used   = wr_ptr - rd_ptr;       // words in the RAM, not yet read out
    wire        wr_en  = in_valid && in_ready;
    wire        ram_ne = (used != {(AW+1){1'b0}});
    wire        rd_en  = ram_ne && (!out_valid || out_ready);

    assign in_ready = !used[AW];                // used == DEPTH <=> MSB set (DEPTH = 2**AW)

    ram_sdp #(.WIDTH(WIDTH), .DEPTH(DEPTH), .AW(AW)) u_ram (
        .clk(clk), .we(wr_en), .waddr(wr_ptr[AW-1:0]), .wdata(in_data),
        .re(rd_en), .raddr(rd_ptr[AW-1:0]), .rdata(out_data)
    );

    always @(posedge clk) begin
        if (rst) begin
            wr_ptr    <= {(AW+1){1'b0}};
            rd_ptr    <= {(AW+1){1'b0}};
            out_valid <= 1'b0;
        end else begin
            if (wr_en)
                wr_ptr <= wr_ptr + 1'b1;
            if (rd_en) begin
                rd_ptr    <= rd_ptr + 1'b1;
                out_valid <= 1'b1;
            end else if (out_ready)
                out_valid <= 1'b0;
        end
    end
endmodule

`resetall
