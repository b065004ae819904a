`resetall
`default_nettype none

// fp_front: descriptor arbitration and the front stage of the flow processor.
//
// Arbitration: round-robin between the two descriptor inputs (d0 = net buffer, d1 = host buffer; on a tie the
// port not served last wins). A descriptor is taken (take, dN_ready) when the front stage is empty or hands
// its frame off in that cycle, unless a forced sweep step, a session read-back (rb_pend), a due probe round
// (rd_go) or a register commit (cfg_req) waits: those are served between frames.
// Front stage: holds the frame taken last (f_*: its descriptor fields and f_tick = tick_now in the take
// cycle) while hdr_parser works on it (in_* start the parser in the take cycle, unless the frame has an
// rx_error or is oversize: f_err, not parsed), then, parsed (f_parsed, or p_valid in this cycle), until the
// back stage is free (b_free: idle, or retiring its frame in this cycle). Nothing else enters the parser
// meanwhile, so its outputs hold for the hand-off.
// Hand-off (handoff): the front-stage frame moves to the back stage in a cycle where it is parsed (or f_err)
// and b_free, not while a forced sweep step waits.
// Sweep pressure: sweep_cnt counts frames taken since the last sweep opportunity (sweep_go: a sweep step
// starts); at 16 force_sweep holds the arbitration and the hand-off until a step has started.
// Latency: a descriptor taken in cycle T0 is handed off at T0 + PL (hdr_parser latency 3) at the earliest,
// T0 + 1 for f_err; the next descriptor is taken in the hand-off cycle.
module fp_front #(
    parameter VNIC_W    = 4,            // log2 of the number of vNICs
    parameter HDR_BYTES = 128           // header window of a descriptor
) (
    input  wire                     clk,
    input  wire                     rst,
    // descriptors (ingress_buffer desc_*): d0 = net buffer, d1 = host buffer
    input  wire                     d0_valid,
    output wire                     d0_ready,
    input  wire [15:0]              d0_len,
    input  wire [HDR_BYTES*8-1:0]   d0_hdr,
    input  wire [VNIC_W-1:0]        d0_vnic,
    input  wire                     d0_rx_error,
    input  wire                     d0_oversize,
    input  wire                     d0_stored,
    input  wire                     d1_valid,
    output wire                     d1_ready,
    input  wire [15:0]              d1_len,
    input  wire [HDR_BYTES*8-1:0]   d1_hdr,
    input  wire [VNIC_W-1:0]        d1_vnic,
    input  wire                     d1_rx_error,
    input  wire                     d1_oversize,
    input  wire                     d1_stored,
    input  wire [15:0]              tick_now,
    // hdr_parser input (in the take cycle) and output valid
    output wire                     in_valid,
    output wire                     in_port,
    output wire [15:0]              in_len,
    output wire [HDR_BYTES*8-1:0]   in_hdr,
    input  wire                     p_valid,
    // between-frame work
    input  wire                     b_free,         // back stage idle, or retiring its frame in this cycle
    input  wire                     rb_pend,        // a session read-back waits
    input  wire                     cfg_req,        // a register commit waits
    input  wire                     round_due,      // a probe round is due (fe_group_table)
    input  wire                     pg_ready,       // probe_gen is idle
    input  wire                     lv_round,       // a probe round was taken in the previous cycle
    input  wire                     sweep_go,       // a session sweep step starts in this cycle
    output wire                     rd_go,          // a due probe round is to be taken between frames
    output wire                     any_desc,       // a descriptor waits
    output wire                     handoff,
    output wire                     force_sweep,
    // the front-stage frame
    output reg                      f_valid,
    output reg                      f_err,          // rx_error / oversize: not parsed, no edit command
    output reg  [4:0]               f_err_reason,
    output reg                      f_port,         // 0 net, 1 host
    output reg  [15:0]              f_len,
    output reg  [VNIC_W-1:0]        f_vnic,
    output reg                      f_stored,
    output reg  [15:0]              f_tick
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_regs.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam [4:0] DR_RX_ERROR = NZ_DROP_REASON_RX_ERROR[4:0];
    localparam [4:0] DR_OVERSIZE = NZ_DROP_REASON_OVERSIZE[4:0];

    reg       last_port;    // input served last
    reg       f_parsed;     // the parser outputs are the front-stage frame's
    reg [4:0] sweep_cnt;    // frames since the last sweep opportunity (saturates at 16)

    assign any_desc    = d0_valid | d1_valid;
    wire   pick1       = d1_valid & (~d0_valid | ~last_port);
    assign force_sweep = sweep_cnt[4];
    wire   f_ready     = f_valid && (f_err || f_parsed || p_valid);
    assign handoff     = f_ready && b_free && !force_sweep;
    // a due probe round is taken once both stages are empty (lv_round: the round taken in the cycle before)
    assign rd_go       = round_due && pg_ready && !lv_round;
    wire   can_take    = (!f_valid || handoff) && !force_sweep && !rb_pend && !rd_go && !cfg_req;
    wire   take        = can_take && any_desc;

    assign d0_ready = take & ~pick1;
    assign d1_ready = take & pick1;

    wire t_rxerr = pick1 ? d1_rx_error : d0_rx_error;
    wire t_ovsz  = pick1 ? d1_oversize : d0_oversize;
    assign in_valid = take && !(t_rxerr || t_ovsz);
    assign in_port  = pick1;
    assign in_len   = pick1 ? d1_len : d0_len;
    assign in_hdr   = pick1 ? d1_hdr : d0_hdr;

    always @(posedge clk) begin
        if (rst) begin
            last_port    <= 1'b1;
            sweep_cnt    <= 5'd0;
            f_valid      <= 1'b0;
            f_parsed     <= 1'b0;
            f_err        <= 1'b0;
            f_err_reason <= 5'd0;
            f_port       <= 1'b0;
            f_len        <= 16'd0;
            f_vnic       <= {VNIC_W{1'b0}};
            f_stored     <= 1'b0;
            f_tick       <= 16'd0;
        end else begin
            if (sweep_go)
                sweep_cnt <= 5'd0;
            else if (take && !force_sweep)
                sweep_cnt <= sweep_cnt + 5'd1;

            if (take) begin
                last_port    <= pick1;
                f_valid      <= 1'b1;
                f_parsed     <= 1'b0;
                f_err        <= t_rxerr || t_ovsz;
                f_err_reason <= t_rxerr ? DR_RX_ERROR : DR_OVERSIZE;
                f_port       <= pick1;
                f_len        <= in_len;
                f_vnic       <= pick1 ? d1_vnic : d0_vnic;
                f_stored     <= pick1 ? d1_stored : d0_stored;
                f_tick       <= tick_now;
            end else if (handoff) begin
                f_valid      <= 1'b0;
            end else if (p_valid) begin
                f_parsed     <= 1'b1;
            end
        end
    end
endmodule

`resetall
