`resetall
`default_nettype none

// acl_engine: sequential first-match evaluation of one ACL set (datapath-spec 4.6, "ACL evaluation").
//
// Rules 0..count(acl_set)-1 of `acl_set` are read through the pipelined ACL read port (address in cycle t,
// acl_rd_data in cycle t+1), one rule per cycle, and checked in order; the first matching rule decides
// (allow bit), no match (or an empty set, or acl_set >= ACL_SETS) denies.
// A rule matches if valid, rule.dir == dir, (rule.proto == 0 or == proto), sip in the src prefix, dip in the
// dst prefix and, for proto 6 (TCP) and 17 (UDP) only, sport in [sport_lo, sport_hi] and dport in
// [dport_lo, dport_hi]. Prefixes are stored masked; a length > 32 acts as 32.
//
// Handshake: `start` is a one-cycle pulse carrying acl_set/dir; proto/sip/dip/sport/dport must be held by the
// caller from start until done. `done` (with `allow`) is a one-cycle pulse, combinational from the rule
// read in that cycle.
// Latency from the start cycle S: done in cycle S + k with
//     k = 1              if the set is empty,
//     k = m + 1          if rule m (0-based) is the first match,
//     k = count          if no rule matches (count >= 1).
// The read of rule i+1 is issued while rule i is checked, so a match never costs an extra cycle.
module acl_engine #(
    parameter ACL_SETS  = 4,            // ACL sets
    parameter ACL_RULES = 256,          // rules per set
    parameter ACL_AW    = $clog2(ACL_SETS * ACL_RULES),   // rule address width
    parameter RULE_W    = 151           // rule width: NZ_RULE_W (nezha_types.vh; checked)
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 start,
    input  wire [7:0]           acl_set,
    input  wire                 dir,          // 0 ingress, 1 egress
    input  wire [7:0]           proto,
    input  wire [31:0]          sip,
    input  wire [31:0]          dip,
    input  wire [15:0]          sport,
    input  wire [15:0]          dport,
    input  wire [ACL_SETS*9-1:0] acl_count,
    output wire                 acl_rd_en,
    output wire [ACL_AW-1:0]    acl_rd_addr,
    input  wire [RULE_W-1:0]    acl_rd_data,
    output wire                 done,
    output wire                 allow
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */

    initial begin
        if (RULE_W != NZ_RULE_W) begin
            $error("acl_engine: RULE_W must be NZ_RULE_W (instance %m)");
            $finish;
        end
    end

    // ---- request side ---------------------------------------------------------------------------
    // Rule count of the requested set (0 for a set index outside the table).
    reg [8:0] cnt_in;
    integer k;
    always @* begin
        cnt_in = 9'd0;
        for (k = 0; k < ACL_SETS; k = k + 1)
            if (acl_set == k[7:0])
                cnt_in = acl_count[k*9 +: 9];
    end

    reg              run;       // a scan is in progress
    reg              empty_r;   // the started set has no rules: deny next cycle
    reg [8:0]        cnt_r;     // rules in the set
    reg [ACL_AW-1:0] base_r;    // acl_set * ACL_RULES
    reg              dir_r;
    reg [8:0]        issue_r;   // index of the next rule to read
    reg              dv_r;      // acl_rd_data holds rule eval_r this cycle
    reg [8:0]        eval_r;

    // Address = acl_set * ACL_RULES + rule (ACL_SETS, ACL_RULES >= 2; a set >= ACL_SETS has count 0 and
    // its address is never used).
    localparam integer SET_W  = $clog2(ACL_SETS);
    localparam integer IDX_W = ACL_AW - SET_W;
    localparam [ACL_AW-1:0] RULES_C = ACL_RULES[ACL_AW-1:0];
    wire [ACL_AW-1:0] base_in = {{IDX_W{1'b0}}, acl_set[SET_W-1:0]} * RULES_C;

    // ---- rule check (combinational on the RAM output) ------------------------------------------
    function [31:0] pfx_mask;
        input [5:0] len;
        begin
            if (len == 6'd0)
                pfx_mask = 32'd0;
            else if (len >= 6'd32)
                pfx_mask = 32'hFFFFFFFF;
            else
                pfx_mask = ~(32'hFFFFFFFF >> len);
        end
    endfunction

    wire [7:0]  r_proto  = acl_rd_data[NZ_R_PROTO  +: 8];
    wire [31:0] r_src    = acl_rd_data[NZ_R_SRC    +: 32];
    wire [5:0]  r_srclen = acl_rd_data[NZ_R_SRCLEN +: 6];
    wire [31:0] r_dst    = acl_rd_data[NZ_R_DST    +: 32];
    wire [5:0]  r_dstlen = acl_rd_data[NZ_R_DSTLEN +: 6];
    wire [15:0] r_splo   = acl_rd_data[NZ_R_SPLO   +: 16];
    wire [15:0] r_sphi   = acl_rd_data[NZ_R_SPHI   +: 16];
    wire [15:0] r_dplo   = acl_rd_data[NZ_R_DPLO   +: 16];
    wire [15:0] r_dphi   = acl_rd_data[NZ_R_DPHI   +: 16];

    wire has_ports = (proto == 8'd6) || (proto == 8'd17);
    wire m_proto   = (r_proto == 8'd0) || (r_proto == proto);
    wire m_src     = (sip & pfx_mask(r_srclen)) == r_src;
    wire m_dst     = (dip & pfx_mask(r_dstlen)) == r_dst;
    wire m_ports   = !has_ports ||
                     (sport >= r_splo && sport <= r_sphi && dport >= r_dplo && dport <= r_dphi);
    wire match     = acl_rd_data[NZ_R_VALID] && (acl_rd_data[NZ_R_DIR] == dir_r) &&
                     m_proto && m_src && m_dst && m_ports;

    wire last_rule = (eval_r + 9'd1 == cnt_r);
    wire fin_now   = empty_r || (dv_r && (match || last_rule));

    assign done  = fin_now;
    assign allow = dv_r && match && acl_rd_data[NZ_R_ALLOW];

    // ---- read issue ------------------------------------------------------------------------------
    wire issue_more = run && !fin_now && (issue_r < cnt_r);
    assign acl_rd_en   = start ? (cnt_in != 9'd0) : issue_more;
    assign acl_rd_addr = start ? base_in : (base_r + {{SET_W{1'b0}}, issue_r[IDX_W-1:0]});

    always @(posedge clk) begin
        if (rst) begin
            run     <= 1'b0;
            empty_r <= 1'b0;
            cnt_r   <= 9'd0;
            base_r  <= {ACL_AW{1'b0}};
            dir_r   <= 1'b0;
            issue_r <= 9'd0;
            dv_r    <= 1'b0;
            eval_r  <= 9'd0;
        end else if (start) begin
            run     <= (cnt_in != 9'd0);
            empty_r <= (cnt_in == 9'd0);
            cnt_r   <= cnt_in;
            base_r  <= base_in;
            dir_r   <= dir;
            issue_r <= 9'd1;
            dv_r    <= (cnt_in != 9'd0);
            eval_r  <= 9'd0;
        end else begin
            empty_r <= 1'b0;
            if (fin_now)
                run <= 1'b0;
            dv_r <= issue_more;
            if (issue_more) begin
                eval_r  <= issue_r;
                issue_r <= issue_r + 9'd1;
            end
        end
    end
endmodule

`resetall
