`resetall
`default_nettype none

// route_lpm: VPC route table (ROUTES entries in flops) with a parallel longest-prefix match.
//
// Lookup (datapath-spec 4.6): among the entries with valid = 1 and vni == rt_req_vni whose prefix
// covers rt_req_ip, the longest prefix wins; on equal length the lowest index wins.
// Latency: rt_resp_valid pulses exactly 2 cycles after rt_req_valid (one request per cycle may be
// issued, fully pipelined): cycle 1 = per-entry compare (registered match vector), cycle 2 =
// reduction (registered hit/type/geneve/value). rt_resp_hit/type/geneve/value hold until the next
// response; type, geneve and value are 0 on a miss. geneve is the entry's tunnel-type bit (VTEP routes:
// encapsulate with Geneve instead of VXLAN); it is stored for every type.
// Host port: wr_en writes entry wr_idx (prefix stored masked to plen; plen > 32 acts as 32, the CSR
// refuses such values); rd_idx -> rd_* is combinational (stored values).
module route_lpm #(
    parameter ROUTES = 4,
    parameter RI_W   = (ROUTES <= 2) ? 1 : $clog2(ROUTES)
) (
    input  wire            clk,
    input  wire            rst,
    // host write
    input  wire            wr_en,
    input  wire [RI_W-1:0] wr_idx,
    input  wire            wr_valid,
    input  wire [1:0]      wr_type,
    input  wire            wr_geneve,
    input  wire [5:0]      wr_plen,
    input  wire [23:0]     wr_vni,
    input  wire [31:0]     wr_prefix,
    input  wire [31:0]     wr_value,
    // host read (combinational)
    input  wire [RI_W-1:0] rd_idx,
    output wire            rd_valid,
    output wire [1:0]      rd_type,
    output wire            rd_geneve,
    output wire [5:0]      rd_plen,
    output wire [23:0]     rd_vni,
    output wire [31:0]     rd_prefix,
    output wire [31:0]     rd_value,
    // lookup
    input  wire            rt_req_valid,
    input  wire [23:0]     rt_req_vni,
    input  wire [31:0]     rt_req_ip,
    output reg             rt_resp_valid,
    output reg             rt_resp_hit,
    output reg  [1:0]      rt_resp_type,
    output reg             rt_resp_geneve,
    output reg  [31:0]     rt_resp_value
);
    reg [ROUTES-1:0]    t_valid;
    reg [ROUTES*2-1:0]  t_type;
    reg [ROUTES-1:0]    t_geneve;
    reg [ROUTES*6-1:0]  t_plen;
    reg [ROUTES*24-1:0] t_vni;
    reg [ROUTES*32-1:0] t_prefix;
    reg [ROUTES*32-1:0] t_value;

    function [31:0] pmask;
        input [5:0] len;
        begin
            if (len == 6'd0)
                pmask = 32'd0;
            else if (len >= 6'd32)
                pmask = 32'hFFFFFFFF;
            else
                pmask = ~(32'hFFFFFFFF >> len);
        end
    endfunction

    integer i;
    always @(posedge clk) begin
        if (rst) begin
            t_valid  <= {ROUTES{1'b0}};
            t_type   <= {ROUTES*2{1'b0}};
            t_geneve <= {ROUTES{1'b0}};
            t_plen   <= {ROUTES*6{1'b0}};
            t_vni    <= {ROUTES*24{1'b0}};
            t_prefix <= {ROUTES*32{1'b0}};
            t_value  <= {ROUTES*32{1'b0}};
        end else if (wr_en) begin
            for (i = 0; i < ROUTES; i = i + 1) begin
                if (wr_idx == i[RI_W-1:0]) begin
                    t_valid[i]           <= wr_valid;
                    t_type[i*2 +: 2]     <= wr_type;
                    t_geneve[i]          <= wr_geneve;
                    t_plen[i*6 +: 6]     <= wr_plen;
                    t_vni[i*24 +: 24]    <= wr_vni;
                    t_prefix[i*32 +: 32] <= wr_prefix & pmask(wr_plen);
                    t_value[i*32 +: 32]  <= wr_value;
                end
            end
        end
    end

    assign rd_valid  = t_valid[rd_idx];
    assign rd_type   = t_type[rd_idx*2 +: 2];
    assign rd_geneve = t_geneve[rd_idx];
    assign rd_plen   = t_plen[rd_idx*6 +: 6];
    assign rd_vni    = t_vni[rd_idx*24 +: 24];
    assign rd_prefix = t_prefix[rd_idx*32 +: 32];
    assign rd_value  = t_value[rd_idx*32 +: 32];

    // ---- stage 1: compare every entry ----
    reg              s1_valid;
    reg [ROUTES-1:0] s1_match;
    reg [ROUTES*6-1:0] s1_plen;
    always @(posedge clk) begin
        if (rst) begin
            s1_valid <= 1'b0;
            s1_match <= {ROUTES{1'b0}};
            s1_plen  <= {ROUTES*6{1'b0}};
        end else begin
            s1_valid <= rt_req_valid;
            s1_plen  <= t_plen;
            for (i = 0; i < ROUTES; i = i + 1)
                s1_match[i] <= t_valid[i] && (t_vni[i*24 +: 24] == rt_req_vni) &&
                               ((rt_req_ip & pmask(t_plen[i*6 +: 6])) == t_prefix[i*32 +: 32]);
        end
    end

    // ---- stage 2: longest prefix, lowest index on ties ----
    reg            r_found;
    reg [5:0]      r_len;
    reg [RI_W-1:0] r_idx;
    always @* begin
        r_found = 1'b0;
        r_len   = 6'd0;
        r_idx   = {RI_W{1'b0}};
        for (i = 0; i < ROUTES; i = i + 1) begin
            if (s1_match[i] && (!r_found || s1_plen[i*6 +: 6] > r_len)) begin
                r_found = 1'b1;
                r_len   = s1_plen[i*6 +: 6];
                r_idx   = i[RI_W-1:0];
            end
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            rt_resp_valid  <= 1'b0;
            rt_resp_hit    <= 1'b0;
            rt_resp_type   <= 2'd0;
            rt_resp_geneve <= 1'b0;
            rt_resp_value  <= 32'd0;
        end else begin
            rt_resp_valid <= s1_valid;
            if (s1_valid) begin
                rt_resp_hit    <= r_found;
                rt_resp_type   <= r_found ? t_type[r_idx*2 +: 2] : 2'd0;
                rt_resp_geneve <= r_found && t_geneve[r_idx];
                rt_resp_value  <= r_found ? t_value[r_idx*32 +: 32] : 32'd0;
            end
        end
    end
endmodule

`resetall
