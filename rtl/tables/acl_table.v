`resetall
`default_nettype none

// acl_table: ACL rules (ACL_SETS x ACL_RULES rules of NZ_RULE_W bits, layout in nezha_types.vh) in one
// ram_sdp, address = set*ACL_RULES + rule, plus the per-set rule counts.
//
// Datapath read port: acl_rd_en/acl_rd_addr in cycle t -> acl_rd_data valid in cycle t+1 (only in that
// cycle), one read per cycle, fully pipelined.
// Host read (hr_req pulse, hr_idx): arbitrated on the single RAM read port, the datapath has priority;
// it is issued in the first cycle with !acl_rd_en (and the reset clear done); hr_done pulses one
// cycle after with hr_rule valid in that cycle only.
// Host write (wr_en): one cycle; must not be issued while !ready.
// Counts: acl_count[s*9 +: 9] = rules in use in set s, written by cnt_we (reset 0).
// After reset the RAM is cleared (ACL_SETS*ACL_RULES cycles, ready low); datapath reads during the
// clear return 0 (an invalid rule, which is the content of a cleared table).
module acl_table #(
    parameter ACL_SETS  = 2,
    parameter ACL_RULES = 16,
    parameter RULE_W    = 151,
    parameter ACL_AW    = ((ACL_SETS*ACL_RULES) <= 2) ? 1 : $clog2(ACL_SETS*ACL_RULES),
    parameter SET_W     = (ACL_SETS <= 2) ? 1 : $clog2(ACL_SETS)
) (
    input  wire                  clk,
    input  wire                  rst,
    output wire                  ready,
    // host write
    input  wire                  wr_en,
    input  wire [ACL_AW-1:0]     wr_idx,
    input  wire [RULE_W-1:0]     wr_rule,
    // host read
    input  wire                  hr_req,
    input  wire [ACL_AW-1:0]     hr_idx,
    output reg                   hr_done,
    output wire [RULE_W-1:0]     hr_rule,
    // counts
    input  wire                  cnt_we,
    input  wire [SET_W-1:0]      cnt_set,
    input  wire [8:0]            cnt_val,
    output reg  [ACL_SETS*9-1:0] acl_count,
    // datapath
    input  wire                  acl_rd_en,
    input  wire [ACL_AW-1:0]     acl_rd_addr,
    output wire [RULE_W-1:0]     acl_rd_data
);
    localparam DEPTH = ACL_SETS * ACL_RULES;
    localparam [31:0] LAST = DEPTH - 1;

    reg              clr_busy;
    reg [ACL_AW-1:0] clr_ptr;
    assign ready = !clr_busy;
    always @(posedge clk) begin
        if (rst) begin
            clr_busy <= 1'b1;
            clr_ptr  <= {ACL_AW{1'b0}};
        end else if (clr_busy) begin
            clr_ptr <= clr_ptr + 1'b1;
            if (clr_ptr == LAST[ACL_AW-1:0])
                clr_busy <= 1'b0;
        end
    end

    reg              hr_pend;
    reg [ACL_AW-1:0] hr_pidx;
    wire             hr_go = hr_pend && !acl_rd_en && !clr_busy;
    reg              dp_clr;    // the datapath read of the previous cycle happened during the clear
    wire [RULE_W-1:0] q;

    ram_sdp #(.WIDTH(RULE_W), .DEPTH(DEPTH), .AW(ACL_AW)) u_ram (
        .clk   (clk),
        .we    (clr_busy || wr_en),
        .waddr (clr_busy ? clr_ptr : wr_idx),
        .wdata (clr_busy ? {RULE_W{1'b0}} : wr_rule),
        .re    (acl_rd_en || hr_go),
        .raddr (acl_rd_en ? acl_rd_addr : hr_pidx),
        .rdata (q)
    );

    assign acl_rd_data = dp_clr ? {RULE_W{1'b0}} : q;
    assign hr_rule     = q;

    integer s;
    always @(posedge clk) begin
        if (rst) begin
            hr_pend   <= 1'b0;
            hr_pidx   <= {ACL_AW{1'b0}};
            hr_done   <= 1'b0;
            dp_clr    <= 1'b0;
            acl_count <= {ACL_SETS*9{1'b0}};
        end else begin
            dp_clr  <= clr_busy;
            hr_done <= hr_go;
            if (hr_req) begin
                hr_pend <= 1'b1;
                hr_pidx <= hr_idx;
            end else if (hr_go) begin
                hr_pend <= 1'b0;
            end
            if (cnt_we)
                for (s = 0; s < ACL_SETS; s = s + 1)
                    if (cnt_set == s[SET_W-1:0])
                        acl_count[s*9 +: 9] <= cnt_val;
        end
    end
endmodule

`resetall
