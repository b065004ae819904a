`resetall
`default_nettype none

// arp_reply_builder: the 60-byte ARP reply of the ARP responder (datapath-spec 4.5).
// Purely combinational (latency 0). hdr byte i is at [8i+7:8i] (pkt_editor cmd_hdr layout), bytes
// from 60 on are zero:
//   [ 0..13] Ethernet  dst = req_sha, src = ans_mac, type 0x0806
//   [14..21] 0001 0800 06 04 0002 (htype, ptype, hlen, plen, opcode reply)
//   [22..41] SHA' = ans_mac, SPA' = req_tpa, THA' = req_sha, TPA' = req_spa
//   [42..59] zero padding to the 60-byte minimum frame
module arp_reply_builder #(
    parameter HDR_MAX = 64              // bytes of hdr (at least 60)
) (
    input  wire [47:0]  ans_mac,   // the answer MAC
    input  wire [47:0]  req_sha,   // sender hardware address of the request
    input  wire [31:0]  req_spa,   // sender protocol address of the request
    input  wire [31:0]  req_tpa,   // target protocol address of the request
    output wire [HDR_MAX*8-1:0] hdr
);
    initial begin
        if (HDR_MAX < 60) begin
            $error("arp_reply_builder: HDR_MAX must be at least 60 (instance %m)");
            $finish;
        end
    end

    wire [479:0] be = {req_sha, ans_mac, 16'h0806,
                       16'h0001, 16'h0800, 8'h06, 8'h04, 16'h0002,
                       ans_mac, req_tpa, req_sha, req_spa,
                       144'd0};

    genvar i;
    generate
        for (i = 0; i < HDR_MAX; i = i + 1) begin : g_byte
            if (i < 60) begin : g_hdr
                assign hdr[8*i +: 8] = be[479 - 8*i -: 8];
            end else begin : g_zero
                assign hdr[8*i +: 8] = 8'd0;
            end
        end
    endgenerate
endmodule

`resetall
