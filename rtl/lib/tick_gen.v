`resetall
`default_nettype none

// tick_gen: session tick counter (datapath-spec section 5).
// Internal tick (cfg_tick_cycles >= 1): a cycle counter counts clock cycles; when cfg_tick_cycles cycles
// have elapsed since the last tick (or since reset) the 16-bit tick counter increments (wrapping) and the
// cycle counter restarts. Changing cfg_tick_cycles does not restart the current period: the period ends
// as soon as the count reaches the new value (a smaller value ends it at once on the next cycle).
// tick_in is ignored.
// External tick (cfg_tick_cycles == 0): the tick counter increments in every cycle with tick_in high and
// never otherwise; the cycle counter is held at 0 (switching back to internal starts a full period).
// Latency: tick_now is a register; after reset it is 0. Internal: it first becomes 1 cfg_tick_cycles
// cycles later. External: it reads n + 1 in the cycle after a cycle with tick_in high (tick_now = n).
module tick_gen (
    input  wire        clk,
    input  wire        rst,
    input  wire [23:0] cfg_tick_cycles,   // 0 = external tick, else clock cycles per tick
    input  wire        tick_in,           // external tick pulse (one tick per cycle high)
    output reg  [15:0] tick_now
);
    reg  [23:0] cnt;
    wire [24:0] cnt_next = {1'b0, cnt} + 25'd1;
    wire        ext      = (cfg_tick_cycles == 24'd0);

    always @(posedge clk) begin
        if (rst) begin
            cnt      <= 24'd0;
            tick_now <= 16'd0;
        end else if (ext) begin
            cnt      <= 24'd0;
            if (tick_in)
                tick_now <= tick_now + 16'd1;
        end else if (cnt_next >= {1'b0, cfg_tick_cycles}) begin
            cnt      <= 24'd0;
            tick_now <= tick_now + 16'd1;
        end else begin
            cnt      <= cnt_next[23:0];
        end
    end
endmodule

`resetall
