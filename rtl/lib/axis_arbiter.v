`resetall
`default_nettype none

// axis_arbiter: two AXI-Stream inputs (s0_*, s1_*) to one output (m_*), whole packets,
// round-robin between packets (after a packet from input i the other input has priority).
// Each input goes through an axis_skid (s*_tready is a register: no combinational path from
// s*_tvalid or m_tready to s*_tready); the output is a register stage.
// Latency 2 cycles (input beat to m_* valid); throughput one beat per cycle, also across packets
// and across inputs (no idle cycle at a packet switch).
module axis_arbiter #(
    parameter DATA_W = 64,
    parameter USER_W = 12
) (
    input  wire                clk,
    input  wire                rst,
    input  wire [DATA_W-1:0]   s0_tdata,
    input  wire [DATA_W/8-1:0] s0_tkeep,
    input  wire                s0_tvalid,
    output wire                s0_tready,
    input  wire                s0_tlast,
    input  wire [USER_W-1:0]   s0_tuser,
    input  wire [DATA_W-1:0]   s1_tdata,
    input  wire [DATA_W/8-1:0] s1_tkeep,
    input  wire                s1_tvalid,
    output wire                s1_tready,
    input  wire                s1_tlast,
    input  wire [USER_W-1:0]   s1_tuser,
    output reg  [DATA_W-1:0]   m_tdata,
    output reg  [DATA_W/8-1:0] m_tkeep,
    output reg                 m_tvalid,
    input  wire                m_tready,
    output reg                 m_tlast,
    output reg  [USER_W-1:0]   m_tuser,
    output wire                busy
);
    localparam integer PW = DATA_W + DATA_W/8 + 1 + USER_W;

    wire          a0_v, a1_v, a0_r, a1_r, b0, b1;
    wire [PW-1:0] a0_d, a1_d;

    axis_skid #(.WIDTH(PW)) u_in0 (
        .clk(clk), .rst(rst), .s_valid(s0_tvalid), .s_ready(s0_tready),
        .s_data({s0_tuser, s0_tlast, s0_tkeep, s0_tdata}),
        .m_valid(a0_v), .m_ready(a0_r), .m_data(a0_d), .busy(b0));
    axis_skid #(.WIDTH(PW)) u_in1 (
        .clk(clk), .rst(rst), .s_valid(s1_tvalid), .s_ready(s1_tready),
        .s_data({s1_tuser, s1_tlast, s1_tkeep, s1_tdata}),
        .m_valid(a1_v), .m_ready(a1_r), .m_data(a1_d), .busy(b1));

    reg locked;     // inside a packet from input `owner`
    reg owner;
    reg last_g;     // input that started the most recent packet

    // grant: the locked owner, else round-robin among the inputs that have a beat
    wire grant = locked ? owner : ((last_g ? a0_v : !a1_v) ? 1'b0 : 1'b1);
    wire g_v   = grant ? a1_v : a0_v;
    wire [PW-1:0] g_d = grant ? a1_d : a0_d;
    wire o_adv = !m_tvalid || m_tready;
    wire take  = o_adv && g_v;
    wire g_last = g_d[DATA_W + DATA_W/8];

    assign a0_r = take && !grant;
    assign a1_r = take && grant;

    always @(posedge clk) begin
        if (rst) begin
            locked   <= 1'b0;
            owner    <= 1'b0;
            last_g   <= 1'b1;
            m_tvalid <= 1'b0;
            m_tdata  <= {DATA_W{1'b0}};
            m_tkeep  <= {(DATA_W/8){1'b0}};
            m_tlast  <= 1'b0;
            m_tuser  <= {USER_W{1'b0}};
        end else begin
            if (o_adv) begin
                m_tvalid <= take;
                if (take) begin
                    m_tdata <= g_d[DATA_W-1:0];
                    m_tkeep <= g_d[DATA_W +: DATA_W/8];
                    m_tlast <= g_last;
                    m_tuser <= g_d[DATA_W + DATA_W/8 + 1 +: USER_W];
                end
            end
            if (take) begin
                if (!locked)
                    last_g <= grant;
                locked <= !g_last;
                owner  <= grant;
            end
        end
    end

    assign busy = b0 || b1 || m_tvalid || locked;
endmodule

`resetall
