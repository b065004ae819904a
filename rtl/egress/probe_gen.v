`resetall
`default_nettype none

// probe_gen: the liveness probes of the FE groups (docs/nezha-offload.md section 5), a frame source of its
// own, one of the three inputs of the m_net arbiter (nezha_egress).
// Why a frame source and not an edit command: every pkt_editor command consumes one stored input frame
// (that is what keeps the editors at one beat per cycle with a single frame boundary in flight), and a
// probe has no input frame. A separate source needs no change to the editors, never waits for an input
// frame, and costs the flow processor one cycle per round instead of one command per probe.
//
// start (one-cycle pulse, with start_tick T, from the flow processor when it takes a probe round): for
// every group g = 0..N_GROUPS-1 and member m = 0..COUNT(g)-1 in that order one PROBE frame of 88 bytes:
//   Ethernet(NH_MAC <- NIC_MAC, 0x0800) | IPv4(VTEP_IP -> member, total 74, DF, ttl 64) |
//   UDP(0xC000 -> 6081, len 54, csum 0) | Geneve(opt len 6, VNI 0) |
//   context option(KIND 3 PROBE, FLAGS 0, VNIC 0, VERSION 0, BE_ID VTEP_IP, VTEP = T, MAC 0, ACT 0) |
//   inner Ethernet(0, 0, 0x0800), no payload.
// Members and configuration are sampled when each probe starts. ev_probe pulses once per probe (when its
// first beat is loaded). ready is high when no round is being sent (the flow processor takes a round only
// then). Output: AXI-Stream, registered (the data is a shift register of the header, one DATA_W beat per
// cycle; tkeep all ones except on the last beat), tuser none.
// Latency: start -> first beat valid 2 cycles + one cycle per group slot skipped (COUNT < 4).
module probe_gen #(
    parameter DATA_W   = 64,
    parameter N_GROUPS = 4
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire [47:0]             cfg_nic_mac,
    input  wire [47:0]             cfg_nh_mac,
    input  wire [31:0]             cfg_vtep_ip,
    input  wire [N_GROUPS*3-1:0]   fg_count,
    input  wire [N_GROUPS*128-1:0] fg_vtep,
    input  wire                    start,
    input  wire [15:0]             start_tick,
    output wire [DATA_W-1:0]       m_tdata,
    output reg  [DATA_W/8-1:0]     m_tkeep,
    output reg                     m_tvalid,
    input  wire                    m_tready,
    output reg                     m_tlast,
    output reg                     ev_probe,
    output wire                    ready
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
`include "nezha_regs.vh"
    /* verilator lint_on UNUSEDPARAM */
    localparam [7:0] KIND_PROBE = NZ_CONTEXT_KIND_PROBE[7:0];

    localparam integer K     = DATA_W / 8;
    localparam integer HB    = 88;                       // probe frame = header only
    localparam integer NB    = (HB + K - 1) / K;         // beats per probe
    localparam integer LASTB = HB - (NB - 1) * K;        // bytes in the last beat
    localparam integer NM    = N_GROUPS * 4;
    localparam integer SW    = (NM <= 2) ? 1 : $clog2(NM);
    localparam integer BW    = (NB <= 2) ? 1 : $clog2(NB);
    localparam integer SRW   = NB * K * 8;
    localparam [K-1:0] KEEP_ALL  = {K{1'b1}};
    localparam [K-1:0] KEEP_LAST = {K{1'b1}} >> (K - LASTB);

    localparam [1:0] S_IDLE = 2'd0, S_SCAN = 2'd1, S_SEND = 2'd2;

    reg [1:0]     state;
    reg [SW-1:0]  slot;           // 4*g + m
    reg [15:0]    tick_r;
    reg [BW-1:0]  beat;
    reg [SRW-1:0] sr;

    wire [SW-1:0] grp = slot >> 2;
    wire [2:0]  cnt_g = fg_count[grp*3 +: 3];
    wire        slot_ok = {1'b0, cnt_g} > {2'b00, slot[1:0]};
    wire        last_slot = (slot == NM[SW-1:0] - 1'b1);
    wire [31:0] dst = fg_vtep[slot*32 +: 32];

    // the probe header
    wire [HB*8-1:0] hdr;
    wire [6:0]      hdr_len;
    encap_builder #(.HDR_MAX(HB)) u_hdr (
        .nh_mac     (cfg_nh_mac),
        .nic_mac    (cfg_nic_mac),
        .src_ip     (cfg_vtep_ip),
        .dst_ip     (dst),
        .tos        (8'd0),
        .udp_sport  (16'hC000),
        .vni        (24'd0),
        .geneve     (1'b1),
        .ctx_en     (1'b1),
        .ctx_opt    ({NZ_CTX_OPT_HDR, KIND_PROBE, 8'd0, 8'd0, 8'd0, cfg_vtep_ip, 16'd0, tick_r,
                      48'd0, 8'd0, 8'd0}),
        .in_dst_mac (48'd0),
        .in_src_mac (48'd0),
        .pay_len    (16'd0),
        .hdr_len    (hdr_len),
        .hdr        (hdr)
    );

    // the header padded to whole beats
    wire [SRW-1:0] hdr_ext;
    generate
        if (SRW == HB*8) begin : g_fit
            assign hdr_ext = hdr;
        end else begin : g_pad
            assign hdr_ext = {{(SRW-HB*8){1'b0}}, hdr};
        end
    endgenerate

    assign m_tdata = sr[DATA_W-1:0];
    assign ready   = (state == S_IDLE);

    wire adv = m_tvalid && m_tready;

    always @(posedge clk) begin
        if (rst) begin
            state    <= S_IDLE;
            slot     <= {SW{1'b0}};
            tick_r   <= 16'd0;
            beat     <= {BW{1'b0}};
            sr       <= {SRW{1'b0}};
            m_tvalid <= 1'b0;
            m_tkeep  <= {K{1'b0}};
            m_tlast  <= 1'b0;
            ev_probe <= 1'b0;
        end else begin
            ev_probe <= 1'b0;
            case (state)
                S_IDLE: if (start) begin
                    tick_r <= start_tick;
                    slot   <= {SW{1'b0}};
                    state  <= S_SCAN;
                end
                S_SCAN: begin
                    if (slot_ok) begin
                        sr       <= hdr_ext;
                        beat     <= {BW{1'b0}};
                        m_tvalid <= 1'b1;
                        m_tkeep  <= (NB == 1) ? KEEP_LAST : KEEP_ALL;
                        m_tlast  <= (NB == 1);
                        ev_probe <= 1'b1;
                        state    <= S_SEND;
                    end else if (last_slot) begin
                        state <= S_IDLE;
                    end else begin
                        slot <= slot + 1'b1;
                    end
                end
                S_SEND: if (adv) begin
                    if (m_tlast) begin
                        m_tvalid <= 1'b0;
                        m_tlast  <= 1'b0;
                        if (last_slot) begin
                            state <= S_IDLE;
                        end else begin
                            slot  <= slot + 1'b1;
                            state <= S_SCAN;
                        end
                    end else begin
                        sr      <= sr >> DATA_W;
                        beat    <= beat + 1'b1;
                        m_tlast <= ({{(32-BW){1'b0}}, beat} == NB - 2);
                        m_tkeep <= ({{(32-BW){1'b0}}, beat} == NB - 2) ? KEEP_LAST : KEEP_ALL;
                    end
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    wire unused_ok = &{1'b0, hdr_len};                  // (always 88)
endmodule

`resetall
