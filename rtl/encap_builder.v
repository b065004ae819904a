// encap_builder: the 64-byte VXLAN encapsulation header of an ENCAP action (datapath-spec 4.7).
// Purely combinational (latency 0). hdr byte i is at [8i+7:8i] (pkt_editor cmd_hdr layout):
//   [ 0..13] Ethernet  dst = nh_mac, src = nic_mac, type 0x0800
//   [14..33] IPv4      45 00 | total = 50 + pay_len | id 0 | flags DF (0x4000) | ttl 64 | proto 17 |
//                      checksum | src_ip | dst_ip
//   [34..41] UDP       src = udp_sport | dst 4789 | len = 30 + pay_len | csum 0
//   [42..49] VXLAN     08 00 00 00 | vni | 00
//   [50..63] Ethernet  dst = in_dst_mac, src = in_src_mac, type 0x0800
// pay_len = L - strip, the bytes of the frame that follow this header (the inner IPv4 packet).
// The IPv4 header checksum is the ones' complement of the ones' complement sum of the ten header words.
module encap_builder (
    input  wire [47:0]  nh_mac,
    input  wire [47:0]  nic_mac,
    input  wire [31:0]  src_ip,
    input  wire [31:0]  dst_ip,
    input  wire [15:0]  udp_sport,
    input  wire [23:0]  vni,
    input  wire [47:0]  in_dst_mac,
    input  wire [47:0]  in_src_mac,
    input  wire [15:0]  pay_len,
    output wire [511:0] hdr
);
    wire [15:0] ip_total = pay_len + 16'd50;
    wire [15:0] udp_len  = pay_len + 16'd30;

    // Constant words 0x4500, 0x0000 (id), 0x4000 (DF), 0x4011 (ttl 64, proto 17) sum to 0xC511.
    wire [19:0] sum0 = 20'h0C511 + {4'd0, ip_total}
                     + {4'd0, src_ip[31:16]} + {4'd0, src_ip[15:0]}
                     + {4'd0, dst_ip[31:16]} + {4'd0, dst_ip[15:0]};
    wire [16:0] sum1 = {1'b0, sum0[15:0]} + {13'd0, sum0[19:16]};
    wire [15:0] sum2 = sum1[15:0] + {15'd0, sum1[16]};
    wire [15:0] ip_csum = ~sum2;

    // Wire order: the first byte is the most significant byte of `be`.
    wire [511:0] be = {nh_mac, nic_mac, 16'h0800,
                       8'h45, 8'h00, ip_total, 16'h0000, 16'h4000, 8'd64, 8'd17, ip_csum, src_ip, dst_ip,
                       udp_sport, 16'd4789, udp_len, 16'h0000,
                       8'h08, 24'h000000, vni, 8'h00,
                       in_dst_mac, in_src_mac, 16'h0800};

    genvar i;
    generate
        for (i = 0; i < 64; i = i + 1) begin : g_byte
            assign hdr[8*i +: 8] = be[511 - 8*i -: 8];
        end
    endgenerate
endmodule
