`resetall
`default_nettype none

// l4_parse: L4 header checks and flow-key ports (datapath-spec 4.2 "L4" and 4.6 "Ports"), combinational.
// Used twice by hdr_parser: plain frame (host port) and inner frame (network port).
//
// `l4b` = the first 14 L4 header bytes (byte i at [8i+7:8i], already shifted to `off`; bytes past the
// header window may be anything: they are only used when need() passed).
//   proto 6  TCP : need(off,20); sport/dport = bytes 0-1/2-3; flags = byte 13
//   proto 17 UDP : need(off,8);  sport/dport = bytes 0-1/2-3
//   proto 1  ICMP: need(off,8);  type 8 or 0: sport = dport = identifier (bytes 4-5); else 0,0
//   others       : no L4 parsing, ports 0,0, never fails
// need(off,n): TRUNCATED if off+n > endv, else HDR_TOO_LONG if off+n > HDR_BYTES.
// tcp_flags is 0 unless TCP. Outputs other than fail/reason are don't-care when fail.
// Latency: 0 (combinational).
module l4_parse #(
    parameter integer HDR_BYTES = 128
) (
    input  wire [111:0] l4b,
    input  wire [15:0]  off,
    input  wire [16:0]  endv,
    input  wire [7:0]   proto,
    output wire         fail,
    output wire [4:0]   reason,
    output reg  [15:0]  sport,
    output reg  [15:0]  dport,
    output wire [7:0]   tcp_flags
);
    /* verilator lint_off UNUSEDPARAM */
    `include "nezha_regs.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer HB     = HDR_BYTES;
    localparam [4:0]  R_TRUNC = NZ_DROP_REASON_TRUNCATED[4:0];
    localparam [4:0]  R_LONG  = NZ_DROP_REASON_HDR_TOO_LONG[4:0];

    wire is_tcp  = (proto == 8'd6);
    wire is_udp  = (proto == 8'd17);
    wire is_icmp = (proto == 8'd1);

    wire [16:0] lim = {1'b0, off} + (is_tcp ? 17'd20 : 17'd8);
    wire        trunc = lim > endv;
    wire        toolong = lim > HB[16:0];
    assign fail   = (is_tcp | is_udp | is_icmp) & (trunc | toolong);
    assign reason = !fail ? 5'd0 : trunc ? R_TRUNC : R_LONG;

    wire [15:0] p0   = {l4b[0*8 +: 8], l4b[1*8 +: 8]};
    wire [15:0] p1   = {l4b[2*8 +: 8], l4b[3*8 +: 8]};
    wire [15:0] icid = {l4b[4*8 +: 8], l4b[5*8 +: 8]};
    wire [7:0]  ityp = l4b[0*8 +: 8];
    assign tcp_flags = is_tcp ? l4b[13*8 +: 8] : 8'h00;
    wire unused_ok = &{1'b0, l4b[6*8 +: 7*8]};

    always @* begin
        if (is_tcp | is_udp) begin
            sport = p0;
            dport = p1;
        end else if (is_icmp && (ityp == 8'd8 || ityp == 8'd0)) begin
            sport = icid;
            dport = icid;
        end else begin
            sport = 16'd0;
            dport = 16'd0;
        end
    end
endmodule

`resetall
