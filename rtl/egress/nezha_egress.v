`resetall
`default_nettype none

// nezha_egress: the output side of nezha_core: the edited frames of both editors (e0 = net-input editor,
// e1 = host-input editor) steered by their tdest (0 net, 1 host) to the arbiter of that output port, the
// liveness probes (probe_gen) as a third source of m_net, the minimum frame size towards the VMs, and the
// transmit events the statistics count.
//
//   m_net  = axis_arb_mux, 3 inputs: 0 net-input editor, 1 host-input editor, 2 probe_gen (m_net_tuser 0)
//   m_host = axis_arb_mux, 2 inputs: 0 net-input editor, 1 host-input editor -> axis_pad (60 bytes, datapath-spec
//            4.7 "Padding")
// Arbitration: whole packets, round-robin (axis_arb_mux). On m_net the probes are one source among three, so a
// waiting probe gets every third packet slot when both editors also have frames for the underlay (a 2-input
// arbiter of the editors followed by one of (editors, probes) until this module: every second slot, editor
// frames 2 cycles later). Nothing checks an order between the sources: the testbench matches every output
// frame against the next expected frame of its own source (input port or probe round), and probe_gen only
// reports ready once its round has left.
// Latency: editor output to m_net 2 cycles, to m_host 3 cycles (arbiter 2 + pad 1); a probe's first beat 2
// cycles after probe_gen presents it. Throughput one beat per cycle per output.
// tx_*: per output port, the beat accepted on m_* in the previous cycle (tx_*_beat), its last beat
// (tx_*_last) and its byte count (tx_*_bytes), registered.
module nezha_egress #(
    parameter DATA_W   = 64,            // AXI-Stream data width
    parameter USER_W   = 12,            // tuser width (VNIC_W + 8)
    parameter N_GROUPS = 4,             // FE groups (probe_gen)
    // derived: do not override
    parameter KEEP_W   = DATA_W / 8
) (
    input  wire                    clk,
    input  wire                    rst,
    // editors
    input  wire [DATA_W-1:0]       e0_tdata,
    input  wire [KEEP_W-1:0]       e0_tkeep,
    input  wire                    e0_tvalid,
    output wire                    e0_tready,
    input  wire                    e0_tlast,
    input  wire [USER_W-1:0]       e0_tuser,
    input  wire                    e0_tdest,
    input  wire [DATA_W-1:0]       e1_tdata,
    input  wire [KEEP_W-1:0]       e1_tkeep,
    input  wire                    e1_tvalid,
    output wire                    e1_tready,
    input  wire                    e1_tlast,
    input  wire [USER_W-1:0]       e1_tuser,
    input  wire                    e1_tdest,
    // probes (probe_gen): configuration, FE groups, the round started by the flow processor
    input  wire [47:0]             cfg_nic_mac,
    input  wire [47:0]             cfg_nh_mac,
    input  wire [31:0]             cfg_vtep_ip,
    input  wire [N_GROUPS*3-1:0]   fg_count,
    input  wire [N_GROUPS*128-1:0] fg_vtep,
    input  wire                    lv_round,
    input  wire [15:0]             lv_round_tick,
    output wire                    pg_ready,
    output wire                    probe_tx,
    // underlay out
    output wire [DATA_W-1:0]       m_net_tdata,
    output wire [KEEP_W-1:0]       m_net_tkeep,
    output wire                    m_net_tvalid,
    input  wire                    m_net_tready,
    output wire                    m_net_tlast,
    output wire [USER_W-1:0]       m_net_tuser,
    // to VMs
    output wire [DATA_W-1:0]       m_host_tdata,
    output wire [KEEP_W-1:0]       m_host_tkeep,
    output wire                    m_host_tvalid,
    input  wire                    m_host_tready,
    output wire                    m_host_tlast,
    output wire [USER_W-1:0]       m_host_tuser,
    // transmit events (stats_counters)
    output reg                     tx_net_beat,
    output reg                     tx_net_last,
    output reg  [6:0]              tx_net_bytes,
    output reg                     tx_host_beat,
    output reg                     tx_host_last,
    output reg  [6:0]              tx_host_bytes,
    output wire                    busy
);
    initial begin
        if (KEEP_W > 64) begin
            $error("nezha_egress: at most 64 bytes per beat (tx_*_bytes) (instance %m)");
            $finish;
        end
    end

    // ------------------------------------------------------------------ probes
    wire [DATA_W-1:0] pg_tdata;
    wire [KEEP_W-1:0] pg_tkeep;
    wire              pg_tvalid, pg_tready, pg_tlast;

    probe_gen #(.DATA_W(DATA_W), .N_GROUPS(N_GROUPS)) u_probe (
        .clk(clk), .rst(rst),
        .cfg_nic_mac(cfg_nic_mac), .cfg_nh_mac(cfg_nh_mac), .cfg_vtep_ip(cfg_vtep_ip),
        .fg_count(fg_count), .fg_vtep(fg_vtep),
        .start(lv_round), .start_tick(lv_round_tick),
        .m_tdata(pg_tdata), .m_tkeep(pg_tkeep), .m_tvalid(pg_tvalid), .m_tready(pg_tready),
        .m_tlast(pg_tlast), .ev_probe(probe_tx), .ready(pg_ready)
    );

    // ------------------------------------------------------------------ steering and arbiters
    wire [2:0] an_ready;
    wire [1:0] ah_ready;
    wire       busy_an, busy_ah, busy_pad;
    assign e0_tready = e0_tdest ? ah_ready[0] : an_ready[0];
    assign e1_tready = e1_tdest ? ah_ready[1] : an_ready[1];
    assign pg_tready = an_ready[2];

    axis_arb_mux #(.N(3), .DATA_W(DATA_W), .USER_W(USER_W)) u_arb_net (
        .clk(clk), .rst(rst),
        .s_tdata({pg_tdata, e1_tdata, e0_tdata}), .s_tkeep({pg_tkeep, e1_tkeep, e0_tkeep}),
        .s_tvalid({pg_tvalid, e1_tvalid && !e1_tdest, e0_tvalid && !e0_tdest}), .s_tready(an_ready),
        .s_tlast({pg_tlast, e1_tlast, e0_tlast}), .s_tuser({3*USER_W{1'b0}}),
        .m_tdata(m_net_tdata), .m_tkeep(m_net_tkeep), .m_tvalid(m_net_tvalid), .m_tready(m_net_tready),
        .m_tlast(m_net_tlast), .m_tuser(m_net_tuser), .busy(busy_an)
    );

    // the host arbiter's output before the padding stage
    wire [DATA_W-1:0] h1_tdata;
    wire [KEEP_W-1:0] h1_tkeep;
    wire              h1_tvalid, h1_tready, h1_tlast;
    wire [USER_W-1:0] h1_tuser;

    axis_arb_mux #(.N(2), .DATA_W(DATA_W), .USER_W(USER_W)) u_arb_host (
        .clk(clk), .rst(rst),
        .s_tdata({e1_tdata, e0_tdata}), .s_tkeep({e1_tkeep, e0_tkeep}),
        .s_tvalid({e1_tvalid && e1_tdest, e0_tvalid && e0_tdest}), .s_tready(ah_ready),
        .s_tlast({e1_tlast, e0_tlast}), .s_tuser({e1_tuser, e0_tuser}),
        .m_tdata(h1_tdata), .m_tkeep(h1_tkeep), .m_tvalid(h1_tvalid), .m_tready(h1_tready),
        .m_tlast(h1_tlast), .m_tuser(h1_tuser), .busy(busy_ah)
    );

    // frames to the VMs are at least 60 bytes (datapath-spec 4.7, padding)
    axis_pad #(.DATA_W(DATA_W), .USER_W(USER_W), .MIN_BYTES(60)) u_pad_host (
        .clk(clk), .rst(rst),
        .s_tdata(h1_tdata), .s_tkeep(h1_tkeep), .s_tvalid(h1_tvalid), .s_tready(h1_tready),
        .s_tlast(h1_tlast), .s_tuser(h1_tuser),
        .m_tdata(m_host_tdata), .m_tkeep(m_host_tkeep), .m_tvalid(m_host_tvalid),
        .m_tready(m_host_tready), .m_tlast(m_host_tlast), .m_tuser(m_host_tuser),
        .busy(busy_pad)
    );

    // ------------------------------------------------------------------ tx beat events (registered)
    function [6:0] popcount;
        input [KEEP_W-1:0] k;
        integer i;
        begin
            popcount = 7'd0;
            for (i = 0; i < KEEP_W; i = i + 1)
                popcount = popcount + {6'd0, k[i]};
        end
    endfunction

    always @(posedge clk) begin
        if (rst) begin
            tx_net_beat   <= 1'b0;
            tx_net_last   <= 1'b0;
            tx_net_bytes  <= 7'd0;
            tx_host_beat  <= 1'b0;
            tx_host_last  <= 1'b0;
            tx_host_bytes <= 7'd0;
        end else begin
            tx_net_beat   <= m_net_tvalid && m_net_tready;
            tx_net_last   <= m_net_tvalid && m_net_tready && m_net_tlast;
            tx_net_bytes  <= (m_net_tvalid && m_net_tready) ? popcount(m_net_tkeep) : 7'd0;
            tx_host_beat  <= m_host_tvalid && m_host_tready;
            tx_host_last  <= m_host_tvalid && m_host_tready && m_host_tlast;
            tx_host_bytes <= (m_host_tvalid && m_host_tready) ? popcount(m_host_tkeep) : 7'd0;
        end
    end

    assign busy = busy_an || busy_ah || busy_pad || !pg_ready;
endmodule

`resetall
