`resetall
`default_nettype none

// pkt_editor: per command, emits cmd_hdr[0..cmd_hdr_len) ++ frame[cmd_strip..min(cmd_end, L)) on m_axis, or
// discards the frame (cmd_drop, or an empty result). L is only known at the frame's tlast; the bytes from
// cmd_end on (a trailer after the forwarded IP packet) are read from the buffer and discarded.
// Realigner: a byte accumulator of CAP = 3*DATA_W/8 + HDR_MAX bytes. Each cycle it may (1) shift
// out one output beat from its head, (2) append a new command's header and (3) append the kept
// bytes of one input beat (beat >> skip, placed behind the header). Output beats never mix frames:
// the accumulator holds at most one frame boundary (the complete frame at the head, bnd_n bytes),
// so the next frame's header and data flow in while the previous frame's tail drains.
// A beat of the current (unfinished) frame is emitted only when more than DATA_W/8 bytes are held
// (so that tlast can be placed); the finished frame at the head is emitted as soon as possible.
// Throughput: one input beat and one output beat per cycle sustained, back to back across frames
// (a command is taken in the same cycle as the frame's first beat). Latency: first output beat
// 2 cycles after the input beat that makes more than DATA_W/8 output bytes available (or that ends
// the frame). Output tkeep contiguous; m_axis_* registered; tuser/tdest constant over a frame.
// Handshake dependencies: cmd_ready is registered state; s_axis_tready depends combinationally on
// cmd_valid, s_axis_tlast/tkeep and m_axis_tready (never on s_axis_tvalid).
module pkt_editor #(
    parameter DATA_W  = 64,
    parameter USER_W  = 12,
    parameter HDR_MAX = 64
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  cmd_valid,
    output wire                  cmd_ready,
    input  wire                  cmd_drop,
    input  wire                  cmd_dest,
    input  wire [USER_W-1:0]     cmd_user,
    input  wire [6:0]            cmd_hdr_len,
    input  wire [HDR_MAX*8-1:0]  cmd_hdr,
    input  wire [15:0]           cmd_strip,
    input  wire [15:0]           cmd_end,
    input  wire [DATA_W-1:0]     s_axis_tdata,
    input  wire [DATA_W/8-1:0]   s_axis_tkeep,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    output reg  [DATA_W-1:0]     m_axis_tdata,
    output reg  [DATA_W/8-1:0]   m_axis_tkeep,
    output reg                   m_axis_tvalid,
    input  wire                  m_axis_tready,
    output reg                   m_axis_tlast,
    output reg  [USER_W-1:0]     m_axis_tuser,
    output reg                   m_axis_tdest,
    output wire                  busy
);
    localparam integer K    = DATA_W / 8;
    localparam integer KLOG = (K <= 1) ? 0 : $clog2(K);
    localparam integer NBW  = KLOG + 1;                 // byte count 0..K
    localparam integer CAP  = 3 * K + HDR_MAX;          // accumulator bytes
    localparam integer CW   = $clog2(CAP + 1);
    localparam integer AB   = CAP * 8;
    localparam [CW-1:0] K_C    = K[CW-1:0];
    localparam [CW-1:0] HMAX_C = HDR_MAX[CW-1:0];
    localparam [CW-1:0] CAP_C  = CAP[CW-1:0];

    function [NBW-1:0] popcount;
        input [K-1:0] k;
        integer i;
        begin
            popcount = {NBW{1'b0}};
            for (i = 0; i < K; i = i + 1)
                popcount = popcount + {{(NBW-1){1'b0}}, k[i]};
        end
    endfunction

    // ------------------------------------------------------------------ state
    reg  [AB-1:0]     acc;        // byte i at [8i+7:8i]; bytes >= acc_n are zero
    reg  [CW-1:0]     acc_n;
    reg               bnd_v;      // the first bnd_n bytes are a finished frame
    reg  [CW-1:0]     bnd_n;
    reg  [USER_W-1:0] bnd_user;
    reg               bnd_dest;
    reg               active;     // a command is loaded and its frame's tlast not yet seen
    reg               cur_drop;
    reg  [15:0]       cur_strip;
    reg  [15:0]       cur_end;
    reg  [USER_W-1:0] cur_user;
    reg               cur_dest;
    reg  [15:0]       off;        // frame offset of the next input beat

    // ------------------------------------------------------------------ output side (registered state only)
    wire          o_adv    = !m_axis_tvalid || m_axis_tready;
    wire          can_emit = bnd_v || (acc_n > K_C);
    wire [CW-1:0] take     = (bnd_v && bnd_n <= K_C) ? bnd_n : K_C;
    wire          e_last   = bnd_v && (bnd_n <= K_C);
    wire          emit     = o_adv && can_emit;
    wire [CW-1:0] take_e   = emit ? take : {CW{1'b0}};
    wire [CW-1:0] n_pe     = acc_n - take_e;
    wire [AB-1:0] acc_pe   = acc >> {take_e, 3'b000};
    wire          bnd_after = bnd_v && !(emit && e_last);
    wire [CW-1:0] bnd_n_pe = bnd_n - take_e;

    // ------------------------------------------------------------------ command load
    assign cmd_ready = !active && (acc_n <= CAP_C - HMAX_C);
    wire          ld       = cmd_valid && cmd_ready;
    wire [6:0]    hlen_c   = (cmd_hdr_len > HDR_MAX[6:0]) ? HDR_MAX[6:0] : cmd_hdr_len;
    wire [CW-1:0] m_ld     = (ld && !cmd_drop) ? {{(CW-7){1'b0}}, hlen_c} : {CW{1'b0}};
    reg  [HDR_MAX*8-1:0] hdr_m;
    integer hi;
    always @* begin
        for (hi = 0; hi < HDR_MAX; hi = hi + 1)
            hdr_m[hi*8 +: 8] = (hi < m_ld) ? cmd_hdr[hi*8 +: 8] : 8'd0;
    end

    wire          p_act    = active || ld;
    wire          p_drop   = ld ? cmd_drop  : cur_drop;
    wire [15:0]   p_strip  = ld ? cmd_strip : cur_strip;
    wire [15:0]   p_end    = ld ? cmd_end   : cur_end;
    wire [15:0]   p_off    = ld ? 16'd0     : off;
    wire [USER_W-1:0] p_user = ld ? cmd_user : cur_user;
    wire          p_dest   = ld ? cmd_dest  : cur_dest;

    // ------------------------------------------------------------------ input side
    wire [NBW-1:0] nb      = popcount(s_axis_tkeep);
    wire [15:0]    to_strip = (p_off >= p_strip) ? 16'd0 : (p_strip - p_off);
    wire [15:0]    to_end  = (p_off >= p_end) ? 16'd0 : (p_end - p_off);
    // lim: the beat's bytes before `end` (none for a dropped frame); skip: those before `strip`
    wire [NBW-1:0] lim     = p_drop ? {NBW{1'b0}} :
                             ((to_end >= {{(16-NBW){1'b0}}, nb}) ? nb : to_end[NBW-1:0]);
    wire [NBW-1:0] skip    = (to_strip >= {{(16-NBW){1'b0}}, lim}) ? lim : to_strip[NBW-1:0];
    wire [NBW-1:0] kept    = lim - skip;
    wire [CW-1:0]  base    = n_pe + m_ld;                        // where the beat's kept bytes go
    wire [CW-1:0]  n_cur_b = base - (bnd_after ? bnd_n_pe : {CW{1'b0}});  // current-frame bytes before the beat
    wire           cur_nonempty = (n_cur_b != {CW{1'b0}}) || (kept != {NBW{1'b0}});
    wire           room    = ({1'b0, acc_n} + (active ? {(CW+1){1'b0}} : {1'b0, HMAX_C}) + {1'b0, K_C})
                             <= {1'b0, CAP_C};
    assign s_axis_tready = p_act && room && !(s_axis_tlast && bnd_after && cur_nonempty);
    wire           beat    = s_axis_tvalid && s_axis_tready;
    wire [NBW-1:0] kept_e  = beat ? kept : {NBW{1'b0}};
    wire [CW-1:0]  n_next  = base + {{(CW-NBW){1'b0}}, kept_e};

    reg  [DATA_W-1:0] din_m;
    integer li;
    always @* begin
        for (li = 0; li < K; li = li + 1)
            din_m[li*8 +: 8] = (beat && li < lim) ? s_axis_tdata[li*8 +: 8] : 8'd0;
    end
    wire [DATA_W-1:0] din_s  = din_m >> {skip, 3'b000};          // kept bytes at lane 0
    wire [AB-1:0]     hdr_w  = {{(AB-HDR_MAX*8){1'b0}}, hdr_m} << {n_pe, 3'b000};
    wire [AB-1:0]     din_w  = {{(AB-DATA_W){1'b0}}, din_s} << {base, 3'b000};
    wire [AB-1:0]     acc_nx = acc_pe | hdr_w | din_w;

    wire [16:0]    off_sum = {1'b0, p_off} + {{(17-NBW){1'b0}}, nb};

    reg  [DATA_W-1:0] head_m;
    integer oi;
    always @* begin
        for (oi = 0; oi < K; oi = oi + 1)
            head_m[oi*8 +: 8] = (oi < take) ? acc[oi*8 +: 8] : 8'd0;
    end
    reg  [K-1:0] keep_t;
    integer ki;
    always @* begin
        for (ki = 0; ki < K; ki = ki + 1)
            keep_t[ki] = (ki < take);
    end

    always @(posedge clk) begin
        if (rst) begin
            acc           <= {AB{1'b0}};
            acc_n         <= {CW{1'b0}};
            bnd_v         <= 1'b0;
            bnd_n         <= {CW{1'b0}};
            bnd_user      <= {USER_W{1'b0}};
            bnd_dest      <= 1'b0;
            active        <= 1'b0;
            cur_drop      <= 1'b0;
            cur_strip     <= 16'd0;
            cur_end       <= 16'd0;
            cur_user      <= {USER_W{1'b0}};
            cur_dest      <= 1'b0;
            off           <= 16'd0;
            m_axis_tvalid <= 1'b0;
            m_axis_tdata  <= {DATA_W{1'b0}};
            m_axis_tkeep  <= {K{1'b0}};
            m_axis_tlast  <= 1'b0;
            m_axis_tuser  <= {USER_W{1'b0}};
            m_axis_tdest  <= 1'b0;
        end else begin
            acc   <= acc_nx;
            acc_n <= n_next;
            if (ld) begin
                cur_drop  <= cmd_drop;
                cur_strip <= cmd_strip;
                cur_end   <= cmd_end;
                cur_user  <= cmd_user;
                cur_dest  <= cmd_dest;
            end
            if (beat)
                off <= off_sum[16] ? 16'hFFFF : off_sum[15:0];
            else if (ld)
                off <= 16'd0;
            active <= p_act && !(beat && s_axis_tlast);
            if (bnd_after) begin
                bnd_n <= bnd_n_pe;
            end else if (beat && s_axis_tlast && (n_next != {CW{1'b0}})) begin
                bnd_v    <= 1'b1;
                bnd_n    <= n_next;
                bnd_user <= p_user;
                bnd_dest <= p_dest;
            end else begin
                bnd_v <= 1'b0;
            end
            if (o_adv) begin
                m_axis_tvalid <= emit;
                if (emit) begin
                    m_axis_tdata <= head_m;
                    m_axis_tkeep <= keep_t;
                    m_axis_tlast <= e_last;
                    m_axis_tuser <= bnd_v ? bnd_user : cur_user;
                    m_axis_tdest <= bnd_v ? bnd_dest : cur_dest;
                end
            end
        end
    end

    assign busy = active || bnd_v || (acc_n != {CW{1'b0}}) || m_axis_tvalid;
endmodule

`resetall
