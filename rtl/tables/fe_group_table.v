`resetall
`default_nettype none

// fe_group_table: the FE groups (register block FE_GROUP) and their hardware liveness
// (docs/nezha-offload.md section 5). Flops; N_GROUPS entries of COUNT (0..4) and VTEP0..3, and per member
// an alive flag, a "fresh" flag and last_seen (16-bit tick). Entry g of each flat output is at [g*W +: W],
// member m of group g at bit / word 4g+m.
//
// Liveness (all updates synchronous, visible the next cycle):
//   * host write of group g (wr_en): COUNT and members; members 0..COUNT-1 become alive and fresh (their
//     last_seen is taken at the next probe round), the others not alive.
//   * refresh (rf_valid, from the flow processor when it retires an accepted VERDICT or a PROBE_REPLY):
//     every member m < COUNT of every group whose address equals rf_addr: alive, not fresh, last_seen =
//     rf_tick.
//   * probe round (round_go, with go_tick T): for every member m < COUNT: fresh -> last_seen = T, not
//     fresh; else alive and (T - last_seen) mod 65536 > cfg_timeout -> not alive, and it counts in
//     ev_fe_down (registered: the number of such transitions, one cycle after round_go).
//   A write has priority over a refresh or round in the same cycle for the group written, a refresh over a
//   round (the flow processor never issues both in one cycle).
// Round timer: counts tick increments (tick_now changes, at most one per cycle); at the cfg_interval-th
// increment since the last round (or since reset) a round becomes due (round_due, round_tick = the tick
// value then) and the count restarts; cfg_interval = 0 holds the count at 0 (no rounds). A round due
// while the previous one was not taken replaces it (round_tick moves on). round_go clears round_due
// unless a new round becomes due in the same cycle.
module fe_group_table #(
    parameter N_GROUPS = 4,
    parameter GRP_W    = (N_GROUPS <= 2) ? 1 : $clog2(N_GROUPS)
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire [15:0]             tick_now,
    input  wire [15:0]             cfg_interval,
    input  wire [15:0]             cfg_timeout,
    // host write (one entry per cycle)
    input  wire                    wr_en,
    input  wire [GRP_W-1:0]        wr_idx,
    input  wire [2:0]              wr_count,
    input  wire [127:0]            wr_vtep,          // member m at [32m +: 32]
    // refresh by source address
    input  wire                    rf_valid,
    input  wire [31:0]             rf_addr,
    input  wire [15:0]             rf_tick,
    // probe rounds
    output reg                     round_due,
    output reg  [15:0]             round_tick,
    input  wire                    round_go,
    input  wire [15:0]             go_tick,
    output reg  [4:0]              ev_fe_down,
    // tables
    output reg  [N_GROUPS*3-1:0]   fg_count,
    output reg  [N_GROUPS*128-1:0] fg_vtep,
    output reg  [N_GROUPS*4-1:0]   fg_alive
);
    localparam integer NM = N_GROUPS * 4;

    reg [NM-1:0]    fresh;
    reg [NM*16-1:0] last_seen;
    reg [15:0]      prev_tick;
    reg [15:0]      cnt;

    wire        tick_adv = (tick_now != prev_tick);
    wire [16:0] cnt_next = {1'b0, cnt} + 17'd1;
    wire        due_now  = (cfg_interval != 16'd0) && tick_adv && (cnt_next >= {1'b0, cfg_interval});

    // per-member decisions of this cycle
    reg [NM-1:0] valid_m, rf_hit, expire;
    reg [4:0]    n_down;
    integer g, m;
    always @* begin
        n_down = 5'd0;
        for (g = 0; g < N_GROUPS; g = g + 1) begin
            for (m = 0; m < 4; m = m + 1) begin
                valid_m[4*g+m] = ({29'd0, fg_count[g*3 +: 3]} > m);
                rf_hit[4*g+m]  = rf_valid && valid_m[4*g+m] && (fg_vtep[g*128 + m*32 +: 32] == rf_addr);
                expire[4*g+m]  = round_go && valid_m[4*g+m] && !fresh[4*g+m] && fg_alive[4*g+m] && !rf_hit[4*g+m] &&
                                 ((go_tick - last_seen[(4*g+m)*16 +: 16]) > cfg_timeout) &&
                                 !(wr_en && wr_idx == g[GRP_W-1:0]);
                n_down = n_down + {4'd0, expire[4*g+m]};
            end
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            fg_count   <= {N_GROUPS*3{1'b0}};
            fg_vtep    <= {N_GROUPS*128{1'b0}};
            fg_alive   <= {NM{1'b0}};
            fresh      <= {NM{1'b0}};
            last_seen  <= {NM*16{1'b0}};
            prev_tick  <= 16'd0;
            cnt        <= 16'd0;
            round_due  <= 1'b0;
            round_tick <= 16'd0;
            ev_fe_down <= 5'd0;
        end else begin
            prev_tick  <= tick_now;
            ev_fe_down <= n_down;

            // round timer
            if (cfg_interval == 16'd0)
                cnt <= 16'd0;
            else if (tick_adv)
                cnt <= due_now ? 16'd0 : cnt_next[15:0];
            if (due_now) begin
                round_due  <= 1'b1;
                round_tick <= tick_now;
            end else if (round_go) begin
                round_due  <= 1'b0;
            end

            for (g = 0; g < N_GROUPS; g = g + 1) begin
                if (wr_en && wr_idx == g[GRP_W-1:0]) begin
                    fg_count[g*3 +: 3]     <= wr_count;
                    fg_vtep[g*128 +: 128]  <= wr_vtep;
                    for (m = 0; m < 4; m = m + 1) begin
                        fg_alive[4*g+m] <= ({29'd0, wr_count} > m);
                        fresh[4*g+m]    <= ({29'd0, wr_count} > m);
                    end
                end else begin
                    for (m = 0; m < 4; m = m + 1) begin
                        if (rf_hit[4*g+m]) begin
                            fg_alive[4*g+m]                 <= 1'b1;
                            fresh[4*g+m]                    <= 1'b0;
                            last_seen[(4*g+m)*16 +: 16]     <= rf_tick;
                        end else if (round_go && valid_m[4*g+m] && fresh[4*g+m]) begin
                            fresh[4*g+m]                    <= 1'b0;
                            last_seen[(4*g+m)*16 +: 16]     <= go_tick;
                        end else if (expire[4*g+m]) begin
                            fg_alive[4*g+m]                 <= 1'b0;
                        end
                    end
                end
            end
        end
    end
endmodule

`resetall
