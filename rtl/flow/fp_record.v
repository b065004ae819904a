`resetall
`default_nettype none

// fp_record: the back stage's copy of its frame. Loaded in the hand-off cycle (load) from the front stage
// (descriptor fields, f_tick), the held parser outputs (p_*: everything the session stage, the slow path,
// the result and the retirement still need once the parser moves on to the next frame) and the
// classification (fp_classify: attributed vNIC, VNI, key, MTU checks); held until the next hand-off.
// Latency 1 cycle (the values of the frame handed off in cycle H are on the outputs from H+1).
//   vnic   the frame's vNIC s (host port tuser), or, for an accepted REQUEST (pre_fe), the FE copy
//   slen   L of the session entry: the frame's length, or for an accepted VERDICT its inner frame's length
module fp_record #(
    parameter VNIC_W = 4,               // log2 of the number of vNICs
    parameter KEY_W  = 128              // flow key width: NZ_KEY_W
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 load,           // hand-off
    // front stage and classification
    input  wire                 f_port,
    input  wire [15:0]          f_len,
    input  wire [VNIC_W-1:0]    f_vnic,
    input  wire                 f_stored,
    input  wire [15:0]          f_tick,
    input  wire                 pre_fe,         // an accepted REQUEST: vnic = pre_attr
    input  wire                 pre_verdict,    // an accepted VERDICT: slen = p_inner_len
    input  wire [VNIC_W-1:0]    pre_attr,
    input  wire [23:0]          pre_vni,
    input  wire [KEY_W-1:0]     key,
    input  wire                 key_dir,
    input  wire [15:0]          iplen,
    input  wire                 fit_dl,
    input  wire                 fit_en,
    input  wire                 fit_cx,
    // parser outputs
    input  wire [7:0]           p_tcp_flags,
    input  wire [15:0]          p_l3off,
    input  wire [47:0]          p_eth_dst,
    input  wire [47:0]          p_eth_src,
    input  wire [7:0]           p_proto,
    input  wire [31:0]          p_sip,
    input  wire [31:0]          p_dip,
    input  wire [15:0]          p_sport,
    input  wire [15:0]          p_dport,
    input  wire [31:0]          p_outer_sip,
    input  wire                 p_geneve,
    input  wire [47:0]          p_arp_sha,
    input  wire [31:0]          p_arp_spa,
    input  wire [31:0]          p_arp_tpa,
    input  wire [15:0]          p_inner_len,
    input  wire [7:0]           p_ctx_flags,
    input  wire [7:0]           p_ctx_vnic,
    input  wire [7:0]           p_ctx_version,
    input  wire [7:0]           p_ctx_act,
    input  wire [31:0]          p_ctx_be_id,
    input  wire [31:0]          p_ctx_vtep,
    input  wire [47:0]          p_ctx_mac,
    input  wire [15:0]          p_udp_sport,
    input  wire [15:0]          p_ip_end,
    input  wire [95:0]          p_ip_head,
    input  wire [1:0]           p_ecn,
    // the record
    output reg                  port_r,         // 0 net, 1 host
    output reg  [15:0]          len_r,
    output reg  [VNIC_W-1:0]    vnic_r,
    output reg                  stored_r,
    output reg  [15:0]          tick_r,         // `now` of this frame
    output reg  [KEY_W-1:0]     key_r,
    output reg                  dir_r,
    output reg  [23:0]          vni_r,
    output reg  [VNIC_W-1:0]    attr_r,         // attributed vNIC (host: s, net: d)
    output reg                  fin_r,          // TCP FIN of this frame
    output reg                  rstf_r,         // TCP RST of this frame
    output reg  [15:0]          slen_r,
    output reg  [15:0]          b_l3off,
    output reg  [47:0]          b_eth_dst,
    output reg  [47:0]          b_eth_src,
    output reg  [7:0]           b_proto,
    output reg  [31:0]          b_sip,
    output reg  [31:0]          b_dip,
    output reg  [15:0]          b_sport,
    output reg  [15:0]          b_dport,
    output reg  [31:0]          b_outer_sip,
    output reg                  b_geneve,       // net port: the frame arrived in Geneve
    output reg  [47:0]          b_arp_sha,
    output reg  [31:0]          b_arp_spa,
    output reg  [31:0]          b_arp_tpa,
    output reg  [7:0]           b_ctx_flags,
    output reg  [7:0]           b_ctx_vnic,
    output reg  [7:0]           b_ctx_version,
    output reg  [7:0]           b_ctx_act,
    output reg  [31:0]          b_ctx_be_id,
    output reg  [31:0]          b_ctx_vtep,
    output reg  [47:0]          b_ctx_mac,
    output reg  [15:0]          b_udp_sport,
    output reg  [15:0]          b_ip_end,       // end of the IP packet being forwarded (plain / inner)
    output reg  [15:0]          b_iplen,        // its total length
    output reg  [95:0]          b_ip_head,      // its first 12 header bytes
    output reg  [1:0]           b_ecn,          // the frame's ECN e (datapath-spec 4.7)
    output reg                  b_fit_dl,       // DELIVER fits VM_MTU
    output reg                  b_fit_en,       // ENCAP fits MTU
    output reg                  b_fit_cx        // a REQUEST / VERDICT fits MTU
);
    localparam [7:0] TCP_FIN = 8'h01, TCP_RST = 8'h04;

    always @(posedge clk) begin
        if (rst) begin
            port_r        <= 1'b0;
            len_r         <= 16'd0;
            vnic_r        <= {VNIC_W{1'b0}};
            stored_r      <= 1'b0;
            tick_r        <= 16'd0;
            key_r         <= {KEY_W{1'b0}};
            dir_r         <= 1'b0;
            vni_r         <= 24'd0;
            attr_r        <= {VNIC_W{1'b0}};
            fin_r         <= 1'b0;
            rstf_r        <= 1'b0;
            slen_r        <= 16'd0;
            b_l3off       <= 16'd0;
            b_eth_dst     <= 48'd0;
            b_eth_src     <= 48'd0;
            b_proto       <= 8'd0;
            b_sip         <= 32'd0;
            b_dip         <= 32'd0;
            b_sport       <= 16'd0;
            b_dport       <= 16'd0;
            b_outer_sip   <= 32'd0;
            b_geneve      <= 1'b0;
            b_arp_sha     <= 48'd0;
            b_arp_spa     <= 32'd0;
            b_arp_tpa     <= 32'd0;
            b_ctx_flags   <= 8'd0;
            b_ctx_vnic    <= 8'd0;
            b_ctx_version <= 8'd0;
            b_ctx_act     <= 8'd0;
            b_ctx_be_id   <= 32'd0;
            b_ctx_vtep    <= 32'd0;
            b_ctx_mac     <= 48'd0;
            b_udp_sport   <= 16'd0;
            b_ip_end      <= 16'd0;
            b_iplen       <= 16'd0;
            b_ip_head     <= 96'd0;
            b_ecn         <= 2'd0;
            b_fit_dl      <= 1'b0;
            b_fit_en      <= 1'b0;
            b_fit_cx      <= 1'b0;
        end else if (load) begin
            port_r        <= f_port;
            len_r         <= f_len;
            vnic_r        <= pre_fe ? pre_attr : f_vnic;
            stored_r      <= f_stored;
            tick_r        <= f_tick;
            key_r         <= key;
            dir_r         <= key_dir;
            vni_r         <= pre_vni;
            attr_r        <= pre_attr;
            fin_r         <= (p_tcp_flags & TCP_FIN) != 8'd0;
            rstf_r        <= (p_tcp_flags & TCP_RST) != 8'd0;
            slen_r        <= pre_verdict ? p_inner_len : f_len;
            b_l3off       <= p_l3off;
            b_eth_dst     <= p_eth_dst;
            b_eth_src     <= p_eth_src;
            b_proto       <= p_proto;
            b_sip         <= p_sip;
            b_dip         <= p_dip;
            b_sport       <= p_sport;
            b_dport       <= p_dport;
            b_outer_sip   <= p_outer_sip;
            b_geneve      <= p_geneve;
            b_arp_sha     <= p_arp_sha;
            b_arp_spa     <= p_arp_spa;
            b_arp_tpa     <= p_arp_tpa;
            b_ctx_flags   <= p_ctx_flags;
            b_ctx_vnic    <= p_ctx_vnic;
            b_ctx_version <= p_ctx_version;
            b_ctx_act     <= p_ctx_act;
            b_ctx_be_id   <= p_ctx_be_id;
            b_ctx_vtep    <= p_ctx_vtep;
            b_ctx_mac     <= p_ctx_mac;
            b_udp_sport   <= p_udp_sport;
            b_ip_end      <= p_ip_end;
            b_iplen       <= iplen;
            b_ip_head     <= p_ip_head;
            b_ecn         <= p_ecn;
            b_fit_dl      <= fit_dl;
            b_fit_en      <= fit_en;
            b_fit_cx      <= fit_cx;
        end
    end
endmodule

`resetall
