`resetall
`default_nettype none

// stats_counters: the NZ_STATS_COUNT (56) STATS counters (datapath-spec section 6, nezha-offload.md section 6)
// and the per-vNIC counters.
//
// STATS counters (64-bit flops, index = STATS COUNTER index):
//   1..23, 29..31  drop reasons: +1 when ev_valid and ev_drop_reason == index
//   25..27 exceptions:   +1 when ev_valid and ev_exc_reason == index-24
//   28     ARP replies:  +1 when ev_valid and ev_arp_reply
//   32 +sess_ev_insert, 33 +sess_ev_insert_fail, 34 +sess_ev_aged, 36 +sess_ev_kicks (per cycle,
//      not qualified by ev_valid); 35/37/38 +1 when ev_valid and ev_sess_closed/hit/miss
//   39     gauge: reads sess_occupancy (zero-extended)
//   40/41  +1 / +ev_len when ev_valid and ev_port == 0 (net);  44/45 the same for ev_port == 1 (host)
//   42/43  +1 on tx_net_beat && tx_net_last / +tx_net_bytes on every tx_net_beat; 46/47 host likewise
//   48 NZ_REDIRECTS, 49 NZ_VERDICTS_TX, 50 NZ_VERDICTS_RX, 51 NZ_FALLBACK, 53 PROBE_REPLIES_TX,
//   54 PROBE_REPLIES_RX: +1 when ev_valid and ev_nz_redirect / _verdict_tx / _verdict_rx / _fallback /
//   ev_probe_reply_tx / _rx; 52 PROBES_TX +1 per probe_tx pulse, 55 FE_DOWN +fe_down (per cycle, not
//   qualified by ev_valid)
//   all other indices read 0. Every input can be active in every cycle.
// st_idx -> st_value is combinational (the current counter value).
//
// Per-vNIC counters: three RAMs (ram_sdp, depth N_VNIC, 128 bits = {bytes-or-cycles, pkts-or-flows})
//   lane 0 RX : ev_valid && ev_rx_vnic_valid -> [ev_rx_vnic]      += {ev_len, 1}
//   lane 1 TX : ev_valid && ev_tx_vnic_valid -> [ev_tx_vnic]      += {ev_tx_len, 1}
//   lane 2 NF : ev_valid && ev_newflow       -> [ev_newflow_vnic] += {ev_slow_cycles, 1}
// Each lane is a read-modify-write pipeline (read in cycle t, add and write in t+1) with forwarding
// of the previous write, so a lane accepts an event every cycle. A per-entry "written" flop makes
// never-written entries read 0 after reset (no RAM clear needed).
// Host read (vs_req pulse; vs_kind 0 RX_PKTS 1 RX_BYTES 2 TX_PKTS 3 TX_BYTES 4 NEW_FLOWS
// 5 SLOW_CYCLES; vs_sel vNIC): uses the lane's read port in the first cycle that lane has no event
// (events have priority); vs_done pulses one cycle later with vs_value.
module stats_counters #(
    parameter VNIC_W = 2,
    parameter N_VNIC = 1 << VNIC_W
) (
    input  wire              clk,
    input  wire              rst,
    // flow processor events
    input  wire              ev_valid,
    input  wire              ev_port,
    input  wire [15:0]       ev_len,
    input  wire [4:0]        ev_drop_reason,
    input  wire [1:0]        ev_exc_reason,
    input  wire              ev_arp_reply,
    input  wire              ev_rx_vnic_valid,
    input  wire [VNIC_W-1:0] ev_rx_vnic,
    input  wire              ev_tx_vnic_valid,
    input  wire [VNIC_W-1:0] ev_tx_vnic,
    input  wire [15:0]       ev_tx_len,
    input  wire              ev_newflow,
    input  wire [VNIC_W-1:0] ev_newflow_vnic,
    input  wire [15:0]       ev_slow_cycles,
    input  wire              ev_sess_hit,
    input  wire              ev_sess_miss,
    input  wire              ev_sess_closed,
    input  wire              ev_nz_redirect,
    input  wire              ev_nz_verdict_tx,
    input  wire              ev_nz_verdict_rx,
    input  wire              ev_nz_fallback,
    input  wire              ev_probe_reply_tx,
    input  wire              ev_probe_reply_rx,
    // liveness events (per cycle)
    input  wire              probe_tx,
    input  wire [4:0]        fe_down,
    // session table events
    input  wire              sess_ev_insert,
    input  wire              sess_ev_insert_fail,
    input  wire [7:0]        sess_ev_aged,
    input  wire [7:0]        sess_ev_kicks,
    input  wire [31:0]       sess_occupancy,
    // output ports
    input  wire              tx_net_beat,
    input  wire              tx_net_last,
    input  wire [6:0]        tx_net_bytes,
    input  wire              tx_host_beat,
    input  wire              tx_host_last,
    input  wire [6:0]        tx_host_bytes,
    // host reads
    input  wire [5:0]        st_idx,
    output wire [63:0]       st_value,
    input  wire              vs_req,
    input  wire [VNIC_W-1:0] vs_sel,
    input  wire [2:0]        vs_kind,
    output reg               vs_done,
    output reg  [63:0]       vs_value
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_regs.vh"
    /* verilator lint_on UNUSEDPARAM */
    localparam NUM = NZ_STATS_COUNT;

    // ------------------------------------------------------------------ STATS counters
    /* verilator lint_off UNUSEDSIGNAL */
    reg [NUM*17-1:0] inc;      // increment of counter k at [k*17 +: 17] (unused indices stay 0)
    /* verilator lint_on UNUSEDSIGNAL */
    integer k;
    always @* begin
        for (k = 0; k < NUM; k = k + 1)
            inc[k*17 +: 17] = 17'd0;
        for (k = 1; k <= 31; k = k + 1)
            if (k < 24 || k > 28)       // 24..28: exceptions and ARP replies
                inc[k*17 +: 17] = {16'd0, ev_valid && ev_drop_reason == k[4:0]};
        for (k = 1; k <= 3; k = k + 1)
            inc[(24 + k)*17 +: 17] = {16'd0, ev_valid && ev_exc_reason == k[1:0]};
        inc[28*17 +: 17] = {16'd0, ev_valid && ev_arp_reply};
        inc[32*17 +: 17] = {16'd0, sess_ev_insert};
        inc[33*17 +: 17] = {16'd0, sess_ev_insert_fail};
        inc[34*17 +: 17] = {9'd0, sess_ev_aged};
        inc[35*17 +: 17] = {16'd0, ev_valid && ev_sess_closed};
        inc[36*17 +: 17] = {9'd0, sess_ev_kicks};
        inc[37*17 +: 17] = {16'd0, ev_valid && ev_sess_hit};
        inc[38*17 +: 17] = {16'd0, ev_valid && ev_sess_miss};
        inc[40*17 +: 17] = {16'd0, ev_valid && !ev_port};
        inc[41*17 +: 17] = (ev_valid && !ev_port) ? {1'b0, ev_len} : 17'd0;
        inc[42*17 +: 17] = {16'd0, tx_net_beat && tx_net_last};
        inc[43*17 +: 17] = tx_net_beat ? {10'd0, tx_net_bytes} : 17'd0;
        inc[44*17 +: 17] = {16'd0, ev_valid && ev_port};
        inc[45*17 +: 17] = (ev_valid && ev_port) ? {1'b0, ev_len} : 17'd0;
        inc[46*17 +: 17] = {16'd0, tx_host_beat && tx_host_last};
        inc[47*17 +: 17] = tx_host_beat ? {10'd0, tx_host_bytes} : 17'd0;
        inc[48*17 +: 17] = {16'd0, ev_valid && ev_nz_redirect};
        inc[49*17 +: 17] = {16'd0, ev_valid && ev_nz_verdict_tx};
        inc[50*17 +: 17] = {16'd0, ev_valid && ev_nz_verdict_rx};
        inc[51*17 +: 17] = {16'd0, ev_valid && ev_nz_fallback};
        inc[52*17 +: 17] = {16'd0, probe_tx};
        inc[53*17 +: 17] = {16'd0, ev_valid && ev_probe_reply_tx};
        inc[54*17 +: 17] = {16'd0, ev_valid && ev_probe_reply_rx};
        inc[55*17 +: 17] = {12'd0, fe_down};
    end

    wire [NUM*64-1:0] cnt_flat;
    genvar g;
    generate
        for (g = 0; g < NUM; g = g + 1) begin : g_cnt
            if ((g >= 1 && g <= 23) || (g >= 25 && g <= 31) || (g >= 32 && g <= 38) || g >= 40) begin : g_used
                reg [63:0] c;
                always @(posedge clk) begin
                    if (rst)
                        c <= 64'd0;
                    else
                        c <= c + {47'd0, inc[g*17 +: 17]};
                end
                assign cnt_flat[g*64 +: 64] = c;
            end else if (g == 39) begin : g_gauge
                assign cnt_flat[g*64 +: 64] = {32'd0, sess_occupancy};
            end else begin : g_none
                assign cnt_flat[g*64 +: 64] = 64'd0;
            end
        end
    endgenerate

    assign st_value = ({26'd0, st_idx} < NUM) ? cnt_flat[st_idx*64 +: 64] : 64'd0;

    // ------------------------------------------------------------------ per-vNIC counters
    reg              hr_pend;
    reg [VNIC_W-1:0] hr_sel;
    reg [1:0]        hr_lane;
    reg              hr_half;

    wire [2:0]          l_en;
    wire [3*VNIC_W-1:0] l_addr;
    wire [3*16-1:0]     l_inc;
    assign l_en   = {ev_valid && ev_newflow, ev_valid && ev_tx_vnic_valid, ev_valid && ev_rx_vnic_valid};
    assign l_addr = {ev_newflow_vnic, ev_tx_vnic, ev_rx_vnic};
    assign l_inc  = {ev_slow_cycles, ev_tx_len, ev_len};

    wire [2:0]     h_done;
    wire [3*128-1:0] h_val;

    generate
        for (g = 0; g < 3; g = g + 1) begin : g_lane
            wire             h_go = hr_pend && hr_lane == g && !l_en[g];
            wire [127:0]     q;
            reg              s1_ev, s1_h;
            reg [VNIC_W-1:0] s1_addr;
            reg [15:0]       s1_inc;
            reg              f_v;
            reg [VNIC_W-1:0] f_addr;
            reg [127:0]      f_val;
            reg [N_VNIC-1:0] written;
            wire [127:0]     base = (f_v && f_addr == s1_addr) ? f_val :
                                    written[s1_addr] ? q : 128'd0;
            wire [127:0]     nval = {base[127:64] + {48'd0, s1_inc}, base[63:0] + 64'd1};

            ram_sdp #(.WIDTH(128), .DEPTH(N_VNIC), .AW(VNIC_W)) u_ram (
                .clk   (clk),
                .we    (s1_ev),
                .waddr (s1_addr),
                .wdata (nval),
                .re    (l_en[g] || h_go),
                .raddr (l_en[g] ? l_addr[g*VNIC_W +: VNIC_W] : hr_sel),
                .rdata (q)
            );

            always @(posedge clk) begin
                if (rst) begin
                    s1_ev   <= 1'b0;
                    s1_h    <= 1'b0;
                    s1_addr <= {VNIC_W{1'b0}};
                    s1_inc  <= 16'd0;
                    f_v     <= 1'b0;
                    f_addr  <= {VNIC_W{1'b0}};
                    f_val   <= 128'd0;
                    written <= {N_VNIC{1'b0}};
                end else begin
                    s1_ev   <= l_en[g];
                    s1_h    <= h_go;
                    s1_addr <= l_en[g] ? l_addr[g*VNIC_W +: VNIC_W] : hr_sel;
                    s1_inc  <= l_inc[g*16 +: 16];
                    f_v     <= s1_ev;
                    f_addr  <= s1_addr;
                    f_val   <= nval;
                    if (s1_ev)
                        written[s1_addr] <= 1'b1;
                end
            end
            assign h_done[g]            = s1_h;
            assign h_val[g*128 +: 128] = base;
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            hr_pend  <= 1'b0;
            hr_sel   <= {VNIC_W{1'b0}};
            hr_lane  <= 2'd0;
            hr_half  <= 1'b0;
            vs_done  <= 1'b0;
            vs_value <= 64'd0;
        end else begin
            vs_done <= 1'b0;
            if (vs_req) begin
                hr_pend <= 1'b1;
                hr_sel  <= vs_sel;
                hr_lane <= vs_kind[2:1];
                hr_half <= vs_kind[0];
            end else if (hr_pend && !l_en[hr_lane]) begin
                hr_pend <= 1'b0;
            end
            if (h_done[hr_lane]) begin
                vs_done  <= 1'b1;
                vs_value <= hr_half ? h_val[hr_lane*128 + 64 +: 64] : h_val[hr_lane*128 +: 64];
            end
        end
    end
endmodule

`resetall
