`resetall
`default_nettype none

// axis_arb_mux: N AXI-Stream inputs to one output, whole packets, round-robin between packets, registered
// output.
//
// Inputs are flat vectors, input i at [i*W +: W] (tvalid, tready, tlast: bit i). Each input goes through an
// axis_skid (s_tready[i] is a register: no combinational path from s_tvalid or m_tready to s_tready); the
// output m_* is a register stage.
// Arbitration: a packet, once its first beat is taken, owns the output until its last beat (tlast); the next
// packet comes from the first input with a beat in the order g+1, g+2, ..., g (mod N), where g is the input
// that started the most recent packet (after reset g = N-1: input 0 first). With N = 2 this is "after a
// packet from input i the other input has priority".
// Latency 2 cycles (input beat to m_tvalid); throughput one beat per cycle, also across packets and inputs
// (no idle cycle at a packet switch). An input that always has a packet waiting gets every N-th packet.
// busy: a beat is held in a skid buffer or the output register, or a packet is unfinished.
module axis_arb_mux #(
    parameter N      = 2,               // number of inputs (>= 2)
    parameter DATA_W = 64,              // tdata width (a multiple of 8)
    parameter USER_W = 12,              // tuser width (>= 1)
    // derived: do not override
    parameter KEEP_W = DATA_W / 8,
    parameter SEL_W  = (N <= 2) ? 1 : $clog2(N)
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire [N*DATA_W-1:0]   s_tdata,
    input  wire [N*KEEP_W-1:0]   s_tkeep,
    input  wire [N-1:0]          s_tvalid,
    output wire [N-1:0]          s_tready,
    input  wire [N-1:0]          s_tlast,
    input  wire [N*USER_W-1:0]   s_tuser,
    output reg  [DATA_W-1:0]     m_tdata,
    output reg  [KEEP_W-1:0]     m_tkeep,
    output reg                   m_tvalid,
    input  wire                  m_tready,
    output reg                   m_tlast,
    output reg  [USER_W-1:0]     m_tuser,
    output wire                  busy
);
    localparam integer PW = DATA_W + KEEP_W + 1 + USER_W;      // skid payload {tuser, tlast, tkeep, tdata}
    localparam [31:0]      LAST32  = N - 1;
    localparam [SEL_W-1:0] LAST_IN = LAST32[SEL_W-1:0];

    initial begin
        if (N < 2 || DATA_W % 8 != 0 || USER_W < 1) begin
            $error("axis_arb_mux: N >= 2, DATA_W a multiple of 8, USER_W >= 1 (instance %m)");
            $finish;
        end
    end

    wire [N-1:0]    a_v, a_r, a_busy;
    wire [N*PW-1:0] a_d;

    genvar gi;
    generate
        for (gi = 0; gi < N; gi = gi + 1) begin : g_in
            axis_skid #(.WIDTH(PW)) u_skid (
                .clk(clk), .rst(rst), .s_valid(s_tvalid[gi]), .s_ready(s_tready[gi]),
                .s_data({s_tuser[gi*USER_W +: USER_W], s_tlast[gi], s_tkeep[gi*KEEP_W +: KEEP_W],
                         s_tdata[gi*DATA_W +: DATA_W]}),
                .m_valid(a_v[gi]), .m_ready(a_r[gi]), .m_data(a_d[gi*PW +: PW]), .busy(a_busy[gi]));
        end
    endgenerate

    reg             locked;     // inside a packet from input `owner`
    reg [SEL_W-1:0] owner;
    reg [SEL_W-1:0] last_g;     // input that started the most recent packet

    // round-robin: the first input with a beat after last_g (cyclically)
    reg [SEL_W-1:0] rr;
    reg [31:0]      idx;
    integer k;
    always @* begin
        rr = last_g;
        for (k = N; k >= 1; k = k - 1) begin
            idx = ({{(32-SEL_W){1'b0}}, last_g} + k) % N;
            if (a_v[idx[SEL_W-1:0]])
                rr = idx[SEL_W-1:0];
        end
    end
    wire unused_idx = &{1'b0, idx[31:SEL_W]};

    wire [SEL_W-1:0] grant = locked ? owner : rr;
    wire             g_v   = a_v[grant];
    wire [PW-1:0]    g_d   = a_d[grant*PW +: PW];
    wire             g_last = g_d[DATA_W + KEEP_W];
    wire             o_adv = !m_tvalid || m_tready;
    wire             take  = o_adv && g_v;

    generate
        for (gi = 0; gi < N; gi = gi + 1) begin : g_ready
            localparam [SEL_W-1:0] IDX = gi;
            assign a_r[gi] = take && (grant == IDX);
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            locked   <= 1'b0;
            owner    <= {SEL_W{1'b0}};
            last_g   <= LAST_IN;
            m_tvalid <= 1'b0;
            m_tdata  <= {DATA_W{1'b0}};
            m_tkeep  <= {KEEP_W{1'b0}};
            m_tlast  <= 1'b0;
            m_tuser  <= {USER_W{1'b0}};
        end else begin
            if (o_adv) begin
                m_tvalid <= take;
                if (take) begin
                    m_tdata <= g_d[DATA_W-1:0];
                    m_tkeep <= g_d[DATA_W +: KEEP_W];
                    m_tlast <= g_last;
                    m_tuser <= g_d[DATA_W + KEEP_W + 1 +: USER_W];
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

    assign busy = (|a_busy) || m_tvalid || locked;
endmodule

`resetall
