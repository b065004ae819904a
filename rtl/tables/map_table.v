`resetall
`default_nettype none

// map_table: (VNI, VM IP) -> (VTEP IP, VM MAC, tunnel type) mapping table, 2**MAP_LOG2 buckets x
// MAP_WAYS ways, one ram_sdp per way (depth = buckets). Host INDEX = bucket*MAP_WAYS + way. The geneve
// bit of an entry selects Geneve instead of VXLAN for a remote VTEP.
//
// Lookup: bucket = CRC-32C over the 7 bytes {vni[23:0], ip[31:0]} (network order) mod buckets; the
// ways of that bucket are compared (valid, vni, ip); the lowest matching way wins.
// Latency: mp_resp_valid pulses exactly 3 cycles after mp_req_valid, one request per cycle:
//   cycle 1: request registered, CRC computed, RAM read issued
//   cycle 2: RAM data, way compare                        -> registered response
//   cycle 3: mp_resp_* valid (hit/vtep/mac/geneve hold until the next response; 0 on a miss)
// Host read (hr_req pulse, hr_idx): queued until a cycle without a datapath RAM read (datapath has
// priority), hr_done pulses one cycle after the RAM read with hr_* valid in that cycle only.
// Host write (wr_en): one cycle; must not be issued while !ready.
// After reset the RAMs are cleared (valid = 0) bucket by bucket (2**MAP_LOG2 cycles); until then
// ready is low, host reads wait and lookups answer miss (which is the content of a cleared table).
// Requirements: MAP_WAYS a power of 2 and >= 2, MAP_LOG2 >= 1.
module map_table #(
    parameter MAP_LOG2 = 3,
    parameter MAP_WAYS = 2,
    parameter IDX_W    = MAP_LOG2 + $clog2(MAP_WAYS)
) (
    input  wire             clk,
    input  wire             rst,
    output wire             ready,
    // host write
    input  wire             wr_en,
    input  wire [IDX_W-1:0] wr_idx,
    input  wire             wr_valid,
    input  wire [23:0]      wr_vni,
    input  wire [31:0]      wr_ip,
    input  wire [31:0]      wr_vtep,
    input  wire [47:0]      wr_mac,
    input  wire             wr_geneve,
    // host read
    input  wire             hr_req,
    input  wire [IDX_W-1:0] hr_idx,
    output reg              hr_done,
    output wire             hr_valid,
    output wire [23:0]      hr_vni,
    output wire [31:0]      hr_ip,
    output wire [31:0]      hr_vtep,
    output wire [47:0]      hr_mac,
    output wire             hr_geneve,
    // lookup
    input  wire             mp_req_valid,
    input  wire [23:0]      mp_req_vni,
    input  wire [31:0]      mp_req_ip,
    output reg              mp_resp_valid,
    output reg              mp_resp_hit,
    output reg  [31:0]      mp_resp_vtep,
    output reg  [47:0]      mp_resp_mac,
    output reg              mp_resp_geneve
);
    localparam BUCKETS = 1 << MAP_LOG2;
    localparam WAY_W   = $clog2(MAP_WAYS);
    localparam BA_W    = MAP_LOG2;                        // RAM address width
    localparam EW      = 138;                             // {geneve1, mac48, vtep32, ip32, vni24, valid1}

    // ---- reset clear ----
    reg            clr_busy;
    reg [BA_W-1:0] clr_ptr;
    assign ready = !clr_busy;
    always @(posedge clk) begin
        if (rst) begin
            clr_busy <= 1'b1;
            clr_ptr  <= {BA_W{1'b0}};
        end else if (clr_busy) begin
            clr_ptr <= clr_ptr + 1'b1;
            if (&clr_ptr)
                clr_busy <= 1'b0;
        end
    end

    // ---- lookup stage 1 ----
    reg        s1_v;
    reg [23:0] s1_vni;
    reg [31:0] s1_ip;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] s1_crc;                  // only the low MAP_LOG2 bits select the bucket
    /* verilator lint_on UNUSEDSIGNAL */
    crc32c #(.NBYTES(7)) u_crc (.data({s1_vni, s1_ip}), .crc(s1_crc));
    wire [BA_W-1:0] s1_bucket = s1_crc[BA_W-1:0];

    // ---- host read queue ----
    reg             hr_pend;
    reg [IDX_W-1:0] hr_pidx;
    wire            hr_go = hr_pend && !s1_v && !clr_busy;
    wire [BA_W-1:0] hr_bucket = hr_pidx[IDX_W-1:WAY_W];
    reg  [WAY_W-1:0] hr_way;       // way of the host read being answered

    // ---- RAMs ----
    wire [BA_W-1:0]  wr_bucket = wr_idx[IDX_W-1:WAY_W];
    wire [WAY_W-1:0] wr_way    = wr_idx[WAY_W-1:0];
    wire [EW-1:0]   wr_word   = {wr_geneve, wr_mac, wr_vtep, wr_ip, wr_vni, wr_valid};
    wire [MAP_WAYS*EW-1:0] q;

    genvar w;
    generate
        for (w = 0; w < MAP_WAYS; w = w + 1) begin : g_way
            ram_sdp #(.WIDTH(EW), .DEPTH(BUCKETS), .AW(BA_W)) u_ram (
                .clk   (clk),
                .we    (clr_busy || (wr_en && wr_way == w[WAY_W-1:0])),
                .waddr (clr_busy ? clr_ptr : wr_bucket),
                .wdata (clr_busy ? {EW{1'b0}} : wr_word),
                .re    (s1_v || hr_go),
                .raddr (s1_v ? s1_bucket : hr_bucket),
                .rdata (q[w*EW +: EW])
            );
        end
    endgenerate

    // ---- lookup stage 2 and response ----
    reg        s2_v, s2_clr;
    reg [23:0] s2_vni;
    reg [31:0] s2_ip;
    reg        m_hit;
    reg [31:0] m_vtep;
    reg [47:0] m_mac;
    reg        m_geneve;
    integer i;
    always @* begin
        m_hit    = 1'b0;
        m_vtep   = 32'd0;
        m_mac    = 48'd0;
        m_geneve = 1'b0;
        for (i = MAP_WAYS - 1; i >= 0; i = i - 1) begin
            if (q[i*EW] && q[i*EW + 1 +: 24] == s2_vni && q[i*EW + 25 +: 32] == s2_ip && !s2_clr) begin
                m_hit    = 1'b1;
                m_vtep   = q[i*EW + 57 +: 32];
                m_mac    = q[i*EW + 89 +: 48];
                m_geneve = q[i*EW + 137];
            end
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            s1_v          <= 1'b0;
            s1_vni        <= 24'd0;
            s1_ip         <= 32'd0;
            s2_v          <= 1'b0;
            s2_clr        <= 1'b0;
            s2_vni        <= 24'd0;
            s2_ip         <= 32'd0;
            mp_resp_valid <= 1'b0;
            mp_resp_hit   <= 1'b0;
            mp_resp_vtep  <= 32'd0;
            mp_resp_mac   <= 48'd0;
            mp_resp_geneve <= 1'b0;
            hr_pend       <= 1'b0;
            hr_pidx       <= {IDX_W{1'b0}};
            hr_done       <= 1'b0;
            hr_way        <= {WAY_W{1'b0}};
        end else begin
            s1_v   <= mp_req_valid;
            s1_vni <= mp_req_vni;
            s1_ip  <= mp_req_ip;
            s2_v   <= s1_v;
            s2_clr <= clr_busy;
            s2_vni <= s1_vni;
            s2_ip  <= s1_ip;
            mp_resp_valid <= s2_v;
            if (s2_v) begin
                mp_resp_hit  <= m_hit;
                mp_resp_vtep <= m_vtep;
                mp_resp_mac  <= m_mac;
                mp_resp_geneve <= m_geneve;
            end
            hr_done <= hr_go;
            if (hr_req) begin
                hr_pend <= 1'b1;
                hr_pidx <= hr_idx;
            end else if (hr_go) begin
                hr_pend <= 1'b0;
            end
            if (hr_go)
                hr_way <= hr_pidx[WAY_W-1:0];
        end
    end

    wire [EW-1:0] hq = q[hr_way * EW +: EW];
    assign hr_valid = hq[0];
    assign hr_vni   = hq[1 +: 24];
    assign hr_ip    = hq[25 +: 32];
    assign hr_vtep  = hq[57 +: 32];
    assign hr_mac   = hq[89 +: 48];
    assign hr_geneve = hq[137];
endmodule

`resetall
