`resetall
`default_nettype none

// axis_pad: pads every AXI-Stream frame shorter than MIN_BYTES with zero bytes up to MIN_BYTES (datapath-spec
// 4.7 "Padding": frames to a VM are at least the 60-byte Ethernet minimum without FCS). Longer frames pass
// unchanged. A padded frame's last input beat is extended (its lanes past the input's tkeep are zeroed and
// tkeep widened); when the padding does not fit in that beat (DATA_W/8 < MIN_BYTES), whole zero beats follow
// it, during which s_tready is low. tuser is held over the pad beats.
// Input tkeep must be contiguous from lane 0 (only the last beat of a frame may be partial).
// Latency: 1 cycle (registered output). Throughput: one beat per cycle, plus ceil(pad / (DATA_W/8)) - 1
// cycles per padded frame at most (none at DATA_W >= 8*MIN_BYTES: the padding always fits the last beat).
// Handshake: s_tready = !padding && (!m_tvalid || m_tready) (one combinational path from m_tready).
module axis_pad #(
    parameter DATA_W    = 64,            // AXI-Stream data width in bits (multiple of 8)
    parameter USER_W    = 12,            // tuser width, carried unchanged
    parameter MIN_BYTES = 60             // shortest frame that leaves this stage
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire [DATA_W-1:0]     s_tdata,
    input  wire [DATA_W/8-1:0]   s_tkeep,
    input  wire                  s_tvalid,
    output wire                  s_tready,
    input  wire                  s_tlast,
    input  wire [USER_W-1:0]     s_tuser,
    output reg  [DATA_W-1:0]     m_tdata,
    output reg  [DATA_W/8-1:0]   m_tkeep,
    output reg                   m_tvalid,
    input  wire                  m_tready,
    output reg                   m_tlast,
    output reg  [USER_W-1:0]     m_tuser,
    output wire                  busy
);
    localparam integer K   = DATA_W / 8;
    localparam integer CW  = $clog2(MIN_BYTES + K + 1);            // bytes so far, saturating at MIN_BYTES
    localparam [CW-1:0] MIN_C = MIN_BYTES[CW-1:0];
    localparam [CW-1:0] K_C   = K[CW-1:0];

    initial begin
        if (DATA_W < 8 || DATA_W % 8 != 0) begin
            $display("axis_pad: DATA_W must be a positive multiple of 8");
            $finish;
        end
        if (MIN_BYTES < 1) begin
            $display("axis_pad: MIN_BYTES must be at least 1");
            $finish;
        end
    end

    function [CW-1:0] popcount;
        input [K-1:0] k;
        integer i;
        begin
            popcount = {CW{1'b0}};
            for (i = 0; i < K; i = i + 1)
                popcount = popcount + {{(CW-1){1'b0}}, k[i]};
        end
    endfunction

    // the first n lanes
    function [K-1:0] lanes;
        input [CW-1:0] n;
        integer i;
        begin
            for (i = 0; i < K; i = i + 1)
                lanes[i] = (i < n);
        end
    endfunction

    reg  [CW-1:0]     cnt;          // bytes of the current frame already passed on (saturates at MIN_BYTES)
    reg               padding;      // emitting zero beats after the frame's last input beat
    reg  [USER_W-1:0] pad_user;

    wire          o_free  = !m_tvalid || m_tready;
    assign s_tready = !padding && o_free;
    wire          beat    = s_tvalid && s_tready;

    wire [CW-1:0]  nb     = popcount(s_tkeep);                     // the beat's bytes
    wire [CW:0]    total  = {1'b0, cnt} + {1'b0, nb};
    wire           short  = s_tlast && (total < {1'b0, MIN_C});     // the frame ends short of MIN_BYTES
    wire [CW-1:0]  need   = MIN_C - cnt;                            // bytes still due, from this beat on
    wire           fits   = need <= K_C;                            // the padding fits in this beat
    wire [K-1:0]   in_m   = lanes(nb);                              // the input's own lanes

    reg  [DATA_W-1:0] din_z;                                        // input data, lanes past tkeep zeroed
    integer li;
    always @* begin
        for (li = 0; li < K; li = li + 1)
            din_z[li*8 +: 8] = in_m[li] ? s_tdata[li*8 +: 8] : 8'd0;
    end

    always @(posedge clk) begin
        if (rst) begin
            cnt      <= {CW{1'b0}};
            padding  <= 1'b0;
            pad_user <= {USER_W{1'b0}};
            m_tvalid <= 1'b0;
            m_tdata  <= {DATA_W{1'b0}};
            m_tkeep  <= {K{1'b0}};
            m_tlast  <= 1'b0;
            m_tuser  <= {USER_W{1'b0}};
        end else if (o_free) begin
            if (padding) begin
                // zero beats until MIN_BYTES
                m_tvalid <= 1'b1;
                m_tdata  <= {DATA_W{1'b0}};
                m_tuser  <= pad_user;
                if (fits) begin
                    m_tkeep <= lanes(need);
                    m_tlast <= 1'b1;
                    padding <= 1'b0;
                    cnt     <= {CW{1'b0}};
                end else begin
                    m_tkeep <= {K{1'b1}};
                    m_tlast <= 1'b0;
                    cnt     <= cnt + K_C;
                end
            end else if (beat) begin
                m_tvalid <= 1'b1;
                m_tuser  <= s_tuser;
                if (!short) begin
                    m_tdata <= s_tdata;
                    m_tkeep <= s_tkeep;
                    m_tlast <= s_tlast;
                    cnt     <= s_tlast ? {CW{1'b0}} : ((total >= {1'b0, MIN_C}) ? MIN_C : total[CW-1:0]);
                end else if (fits) begin
                    m_tdata <= din_z;
                    m_tkeep <= lanes(need);
                    m_tlast <= 1'b1;
                    cnt     <= {CW{1'b0}};
                end else begin
                    m_tdata  <= din_z;
                    m_tkeep  <= {K{1'b1}};
                    m_tlast  <= 1'b0;
                    cnt      <= cnt + K_C;
                    padding  <= 1'b1;
                    pad_user <= s_tuser;
                end
            end else begin
                m_tvalid <= 1'b0;
            end
        end
    end

    assign busy = m_tvalid || padding || (cnt != {CW{1'b0}});
endmodule

`resetall
