`resetall
`default_nettype none

// edit_cmd_slot: one-entry holding register for the edit command of one pkt_editor, stored in compact
// form; the cmd_hdr bytes are assembled combinationally from the held fields (so no 512-bit register).
// The flow processor loads it when `free` (empty, or being taken this cycle) and moves on to the next
// frame while the editor is still busy with earlier frames.
//   kind 0: no header (drop, exception)        cmd_hdr_len 0
//   kind 1: DELIVER header                     cmd_hdr_len 26: Ethernet dst = mac_a, src = cfg_gw_mac, 0x0800,
//                                              then the IP header's first 12 bytes ip_head with the ECN field
//                                              set to ecn and, if that changed it, the header checksum updated
//                                              incrementally (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'))
//   kind 2: ENCAP header (encap_builder)       cmd_hdr_len from encap_builder (64): vtep = ip_a,
//                                              inner dst = mac_a, inner src = mac_b, vni, UDP source
//                                              port sport, plen, outer TOS = ecn; tunnel VXLAN (geneve 0) or
//                                              Geneve (1)
//   kind 3: ARP reply (arp_reply_builder)      cmd_hdr_len 60: answer = mac_a, SHA = mac_b, TPA = ip_a,
//                                              SPA = ip_b
//   kind 4: Nezha context packet               cmd_hdr_len 88: as kind 2 with Geneve and the context option
//           (encap_builder, ctx_en)            {0xFF4E0105, cx_w0 = KIND FLAGS VNIC VERSION, cx_be = BE_ID,
//                                              cx_vtep = VTEP, cx_mac = MAC, cx_act = ACT, 0}
// cmd_end: the editor keeps frame[cmd_strip..cmd_end) (the end of the forwarded IP packet; 0xFFFF = to the
// frame's end). The configuration MACs / VTEP IP are the live register values when the editor takes the command.
// Latency: load -> cmd_valid next cycle.
module edit_cmd_slot #(
    parameter USER_W  = 12,             // editor tuser width
    parameter HDR_MAX = 96              // bytes of cmd_hdr (at least 88, the context packet header)
) (
    input  wire              clk,
    input  wire              rst,
    input  wire [47:0]       cfg_nic_mac,
    input  wire [47:0]       cfg_nh_mac,
    input  wire [47:0]       cfg_gw_mac,
    input  wire [31:0]       cfg_vtep_ip,
    output wire              free,
    input  wire              load,
    input  wire              ld_drop,
    input  wire              ld_dest,
    input  wire [USER_W-1:0] ld_user,
    input  wire [15:0]       ld_strip,
    input  wire [15:0]       ld_end,
    input  wire [1:0]        ld_ecn,
    input  wire [95:0]       ld_ip_head,
    input  wire [2:0]        ld_kind,
    input  wire [47:0]       ld_mac_a,
    input  wire [47:0]       ld_mac_b,
    input  wire [31:0]       ld_ip_a,
    input  wire [31:0]       ld_ip_b,
    input  wire [23:0]       ld_vni,
    input  wire              ld_geneve,
    input  wire [15:0]       ld_sport,
    input  wire [15:0]       ld_plen,
    input  wire [31:0]       ld_cx_w0,
    input  wire [31:0]       ld_cx_be,
    input  wire [31:0]       ld_cx_vtep,
    input  wire [47:0]       ld_cx_mac,
    input  wire [7:0]        ld_cx_act,
    output reg               cmd_valid,
    input  wire              cmd_ready,
    output reg               cmd_drop,
    output reg               cmd_dest,
    output reg  [USER_W-1:0] cmd_user,
    output reg  [6:0]        cmd_hdr_len,
    output reg  [HDR_MAX*8-1:0] cmd_hdr,
    output reg  [15:0]       cmd_strip,
    output reg  [15:0]       cmd_end
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */
    localparam [2:0] K_NONE = NZ_EK_NONE, K_DELIVER = NZ_EK_DELIVER, K_ENCAP = NZ_EK_ENCAP, K_ARP = NZ_EK_ARP,
                     K_CTX = NZ_EK_CTX;

    initial begin
        if (HDR_MAX < 88) begin
            $error("edit_cmd_slot: HDR_MAX must be at least 88 (instance %m)");
            $finish;
        end
    end

    reg [2:0]  kind;
    reg [31:0] cx_w0, cx_be, cx_vtep;
    reg [47:0] cx_mac;
    reg [7:0]  cx_act;
    reg [47:0] mac_a, mac_b;
    reg [31:0] ip_a, ip_b;
    reg [23:0] vni;
    reg        geneve;
    reg [15:0] sport, plen;
    reg [1:0]  ecn;
    reg [95:0] ip_head;

    assign free = !cmd_valid || cmd_ready;

    always @(posedge clk) begin
        if (rst) begin
            cmd_valid <= 1'b0;
            cmd_drop  <= 1'b0;
            cmd_dest  <= 1'b0;
            cmd_user  <= {USER_W{1'b0}};
            cmd_strip <= 16'd0;
            cmd_end   <= 16'd0;
            ecn       <= 2'd0;
            ip_head   <= 96'd0;
            kind      <= K_NONE;
            mac_a     <= 48'd0;
            mac_b     <= 48'd0;
            ip_a      <= 32'd0;
            ip_b      <= 32'd0;
            vni       <= 24'd0;
            geneve    <= 1'b0;
            sport     <= 16'd0;
            plen      <= 16'd0;
            cx_w0     <= 32'd0;
            cx_be     <= 32'd0;
            cx_vtep   <= 32'd0;
            cx_mac    <= 48'd0;
            cx_act    <= 8'd0;
        end else if (load) begin
            cmd_valid <= 1'b1;
            cmd_drop  <= ld_drop;
            cmd_dest  <= ld_dest;
            cmd_user  <= ld_user;
            cmd_strip <= ld_strip;
            cmd_end   <= ld_end;
            ecn       <= ld_ecn;
            ip_head   <= ld_ip_head;
            kind      <= ld_kind;
            mac_a     <= ld_mac_a;
            mac_b     <= ld_mac_b;
            ip_a      <= ld_ip_a;
            ip_b      <= ld_ip_b;
            vni       <= ld_vni;
            geneve    <= ld_geneve;
            sport     <= ld_sport;
            plen      <= ld_plen;
            cx_w0     <= ld_cx_w0;
            cx_be     <= ld_cx_be;
            cx_vtep   <= ld_cx_vtep;
            cx_mac    <= ld_cx_mac;
            cx_act    <= ld_cx_act;
        end else if (cmd_ready) begin
            cmd_valid <= 1'b0;
        end
    end

    wire [HDR_MAX*8-1:0] encap_hdr, arp_hdr;
    wire [6:0]           encap_len;

    encap_builder #(.HDR_MAX(HDR_MAX)) u_encap (
        .nh_mac     (cfg_nh_mac),
        .nic_mac    (cfg_nic_mac),
        .src_ip     (cfg_vtep_ip),
        .dst_ip     (ip_a),
        .udp_sport  (sport),
        .tos        ({6'd0, ecn}),
        .vni        (vni),
        .geneve     (geneve),
        .ctx_en     (kind == K_CTX),
        .ctx_opt    ({NZ_CTX_OPT_HDR, cx_w0, cx_be, cx_vtep, cx_mac, cx_act, 8'd0}),
        .in_dst_mac (mac_a),
        .in_src_mac (mac_b),
        .pay_len    (plen),
        .hdr_len    (encap_len),
        .hdr        (encap_hdr)
    );

    arp_reply_builder #(.HDR_MAX(HDR_MAX)) u_arp (
        .ans_mac (mac_a),
        .req_sha (mac_b),
        .req_spa (ip_b),
        .req_tpa (ip_a),
        .hdr     (arp_hdr)
    );

    // DELIVER header, wire order -> byte lanes: Ethernet, then the IP header's bytes 0..11 with ECN e.
    // RFC 1624 eqn. 3 on the word {version/IHL, TOS}: HC' = ~(~HC + ~m + m') in ones' complement arithmetic;
    // the bytes are passed unchanged when the ECN field already is e (so no checksum is ever rewritten for
    // nothing: 0xFFFF and 0x0000 stay as they came).
    wire [7:0]   tos_old = ip_head[8 +: 8];
    wire [7:0]   tos_new = {tos_old[7:2], ecn};
    wire [15:0]  w_old   = {ip_head[0 +: 8], tos_old};
    wire [15:0]  w_new   = {ip_head[0 +: 8], tos_new};
    wire [15:0]  hc_old  = {ip_head[80 +: 8], ip_head[88 +: 8]};
    wire [16:0]  cs1     = {1'b0, ~hc_old} + {1'b0, ~w_old};
    wire [15:0]  cs1f    = cs1[15:0] + {15'd0, cs1[16]};
    wire [16:0]  cs2     = {1'b0, cs1f} + {1'b0, w_new};
    wire [15:0]  cs2f    = cs2[15:0] + {15'd0, cs2[16]};
    wire [15:0]  hc_new  = (tos_new == tos_old) ? hc_old : ~cs2f;
    wire [95:0]  head_be = {ip_head[0 +: 8], tos_new, ip_head[16 +: 8], ip_head[24 +: 8], ip_head[32 +: 8],
                            ip_head[40 +: 8], ip_head[48 +: 8], ip_head[56 +: 8], ip_head[64 +: 8], ip_head[72 +: 8],
                            hc_new};
    wire [207:0] dl_be   = {mac_a, cfg_gw_mac, 16'h0800, head_be};
    wire [HDR_MAX*8-1:0] deliver_hdr;
    genvar i;
    generate
        for (i = 0; i < HDR_MAX; i = i + 1) begin : g_dl
            if (i < 26) begin : g_hdr
                assign deliver_hdr[8*i +: 8] = dl_be[207 - 8*i -: 8];
            end else begin : g_zero
                assign deliver_hdr[8*i +: 8] = 8'd0;
            end
        end
    endgenerate

    always @* begin
        case (kind)
            K_DELIVER: begin cmd_hdr_len = 7'd26; cmd_hdr = deliver_hdr; end
            K_ENCAP,
            K_CTX:     begin cmd_hdr_len = encap_len; cmd_hdr = encap_hdr; end
            K_ARP:     begin cmd_hdr_len = 7'd60; cmd_hdr = arp_hdr;     end
            default:   begin cmd_hdr_len = 7'd0;  cmd_hdr = {HDR_MAX*8{1'b0}}; end
        endcase
    end
endmodule

`resetall
