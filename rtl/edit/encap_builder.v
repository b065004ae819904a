`resetall
`default_nettype none

// encap_builder: the encapsulation header of an ENCAP / ENCAP_GENEVE action (datapath-spec 4.7) and of the
// Nezha context packets (docs/nezha-offload.md section 3: Geneve with the 24-byte context option).
// Purely combinational (latency 0). hdr byte i is at [8i+7:8i] (pkt_editor cmd_hdr layout), bytes from
// hdr_len on are 0; hdr_len is the number of valid header bytes (64 for both tunnel types, 88 with the context
// option):
//   [ 0..13] Ethernet  dst = nh_mac, src = nic_mac, type 0x0800
//   [14..33] IPv4      45 tos | total = 42 + TL + pay_len | id 0 | flags DF (0x4000) | ttl 64 | proto 17 |
//                      checksum | src_ip | dst_ip
//   [34..41] UDP       src = udp_sport | dst 4789 (VXLAN) / 6081 (Geneve) | len = 22 + TL + pay_len | csum 0
//   [42..49] tunnel    VXLAN:  08 00 00 00 | vni | 00
//                      Geneve: ver 0, opt len (0, or 6 with the context) | O 0, C 0 | protocol 0x6558 |
//                      vni | 00  (RFC 8926)
//   [50..73] context   (Geneve with ctx_en only) the option bytes ctx_opt
//   then     Ethernet  dst = in_dst_mac, src = in_src_mac, type 0x0800 ([50..63], or [74..87] with the context)
// TL = tun_len, the tunnel header length: 8 for VXLAN and for a Geneve header without options, 32 with the
// context option. pay_len = L - strip, the bytes of the frame that follow this header.
// The IPv4 header checksum is the ones' complement of the ones' complement sum of the ten header words.
module encap_builder #(
    parameter HDR_MAX = 96              // bytes of hdr (at least 88, the context packet header)
) (
    input  wire [47:0]  nh_mac,
    input  wire [47:0]  nic_mac,
    input  wire [31:0]  src_ip,
    input  wire [31:0]  dst_ip,
    input  wire [15:0]  udp_sport,
    input  wire [7:0]   tos,           // outer TOS (datapath-spec 4.7: DSCP 0, the frame's ECN)
    input  wire [23:0]  vni,
    input  wire         geneve,        // tunnel type: 0 VXLAN, 1 Geneve
    input  wire         ctx_en,        // Geneve only: emit the context option ctx_opt
    input  wire [191:0] ctx_opt,       // option in wire order, first byte most significant
    input  wire [47:0]  in_dst_mac,
    input  wire [47:0]  in_src_mac,
    input  wire [15:0]  pay_len,
    output wire [6:0]   hdr_len,
    output wire [HDR_MAX*8-1:0] hdr
);
    initial begin
        if (HDR_MAX < 88) begin
            $error("encap_builder: HDR_MAX must be at least 88 (instance %m)");
            $finish;
        end
    end

    localparam [15:0] VXLAN_PORT   = 16'd4789;
    localparam [15:0] GENEVE_PORT  = 16'd6081;
    localparam [15:0] GENEVE_PROTO = 16'h6558;     // Transparent Ethernet Bridging
    localparam [5:0]  CTX_WORDS    = 6'd6;         // the context option: 4-byte option header + 20 data bytes

    wire        opt       = geneve && ctx_en;
    wire [5:0]  opt_words = opt ? CTX_WORDS : 6'd0;
    // tunnel header: length and its 8-byte base (wire order, first byte most significant)
    wire [15:0] tun_len   = geneve ? (16'd8 + {8'd0, opt_words, 2'b00}) : 16'd8;
    wire [63:0] vxlan_hdr = {8'h08, 24'h000000, vni, 8'h00};
    wire [63:0] gnv_hdr   = {2'b00, opt_words, 1'b0, 1'b0, 6'd0, GENEVE_PROTO, vni, 8'h00};
    wire [63:0] tun_hdr   = geneve ? gnv_hdr : vxlan_hdr;
    wire [15:0] udp_dport = geneve ? GENEVE_PORT : VXLAN_PORT;

    wire [15:0] ip_total = pay_len + 16'd42 + tun_len;   // IPv4 20 + UDP 8 + tunnel + inner Ethernet 14
    wire [15:0] udp_len  = pay_len + 16'd22 + tun_len;   // UDP 8 + tunnel + inner Ethernet 14
    wire [15:0] hlen16   = 16'd56 + tun_len;             // outer 42 + tunnel + inner Ethernet 14
    assign hdr_len = hlen16[6:0];

    // Constant words 0x45tos, 0x0000 (id), 0x4000 (DF), 0x4011 (ttl 64, proto 17) sum to 0xC511 + tos.
    wire [19:0] sum0 = 20'h0C511 + {12'd0, tos} + {4'd0, ip_total}
                     + {4'd0, src_ip[31:16]} + {4'd0, src_ip[15:0]}
                     + {4'd0, dst_ip[31:16]} + {4'd0, dst_ip[15:0]};
    wire [16:0] sum1 = {1'b0, sum0[15:0]} + {13'd0, sum0[19:16]};
    wire [15:0] sum2 = sum1[15:0] + {15'd0, sum1[16]};
    wire [15:0] ip_csum = ~sum2;

    // Wire order: the first byte is the most significant byte of `be`.
    wire [335:0] outer = {nh_mac, nic_mac, 16'h0800,
                          8'h45, tos, ip_total, 16'h0000, 16'h4000, 8'd64, 8'd17, ip_csum, src_ip, dst_ip,
                          udp_sport, udp_dport, udp_len, 16'h0000};
    wire [111:0] inner = {in_dst_mac, in_src_mac, 16'h0800};
    wire [703:0] be    = opt ? {outer, tun_hdr, ctx_opt, inner}
                             : {outer, tun_hdr, inner, 192'd0};

    genvar i;
    generate
        for (i = 0; i < HDR_MAX; i = i + 1) begin : g_byte
            if (i < 88) begin : g_hdr
                assign hdr[8*i +: 8] = be[703 - 8*i -: 8];
            end else begin : g_zero
                assign hdr[8*i +: 8] = 8'd0;
            end
        end
    endgenerate
    // (hlen16[15:7] is always 0)
    wire unused_ok = &{1'b0, hlen16[15:7]};
endmodule

`resetall
