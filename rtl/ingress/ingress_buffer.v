`resetall
`default_nettype none

// ingress_buffer: store-and-forward packet FIFO for one input port.
// - Write side: accepts one beat per cycle while the data RAM has room for a beat. At a frame's
//   first beat it also needs a free descriptor slot and a free stored-frame slot (else tready is
//   low before the frame starts, never inside a frame). Frames with the rx error flag
//   (tuser[VNIC_W], OR over the beats) or longer than the MTU (min(cfg_mtu, MTU_MAX)) stop being
//   stored at the offending beat, the rest of the frame is accepted and discarded, and the write
//   pointer rolls back at tlast. The first HDR_BYTES bytes are captured (zero past the frame end).
// - Every frame (stored or not) yields one descriptor (desc_*) in arrival order; the descriptor is
//   presented 3 cycles after the frame's last beat is accepted (commit register + sync_fifo).
// - Read side (m_axis): stored frames in arrival order; beats are rebuilt from the stored length
//   (all beats full except the last, as on the input; a zero-length frame is one beat with tkeep 0).
//   The first beat is presented 5 cycles after the frame's last input beat is accepted; then one
//   beat per cycle, back to back across frames. m_axis_tdata is the RAM's output register.
// Assumes (spec section 2) tkeep contiguous from lane 0 and only the last beat of a frame partial;
// beats with tkeep == 0 carry no bytes and are not stored. HDR_BYTES must be a multiple of DATA_W/8,
// BUF_BYTES/(DATA_W/8) and DESC_DEPTH powers of two, MTU_MAX <= BUF_BYTES.
module ingress_buffer #(
    parameter DATA_W     = 64,
    parameter VNIC_W     = 4,
    parameter USER_W     = VNIC_W + 8,
    parameter HDR_BYTES  = 128,
    parameter MTU_MAX    = 9216,
    parameter BUF_BYTES  = 32768,
    parameter DESC_DEPTH = 16
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire [DATA_W-1:0]      s_axis_tdata,
    input  wire [DATA_W/8-1:0]    s_axis_tkeep,
    input  wire                   s_axis_tvalid,
    output wire                   s_axis_tready,
    input  wire                   s_axis_tlast,
    input  wire [USER_W-1:0]      s_axis_tuser,
    input  wire [15:0]            cfg_mtu,
    output wire                   desc_valid,
    input  wire                   desc_ready,
    output wire [15:0]            desc_len,
    output wire [HDR_BYTES*8-1:0] desc_hdr,
    output wire [VNIC_W-1:0]      desc_vnic,
    output wire                   desc_rx_error,
    output wire                   desc_oversize,
    output wire                   desc_stored,
    output wire [DATA_W-1:0]      m_axis_tdata,
    output wire [DATA_W/8-1:0]    m_axis_tkeep,
    output wire                   m_axis_tvalid,
    input  wire                   m_axis_tready,
    output wire                   m_axis_tlast,
    output wire                   busy
);
    localparam integer KEEP_W = DATA_W / 8;
    localparam integer KLOG   = (KEEP_W <= 1) ? 0 : $clog2(KEEP_W);
    localparam integer NB     = BUF_BYTES / KEEP_W;         // beats in the data RAM
    localparam integer BAW    = (NB <= 2) ? 1 : $clog2(NB);
    localparam integer HB     = HDR_BYTES / KEEP_W;         // header beats
    localparam integer HBW    = $clog2(HB + 1);
    localparam integer DAW    = (DESC_DEPTH <= 2) ? 1 : $clog2(DESC_DEPTH);
    localparam integer NBW    = KLOG + 1;                   // width of a byte count 0..KEEP_W
    localparam integer RLW    = 17;                         // beats of a stored frame
    localparam integer DESC_W = HDR_BYTES*8 + 16 + VNIC_W + 2;
    localparam [15:0]  MTU_MAX16 = MTU_MAX[15:0];

    // ------------------------------------------------------------------ helpers
    function [NBW-1:0] popcount;
        input [KEEP_W-1:0] k;
        integer i;
        begin
            popcount = {NBW{1'b0}};
            for (i = 0; i < KEEP_W; i = i + 1)
                popcount = popcount + {{(NBW-1){1'b0}}, k[i]};
        end
    endfunction

    function [KEEP_W-1:0] keep_of;           // n low lanes set, n = 0..KEEP_W
        input [NBW-1:0] n;
        integer i;
        begin
            for (i = 0; i < KEEP_W; i = i + 1)
                keep_of[i] = (i < n);
        end
    endfunction

    // ------------------------------------------------------------------ write side state
    reg                   in_frame;
    reg                   f_disc;     // current frame no longer stored
    reg                   f_err;
    reg                   f_over;
    reg  [15:0]           f_len;
    reg  [VNIC_W-1:0]     f_vnic;
    reg  [HBW-1:0]        f_beat;     // beats seen so far, saturating at HB
    reg  [HDR_BYTES*8-1:0] f_hdr;
    reg  [BAW:0]          wp;         // write pointer (beats)
    reg  [BAW:0]          fs_wp;      // write pointer at the start of the current frame
    reg  [BAW:0]          rp;         // read pointer (beats); slots before it are free
    reg  [DAW:0]          desc_res;   // descriptors reserved (frame started, descriptor not taken)
    reg  [DAW:0]          len_res;    // stored-frame slots reserved (frame started, not yet read)
    reg                   c_valid;    // commit stage: a frame ended last cycle
    reg                   c_stored;

    wire [15:0] mtu_eff  = (cfg_mtu > MTU_MAX16) ? MTU_MAX16 : cfg_mtu;
    wire [BAW:0] used    = wp - rp;
    wire        room     = !used[BAW];                    // used < NB
    wire        desc_ok  = (desc_res != DESC_DEPTH[DAW:0]);
    wire        len_ok   = (len_res  != DESC_DEPTH[DAW:0]);
    assign s_axis_tready = in_frame ? (f_disc || room) : (room && desc_ok && len_ok);

    wire        acc      = s_axis_tvalid && s_axis_tready;
    wire        first    = !in_frame;
    wire [NBW-1:0] nb    = popcount(s_axis_tkeep);
    wire [15:0] len_cur  = first ? 16'd0 : f_len;
    wire [16:0] len_sum  = {1'b0, len_cur} + {{(17-NBW){1'b0}}, nb};
    wire [15:0] len_new  = len_sum[16] ? 16'hFFFF : len_sum[15:0];
    wire        err_new  = (!first && f_err) || s_axis_tuser[VNIC_W];
    wire        over_new = (!first && f_over) || (len_new > mtu_eff);
    wire        disc_new = (!first && f_disc) || err_new || over_new;
    wire        store    = acc && !disc_new && (nb != {NBW{1'b0}});
    wire [BAW:0] wp_inc  = wp + {{BAW{1'b0}}, store};
    wire [HBW-1:0] beat_idx = first ? {HBW{1'b0}} : f_beat;

    reg  [DATA_W-1:0] data_masked;
    integer li;
    always @* begin
        for (li = 0; li < KEEP_W; li = li + 1)
            data_masked[li*8 +: 8] = s_axis_tkeep[li] ? s_axis_tdata[li*8 +: 8] : 8'd0;
    end

    // data RAM
    wire             rd_issue;
    ram_sdp #(.WIDTH(DATA_W), .DEPTH(NB), .AW(BAW)) u_data (
        .clk(clk), .we(store), .waddr(wp[BAW-1:0]), .wdata(data_masked),
        .re(rd_issue), .raddr(rp[BAW-1:0]), .rdata(m_axis_tdata)
    );

    // header capture
    genvar gj;
    generate
        for (gj = 0; gj < HB; gj = gj + 1) begin : g_hdr
            always @(posedge clk) begin
                if (acc) begin
                    if (beat_idx == gj)
                        f_hdr[gj*DATA_W +: DATA_W] <= data_masked;
                    else if (first)
                        f_hdr[gj*DATA_W +: DATA_W] <= {DATA_W{1'b0}};
                end
            end
        end
    endgenerate

    // descriptor FIFO. The FIFOs always have room when written: a slot is reserved at the
    // frame's first beat (desc_res / len_res), so their in_ready outputs are not needed.
    /* verilator lint_off UNUSEDSIGNAL */
    wire desc_in_ready, len_in_ready;
    /* verilator lint_on UNUSEDSIGNAL */
    wire desc_pop = desc_valid && desc_ready;
    wire [DESC_W-1:0] desc_word;
    sync_fifo #(.WIDTH(DESC_W), .DEPTH(DESC_DEPTH)) u_desc (
        .clk(clk), .rst(rst),
        .in_valid(c_valid), .in_ready(desc_in_ready), .in_data({f_over, f_err, f_vnic, f_len, f_hdr}),
        .out_valid(desc_valid), .out_ready(desc_ready), .out_data(desc_word)
    );
    assign desc_hdr      = desc_word[HDR_BYTES*8-1:0];
    assign desc_len      = desc_word[HDR_BYTES*8 +: 16];
    assign desc_vnic     = desc_word[HDR_BYTES*8+16 +: VNIC_W];
    assign desc_rx_error = desc_word[HDR_BYTES*8+16+VNIC_W];
    assign desc_oversize = desc_word[HDR_BYTES*8+16+VNIC_W+1];
    assign desc_stored   = !(desc_rx_error || desc_oversize);

    // stored-frame length FIFO (read side)
    wire        lf_valid;
    wire        lf_pop;
    wire [15:0] lf_len;
    sync_fifo #(.WIDTH(16), .DEPTH(DESC_DEPTH)) u_len (
        .clk(clk), .rst(rst),
        .in_valid(c_valid && c_stored), .in_ready(len_in_ready), .in_data(f_len),
        .out_valid(lf_valid), .out_ready(lf_pop), .out_data(lf_len)
    );

    always @(posedge clk) begin
        if (rst) begin
            in_frame <= 1'b0;
            f_disc   <= 1'b0;
            f_err    <= 1'b0;
            f_over   <= 1'b0;
            f_len    <= 16'd0;
            f_vnic   <= {VNIC_W{1'b0}};
            f_beat   <= {HBW{1'b0}};
            wp       <= {(BAW+1){1'b0}};
            fs_wp    <= {(BAW+1){1'b0}};
            c_valid  <= 1'b0;
            c_stored <= 1'b0;
        end else begin
            c_valid <= acc && s_axis_tlast;
            if (acc) begin
                in_frame <= !s_axis_tlast;
                f_disc   <= disc_new;
                f_err    <= err_new;
                f_over   <= over_new;
                f_len    <= len_new;
                if (first)
                    f_vnic <= s_axis_tuser[VNIC_W-1:0];
                if (beat_idx != HB[HBW-1:0])
                    f_beat <= beat_idx + 1'b1;
                else
                    f_beat <= beat_idx;
                if (s_axis_tlast) begin
                    c_stored <= !disc_new;
                    wp       <= disc_new ? fs_wp : wp_inc;
                    fs_wp    <= disc_new ? fs_wp : wp_inc;
                end else begin
                    wp <= wp_inc;
                end
            end
        end
    end

    // ------------------------------------------------------------------ read side
    reg             rd_act;
    reg [RLW-1:0]   rd_left;    // beats still to issue for the current frame
    reg [NBW-1:0]   rd_lastn;   // bytes in the frame's last beat
    reg             o_valid;
    reg             o_last;
    reg [KEEP_W-1:0] o_keep;

    wire            o_adv   = !o_valid || m_axis_tready;
    assign rd_issue = rd_act && o_adv && !(rd_left == {{(RLW-1){1'b0}}, 1'b1} && rd_lastn == {NBW{1'b0}});
    wire            issue   = rd_act && o_adv;
    wire            is_lastb = (rd_left == {{(RLW-1){1'b0}}, 1'b1});
    assign lf_pop = lf_valid && (!rd_act || (issue && is_lastb));

    wire [16:0]     lf_len_m1 = {1'b0, lf_len} - 17'd1;
    wire [RLW-1:0]  lf_beats  = (lf_len == 16'd0) ? 17'd1 : ((lf_len_m1 >> KLOG) + 17'd1);
    wire [NBW-1:0]  lf_lastn;
    generate
        if (KLOG == 0) begin : g_ln1
            assign lf_lastn = (lf_len == 16'd0) ? 1'b0 : 1'b1;
        end else begin : g_lnk
            assign lf_lastn = (lf_len == 16'd0) ? {NBW{1'b0}}
                                                : ({1'b0, lf_len_m1[KLOG-1:0]} + {{(NBW-1){1'b0}}, 1'b1});
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            rd_act   <= 1'b0;
            rd_left  <= {RLW{1'b0}};
            rd_lastn <= {NBW{1'b0}};
            o_valid  <= 1'b0;
            o_last   <= 1'b0;
            o_keep   <= {KEEP_W{1'b0}};
            rp       <= {(BAW+1){1'b0}};
        end else begin
            if (rd_issue)
                rp <= rp + 1'b1;
            if (o_adv) begin
                o_valid <= issue;
                if (issue) begin
                    o_last <= is_lastb;
                    o_keep <= is_lastb ? keep_of(rd_lastn) : {KEEP_W{1'b1}};
                end
            end
            if (lf_pop) begin
                rd_act   <= 1'b1;
                rd_left  <= lf_beats;
                rd_lastn <= lf_lastn;
            end else if (issue) begin
                if (is_lastb)
                    rd_act <= 1'b0;
                rd_left <= rd_left - 1'b1;
            end
        end
    end
    assign m_axis_tvalid = o_valid;
    assign m_axis_tlast  = o_last;
    assign m_axis_tkeep  = o_keep;

    // ------------------------------------------------------------------ reservations
    wire start = acc && first;
    always @(posedge clk) begin
        if (rst) begin
            desc_res <= {(DAW+1){1'b0}};
            len_res  <= {(DAW+1){1'b0}};
        end else begin
            desc_res <= desc_res + {{DAW{1'b0}}, start} - {{DAW{1'b0}}, desc_pop};
            len_res  <= len_res + {{DAW{1'b0}}, start} - {{DAW{1'b0}}, lf_pop}
                                - {{DAW{1'b0}}, (c_valid && !c_stored)};
        end
    end

    assign busy = in_frame || c_valid || (desc_res != {(DAW+1){1'b0}}) ||
                  (len_res != {(DAW+1){1'b0}}) || rd_act || o_valid;
endmodule

`resetall
