// tick_gen: free-running session tick counter (datapath-spec section 5).
// A cycle counter counts clock cycles; when TICK_CYCLES cycles have elapsed since the last tick
// (or since reset) the 16-bit tick counter increments (wrapping) and the cycle counter restarts.
// Latency: tick_now is a register; after reset it is 0 and first becomes 1 TICK_CYCLES cycles later.
// Changing cfg_tick_cycles does not restart the current period: the period ends as soon as the
// count reaches the new value (a smaller value ends it at once on the next cycle).
module tick_gen (
    input  wire        clk,
    input  wire        rst,
    input  wire [23:0] cfg_tick_cycles,   // 1..16777215 (0 is refused by the CSR; treated as 1)
    output reg  [15:0] tick_now
);
    reg  [23:0] cnt;
    wire [24:0] cnt_next = {1'b0, cnt} + 25'd1;

    always @(posedge clk) begin
        if (rst) begin
            cnt      <= 24'd0;
            tick_now <= 16'd0;
        end else if (cnt_next >= {1'b0, cfg_tick_cycles}) begin
            cnt      <= 24'd0;
            tick_now <= tick_now + 16'd1;
        end else begin
            cnt      <= cnt_next[23:0];
        end
    end
endmodule
