`resetall
`default_nettype none

// fp_retire: the events of the flow processor, registered: one statistics event (ev_*) and one monitor record
// (mon_*) per retired frame (emit), a monitor record per probe round (round_now: mon_probe, mon_tick = the
// round's tick) and per register commit (cfg_now: mon_cfg), the liveness events for fe_group_table (lv_refresh
// by the frame's outer source with its tick after an accepted VERDICT or a PROBE_REPLY; lv_round when a round
// is taken) — all visible in the cycle after their cause. Fields not qualified by their valid bit are 0.
module fp_retire #(
    parameter VNIC_W = 4                // log2 of the number of vNICs
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 emit,           // a frame retires
    input  wire                 round_now,      // a probe round is taken
    input  wire                 cfg_now,        // a register commit slot
    input  wire [15:0]          round_tick,
    // the frame (fp_record, fp_control, fp_result)
    input  wire                 port_r,
    input  wire [15:0]          len_r,
    input  wire [VNIC_W-1:0]    vnic_r,
    input  wire [VNIC_W-1:0]    attr_r,
    input  wire [15:0]          tick_r,
    input  wire [31:0]          b_outer_sip,
    input  wire [15:0]          slow_cnt,
    input  wire                 oc_rx,
    input  wire                 oc_newflow,
    input  wire                 oc_hit,
    input  wire                 oc_miss,
    input  wire                 oc_closed,
    input  wire                 oc_refresh,
    input  wire                 oc_vrx,
    input  wire                 oc_fallback,
    input  wire                 oc_prx,
    input  wire [4:0]           res_drop_reason,
    input  wire [1:0]           res_exc_reason,
    input  wire                 res_arp,
    input  wire                 res_tx_v,
    input  wire [VNIC_W-1:0]    res_tx_vnic,
    input  wire [15:0]          res_tx_len,
    input  wire                 res_redirect,
    input  wire                 res_vtx,
    input  wire                 res_prtx,
    // statistics events (stats_counters)
    output reg                  ev_valid,
    output reg                  ev_port,
    output reg  [15:0]          ev_len,
    output reg  [4:0]           ev_drop_reason,
    output reg  [1:0]           ev_exc_reason,
    output reg                  ev_arp_reply,
    output reg                  ev_rx_vnic_valid,
    output reg  [VNIC_W-1:0]    ev_rx_vnic,
    output reg                  ev_tx_vnic_valid,
    output reg  [VNIC_W-1:0]    ev_tx_vnic,
    output reg  [15:0]          ev_tx_len,
    output reg                  ev_newflow,
    output reg  [VNIC_W-1:0]    ev_newflow_vnic,
    output reg  [15:0]          ev_slow_cycles,
    output reg                  ev_sess_hit,
    output reg                  ev_sess_miss,
    output reg                  ev_sess_closed,
    output reg                  ev_nz_redirect,
    output reg                  ev_nz_verdict_tx,
    output reg                  ev_nz_verdict_rx,
    output reg                  ev_nz_fallback,
    output reg                  ev_probe_reply_tx,
    output reg                  ev_probe_reply_rx,
    // liveness (fe_group_table)
    output reg                  lv_refresh,
    output reg  [31:0]          lv_addr,
    output reg  [15:0]          lv_tick,
    output reg                  lv_round,
    output reg  [15:0]          lv_round_tick,
    // monitor
    output reg                  mon_valid,
    output reg                  mon_port,
    output reg  [15:0]          mon_tick,
    output reg  [15:0]          mon_slow_cycles,
    output reg                  mon_probe,
    output reg                  mon_cfg
);
    always @(posedge clk) begin
        if (rst) begin
            ev_valid          <= 1'b0;
            ev_port           <= 1'b0;
            ev_len            <= 16'd0;
            ev_drop_reason    <= 5'd0;
            ev_exc_reason     <= 2'd0;
            ev_arp_reply      <= 1'b0;
            ev_rx_vnic_valid  <= 1'b0;
            ev_rx_vnic        <= {VNIC_W{1'b0}};
            ev_tx_vnic_valid  <= 1'b0;
            ev_tx_vnic        <= {VNIC_W{1'b0}};
            ev_tx_len         <= 16'd0;
            ev_newflow        <= 1'b0;
            ev_newflow_vnic   <= {VNIC_W{1'b0}};
            ev_slow_cycles    <= 16'd0;
            ev_sess_hit       <= 1'b0;
            ev_sess_miss      <= 1'b0;
            ev_sess_closed    <= 1'b0;
            ev_nz_redirect    <= 1'b0;
            ev_nz_verdict_tx  <= 1'b0;
            ev_nz_verdict_rx  <= 1'b0;
            ev_nz_fallback    <= 1'b0;
            ev_probe_reply_tx <= 1'b0;
            ev_probe_reply_rx <= 1'b0;
            lv_refresh        <= 1'b0;
            lv_addr           <= 32'd0;
            lv_tick           <= 16'd0;
            lv_round          <= 1'b0;
            lv_round_tick     <= 16'd0;
            mon_probe         <= 1'b0;
            mon_cfg           <= 1'b0;
            mon_valid         <= 1'b0;
            mon_port          <= 1'b0;
            mon_tick          <= 16'd0;
            mon_slow_cycles   <= 16'd0;
        end else begin
            ev_valid          <= emit;
            ev_port           <= emit & port_r;
            ev_len            <= emit ? len_r : 16'd0;
            ev_drop_reason    <= emit ? res_drop_reason : 5'd0;
            ev_exc_reason     <= emit ? res_exc_reason : 2'd0;
            ev_arp_reply      <= emit & res_arp;
            ev_rx_vnic_valid  <= emit & oc_rx;
            ev_rx_vnic        <= (emit & oc_rx) ? vnic_r : {VNIC_W{1'b0}};
            ev_tx_vnic_valid  <= emit & res_tx_v;
            ev_tx_vnic        <= (emit & res_tx_v) ? res_tx_vnic : {VNIC_W{1'b0}};
            ev_tx_len         <= (emit & res_tx_v) ? res_tx_len : 16'd0;
            ev_newflow        <= emit & oc_newflow;
            ev_newflow_vnic   <= (emit & oc_newflow) ? attr_r : {VNIC_W{1'b0}};
            ev_slow_cycles    <= emit ? slow_cnt : 16'd0;
            ev_sess_hit       <= emit & oc_hit;
            ev_sess_miss      <= emit & oc_miss;
            ev_sess_closed    <= emit & oc_closed;
            ev_nz_redirect    <= emit & res_redirect;
            ev_nz_verdict_tx  <= emit & res_vtx;
            ev_nz_verdict_rx  <= emit & oc_vrx;
            ev_nz_fallback    <= emit & oc_fallback;
            ev_probe_reply_tx <= emit & res_prtx;
            ev_probe_reply_rx <= emit & oc_prx;
            lv_refresh        <= emit & oc_refresh;
            lv_addr           <= b_outer_sip;
            lv_tick           <= tick_r;
            lv_round          <= round_now;
            lv_round_tick     <= round_tick;
            mon_valid         <= emit | round_now | cfg_now;
            mon_probe         <= round_now;
            mon_cfg           <= cfg_now;
            mon_port          <= emit & port_r;
            mon_tick          <= emit ? tick_r : round_now ? round_tick : 16'd0;
            mon_slow_cycles   <= emit ? slow_cnt : 16'd0;
        end
    end
endmodule

`resetall
