`resetall
`default_nettype none

// hdr_parser: table-free header parsing of one frame (datapath-spec 4.1 RUNT, 4.2, 4.3 steps 3-4 and 8,
// 4.4 steps 2-6 and 8, 4.5 first sentence). Ports as in docs/rtl-interfaces.md.
//
// Latency: PARSE_LAT = 3. in_valid in cycle t -> out_valid (one-cycle pulse) in cycle t+3, all outputs
// registered. Fully pipelined: a new in_valid may come every cycle; in_* are sampled only in the
// in_valid cycle. The outputs of one frame hold until those of the next frame replace them (i.e. at
// least until the next in_valid).
//
// Pipeline:
//   stage 1 (in_* -> r1): Ethernet (+ one 802.1Q tag), RUNT, host-port ARP, outer/plain IPv4
//            (ipv4_check at 14/18), plain L4 (l4_parse at 34..78), net-port UDP + VXLAN/Geneve,
//            inner Ethernet offset e. Header bytes [50, HDR_BYTES) are carried on.
//   stage 2 (r1 -> r2): Nezha context option at l4off+16 (50..94, step 4; geneve_ctx_parse), inner
//            Ethernet at e (50..114, step 4), inner IPv4 (ipv4_check at e+14).
//            Header bytes [84, HDR_BYTES) are carried on.
//   stage 3 (r2 -> outputs): inner L4 (l4_parse at 84..120, step 4).
// Every variable offset is 2 mod 4 (Ethernet/tunnel/L4 of the outer frame) or 0 mod 4 (inner IP/L4),
// so all shifts are one-hot muxes over a few fixed candidates (hdr_extract), never a generic shifter.
//
// Decisions (the first failing check decides; when p_drop or p_exc is set the other outputs are
// don't-care). need(off,n): TRUNCATED if off+n > END else HDR_TOO_LONG if off+n > HDR_BYTES.
//   both ports : L < 14 -> drop RUNT. Ethertype 0x8100: host port -> UNSUPPORTED (a vNIC is an untagged
//                access port); net port: need(0,18), a second tag (0x8100/0x88A8) -> UNSUPPORTED; the
//                ethertype after the tag is the one dispatched on below.
//   host port  : 0x0806 -> ARP: need(l3off,28); htype/ptype/hlen/plen != 1/0x0800/6/4 -> UNSUPPORTED;
//                else p_is_arp with op/sha/spa/tpa. 0x0800 -> IPv4 checks, dst in 224.0.0.0/3 -> drop
//                NOT_UNICAST, p_frag; unless a fragment, L4 parsing (failure -> p_l4_drop). Other
//                ethertypes -> UNSUPPORTED.
//   net port   : 0x0806 -> exc UNDERLAY; other non-0x0800 -> UNSUPPORTED; outer IPv4 checks;
//                fragment -> exc FRAGMENT; proto != 17 or dst != cfg_vtep_ip -> exc UNDERLAY;
//                need(l4off,8); dport 4789 VXLAN / 6081 Geneve / else exc UNDERLAY; Ethernet dst !=
//                cfg_nic_mac -> drop NOT_MY_MAC; UDP length < 8 or past the outer IP end -> drop BAD_UDP_LEN
//                (END = UDP end from here); tunnel header checks (drop UNSUPPORTED / need); Geneve O bit ->
//                exc UNDERLAY; Geneve whose first option is the Nezha context
//                (docs/nezha-offload.md section 3): malformed -> drop CTX_BAD; PROBE / PROBE_REPLY: no
//                inner checks (p_ctx, the context fields); REQUEST / VERDICT: p_ctx and the context fields,
//                then the inner checks as for any tunnel frame; inner Ethernet need(e,14), ethertype != 0x0800
//                (a tag included) -> UNSUPPORTED; inner IPv4 checks (END = outer UDP end); inner
//                fragment -> exc FRAGMENT; inner dst in 224.0.0.0/3 -> drop NOT_UNICAST; outer ECN CE on an
//                inner Not-ECT packet -> drop ECN_DROP; inner L4 parsing (END = inner IP end; failure ->
//                p_l4_drop).
// Output fields (valid when !p_drop && !p_exc):
//   p_frag (host IPv4), p_l4_drop/reason (IPv4 non-fragments; 0 otherwise), p_is_arp and p_arp_*
//   (host ARP), p_tunnel (= net port), p_geneve (net: the tunnel is Geneve, UDP 6081; 0 for VXLAN and
//   on host), p_vni and p_outer_sip (net; 0 on host), p_eth_dst/src and
//   p_l3off (plain/inner frame; ARP header offset for ARP), p_proto/p_sip/p_dip (plain/inner IPv4),
//   p_sport/p_dport (key ports, 0 for fragments), p_tcp_flags (0 unless TCP); net: p_ctx (a well-formed
//   context), p_ctx_kind/flags/vnic/version/be_id/vtep/mac/act (its fields), p_udp_sport (outer UDP
//   source port), p_inner_len (14 + inner IPv4 total length). Both ports (plain / inner IPv4): p_ip_end
//   (l3off + total length: where the forwarded bytes end), p_ip_head (IP header bytes 0..11, byte i at
//   [8i+7:8i]), p_ecn (the frame's ECN e of datapath-spec 4.7: host the header's ECN field, net RFC 6040
//   of outer o and inner i: o = CE -> CE, o = ECT(1) and i = ECT(0) -> ECT(1), else i). Fields of the
//   other frame kind are don't-care.
// Requirements: HDR_BYTES even, >= 96.
module hdr_parser #(
    parameter integer HDR_BYTES = 128
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   in_valid,
    input  wire                   in_port,          // 0 net, 1 host
    input  wire [15:0]            in_len,
    input  wire [HDR_BYTES*8-1:0] in_hdr,
    input  wire [31:0]            cfg_vtep_ip,
    input  wire [47:0]            cfg_nic_mac,
    output reg                    out_valid,
    output reg                    p_drop,
    output reg  [4:0]             p_drop_reason,
    output reg                    p_exc,
    output reg  [1:0]             p_exc_reason,
    output reg                    p_frag,
    output reg                    p_l4_drop,
    output reg  [4:0]             p_l4_drop_reason,
    output reg                    p_is_arp,
    output reg  [15:0]            p_arp_op,
    output reg  [47:0]            p_arp_sha,
    output reg  [31:0]            p_arp_spa,
    output reg  [31:0]            p_arp_tpa,
    output reg                    p_tunnel,
    output reg                    p_geneve,
    output reg  [23:0]            p_vni,
    output reg  [31:0]            p_outer_sip,
    output reg  [47:0]            p_eth_dst,
    output reg  [47:0]            p_eth_src,
    output reg  [15:0]            p_l3off,
    output reg  [7:0]             p_proto,
    output reg  [31:0]            p_sip,
    output reg  [31:0]            p_dip,
    output reg  [15:0]            p_sport,
    output reg  [15:0]            p_dport,
    output reg  [7:0]             p_tcp_flags,
    output reg                    p_ctx,
    output reg  [2:0]             p_ctx_kind,
    output reg  [7:0]             p_ctx_flags,
    output reg  [7:0]             p_ctx_vnic,
    output reg  [7:0]             p_ctx_version,
    output reg  [31:0]            p_ctx_be_id,
    output reg  [31:0]            p_ctx_vtep,
    output reg  [47:0]            p_ctx_mac,
    output reg  [7:0]             p_ctx_act,
    output reg  [15:0]            p_udp_sport,
    output reg  [15:0]            p_inner_len,
    output reg  [15:0]            p_ip_end,
    output reg  [95:0]            p_ip_head,
    output reg  [1:0]             p_ecn
);
    /* verilator lint_off UNUSEDPARAM */
    `include "nezha_regs.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer HB = HDR_BYTES;

    localparam [4:0] R_RUNT   = NZ_DROP_REASON_RUNT[4:0];
    localparam [4:0] R_TRUNC  = NZ_DROP_REASON_TRUNCATED[4:0];
    localparam [4:0] R_LONG   = NZ_DROP_REASON_HDR_TOO_LONG[4:0];
    localparam [4:0] R_UNSUP  = NZ_DROP_REASON_UNSUPPORTED[4:0];
    localparam [4:0] R_CTXBAD = NZ_DROP_REASON_CTX_BAD[4:0];
    localparam [4:0] R_NOTUNI = NZ_DROP_REASON_NOT_UNICAST[4:0];
    localparam [4:0] R_ULEN   = NZ_DROP_REASON_BAD_UDP_LEN[4:0];
    localparam [4:0] R_NOTME  = NZ_DROP_REASON_NOT_MY_MAC[4:0];
    localparam [4:0] R_ECN    = NZ_DROP_REASON_ECN_DROP[4:0];
    localparam [2:0] K_PROBE  = NZ_CONTEXT_KIND_PROBE[2:0];
    localparam [2:0] K_PREPLY = NZ_CONTEXT_KIND_PROBE_REPLY[2:0];
    localparam [1:0] X_UNDER  = NZ_EXCEPTION_REASON_UNDERLAY[1:0];
    localparam [1:0] X_FRAG   = NZ_EXCEPTION_REASON_FRAGMENT[1:0];

    function integer imin;
        input integer a;
        input integer b;
        imin = (a < b) ? a : b;
    endfunction

    function integer imax;
        input integer a;
        input integer b;
        imax = (a > b) ? a : b;
    endfunction

    // ---- candidate offset sets (structural maxima: outer l3off 18, outer l4off 18+60 = 78,
    //      inner Ethernet 78+16+252 = 346, inner IP 360, inner L4 420); beyond HDR_BYTES - n the
    //      need() checks fail anyway, so the candidate lists stop there.
    localparam integer IPO_BASE = 14, IPO_NC = 2;
    localparam integer IPO_WB   = imin(HB, IPO_BASE + 4 * (IPO_NC - 1) + 60) - IPO_BASE;
    localparam integer ARP_WB   = imin(HB, 18 + 28) - 14;
    localparam integer L4O_BASE = 34;
    localparam integer L4O_NC   = imin(12, (HB - 8 - L4O_BASE) / 4 + 1);
    localparam integer L4O_WB   = imin(HB, L4O_BASE + 4 * (L4O_NC - 1) + 16) - L4O_BASE;
    localparam integer E_BASE   = 50;
    localparam integer E_NC     = imin(75, (HB - 14 - E_BASE) / 4 + 1);
    localparam integer E_WB     = imin(HB, E_BASE + 4 * (E_NC - 1) + 14) - E_BASE;
    localparam integer IPI_BASE = 64;
    localparam integer IPI_NC   = imin(75, (HB - 20 - IPI_BASE) / 4 + 1);
    localparam integer IPI_WB   = imin(HB, IPI_BASE + 4 * (IPI_NC - 1) + 60) - IPI_BASE;
    localparam integer L4I_BASE = 84;
    localparam integer L4I_NC   = imin(85, (HB - 8 - L4I_BASE) / 4 + 1);
    localparam integer L4I_WB   = imin(HB, L4I_BASE + 4 * (L4I_NC - 1) + 14) - L4I_BASE;
    // Nezha context option at l4off + 16 (outer l4off 34..78)
    localparam integer CX_BASE  = 50;
    localparam integer CX_NC    = imin(12, (HB - 24 - CX_BASE) / 4 + 1);
    localparam integer CX_WB    = imin(HB, CX_BASE + 4 * (CX_NC - 1) + 24) - CX_BASE;
    // header bytes carried by the pipeline registers: r1 holds [E_BASE, E_BASE+R1_WB),
    // r2 holds [L4I_BASE, L4I_BASE+R2_WB)
    localparam integer R2_WB    = L4I_WB;
    localparam integer R1_WB    = imax(imax(imax(E_WB, IPI_BASE - E_BASE + IPI_WB), L4I_BASE - E_BASE + R2_WB), CX_WB);

    function [4:0] need;                // reason for a failed need(), given lim = off+n and END
        input [16:0] lim;
        input [16:0] e;
        begin
            if (lim > e)               need = R_TRUNC;
            else if (lim > HB[16:0])   need = R_LONG;
            else                       need = 5'd0;
        end
    endfunction

    // =====================================================================================
    // Stage 1: outer / plain frame
    // =====================================================================================
    wire [16:0] s1_len = {1'b0, in_len};
    wire [15:0] et0    = {in_hdr[12*8 +: 8], in_hdr[13*8 +: 8]};
    wire [15:0] et1    = {in_hdr[16*8 +: 8], in_hdr[17*8 +: 8]};
    wire        vlan   = (et0 == 16'h8100);
    wire        dbl    = (et1 == 16'h8100) || (et1 == 16'h88A8);
    wire [15:0] s1_et  = vlan ? et1 : et0;
    wire [15:0] s1_l3  = vlan ? 16'd18 : 16'd14;
    wire        runt   = (in_len < 16'd14);
    wire [4:0]  n_vlan = need(17'd18, s1_len);

    wire [47:0] eth_dst = {in_hdr[0*8 +: 8], in_hdr[1*8 +: 8], in_hdr[2*8 +: 8],
                           in_hdr[3*8 +: 8], in_hdr[4*8 +: 8], in_hdr[5*8 +: 8]};
    wire [47:0] eth_src = {in_hdr[6*8 +: 8], in_hdr[7*8 +: 8], in_hdr[8*8 +: 8],
                           in_hdr[9*8 +: 8], in_hdr[10*8 +: 8], in_hdr[11*8 +: 8]};

    // outer / plain IPv4
    wire        ipo_fail, ipo_frag;
    wire [4:0]  ipo_rsn;
    wire [7:0]  ipo_proto;
    wire [31:0] ipo_sip, ipo_dip;
    wire [16:0] ipo_end;
    wire [15:0] ipo_l4;
    wire [95:0] ipo_head;
    ipv4_check #(.HDR_BYTES(HB), .WIN_BASE(IPO_BASE), .WIN_BYTES(IPO_WB), .NC(IPO_NC)) u_ipo (
        .win(in_hdr[IPO_BASE*8 +: IPO_WB*8]), .off(s1_l3), .endv(s1_len),
        .fail(ipo_fail), .reason(ipo_rsn), .proto(ipo_proto), .sip(ipo_sip), .dip(ipo_dip),
        .frag(ipo_frag), .ip_end(ipo_end), .l4off(ipo_l4), .head(ipo_head));
    wire        ipo_mcast = (ipo_dip[31:29] == 3'b111);     // 224.0.0.0/3: multicast, reserved, broadcast

    // 16 bytes at the outer / plain L4 offset: UDP + tunnel header, or the plain L4 header
    wire [127:0] l4o;
    hdr_extract #(.WIN_BYTES(L4O_WB), .WIN_BASE(L4O_BASE), .STEP(4), .NC(L4O_NC), .OUT_BYTES(16)) u_l4o (
        .win(in_hdr[L4O_BASE*8 +: L4O_WB*8]), .off(ipo_l4), .out(l4o));

    // plain L4 (host port)
    wire        l4p_fail;
    wire [4:0]  l4p_rsn;
    wire [15:0] l4p_sport, l4p_dport;
    wire [7:0]  l4p_flags;
    l4_parse #(.HDR_BYTES(HB)) u_l4p (
        .l4b(l4o[111:0]), .off(ipo_l4), .endv(ipo_end), .proto(ipo_proto),
        .fail(l4p_fail), .reason(l4p_rsn), .sport(l4p_sport), .dport(l4p_dport), .tcp_flags(l4p_flags));

    // ARP (host port), header at 14 or 18
    wire [223:0] arp;
    hdr_extract #(.WIN_BYTES(ARP_WB), .WIN_BASE(14), .STEP(4), .NC(2), .OUT_BYTES(28)) u_arp (
        .win(in_hdr[14*8 +: ARP_WB*8]), .off(s1_l3), .out(arp));
    wire [4:0]  n_arp   = need({1'b0, s1_l3} + 17'd28, s1_len);
    wire        arp_bad = ({arp[0*8 +: 8], arp[1*8 +: 8]} != 16'h0001) ||
                          ({arp[2*8 +: 8], arp[3*8 +: 8]} != 16'h0800) ||
                          (arp[4*8 +: 8] != 8'd6) || (arp[5*8 +: 8] != 8'd4);
    wire [15:0] arp_op  = {arp[6*8 +: 8], arp[7*8 +: 8]};
    wire [47:0] arp_sha = {arp[8*8 +: 8], arp[9*8 +: 8], arp[10*8 +: 8], arp[11*8 +: 8],
                           arp[12*8 +: 8], arp[13*8 +: 8]};
    wire [31:0] arp_spa = {arp[14*8 +: 8], arp[15*8 +: 8], arp[16*8 +: 8], arp[17*8 +: 8]};
    wire [31:0] arp_tpa = {arp[24*8 +: 8], arp[25*8 +: 8], arp[26*8 +: 8], arp[27*8 +: 8]};

    // tunnel (net port): UDP at l4off, tunnel header t = l4off + 8
    wire [15:0] udp_dport = {l4o[2*8 +: 8], l4o[3*8 +: 8]};
    wire [7:0]  tb0       = l4o[8*8 +: 8];
    wire [7:0]  tb1       = l4o[9*8 +: 8];
    wire [15:0] gn_ptype  = {l4o[10*8 +: 8], l4o[11*8 +: 8]};
    wire [23:0] tun_vni   = {l4o[12*8 +: 8], l4o[13*8 +: 8], l4o[14*8 +: 8]};
    wire [15:0] gn_opt    = {8'd0, tb0[5:0], 2'b00};        // 4*optlen
    wire        is_vxlan  = (udp_dport == 16'd4789);
    wire        is_geneve = (udp_dport == 16'd6081);
    wire [15:0] udp_len   = {l4o[4*8 +: 8], l4o[5*8 +: 8]};
    wire [16:0] udp_end   = {1'b0, ipo_l4} + {1'b0, udp_len};   // END of the tunnel header and inner frame
    wire        ulen_bad  = (udp_len < 16'd8) || (udp_end > ipo_end);
    wire [4:0]  n_udp     = need({1'b0, ipo_l4} + 17'd8, ipo_end);
    wire [4:0]  n_tun     = need({1'b0, ipo_l4} + 17'd16, udp_end);
    wire [15:0] s1_e      = ipo_l4 + 16'd16 + (is_geneve ? gn_opt : 16'd0);   // inner Ethernet
    wire [4:0]  n_gopt    = need({1'b0, s1_e}, udp_end);
    wire        vx_bad    = !tb0[3];
    wire        gn_bad    = (tb0[7:6] != 2'd0) || tb1[6] || (gn_ptype != 16'h6558);
    wire        gn_oam    = tb1[7];                          // O: a control packet (RFC 8926 3.4)
    wire        not_me    = (eth_dst != cfg_nic_mac);
    wire [15:0] udp_sport = {l4o[0*8 +: 8], l4o[1*8 +: 8]};
    wire unused_ok = &{1'b0, arp[18*8 +: 6*8], tb1[5:0], l4o[15*8 +: 8]};

    // stage-1 decision
    reg        s1_drop, s1_exc, s1_inner, s1_arp, s1_frag, s1_l4d;
    reg [4:0]  s1_drsn, s1_l4rsn;
    reg [1:0]  s1_ersn;
    always @* begin
        s1_drop  = 1'b0;
        s1_drsn  = 5'd0;
        s1_exc   = 1'b0;
        s1_ersn  = 2'd0;
        s1_inner = 1'b0;        // continue with the inner frame (net port)
        s1_arp   = 1'b0;
        s1_frag  = 1'b0;
        s1_l4d   = 1'b0;
        s1_l4rsn = 5'd0;
        if (runt) begin
            s1_drop = 1'b1; s1_drsn = R_RUNT;
        end else if (vlan && in_port) begin
            s1_drop = 1'b1; s1_drsn = R_UNSUP;
        end else if (vlan && n_vlan != 5'd0) begin
            s1_drop = 1'b1; s1_drsn = n_vlan;
        end else if (vlan && dbl) begin
            s1_drop = 1'b1; s1_drsn = R_UNSUP;
        end else if (in_port) begin
            // ---- host port
            if (s1_et == 16'h0806) begin
                if (n_arp != 5'd0) begin
                    s1_drop = 1'b1; s1_drsn = n_arp;
                end else if (arp_bad) begin
                    s1_drop = 1'b1; s1_drsn = R_UNSUP;
                end else begin
                    s1_arp = 1'b1;
                end
            end else if (s1_et == 16'h0800) begin
                if (ipo_fail) begin
                    s1_drop = 1'b1; s1_drsn = ipo_rsn;
                end else if (ipo_mcast) begin
                    s1_drop = 1'b1; s1_drsn = R_NOTUNI;
                end else if (ipo_frag) begin
                    s1_frag = 1'b1;
                end else begin
                    s1_l4d = l4p_fail; s1_l4rsn = l4p_rsn;
                end
            end else begin
                s1_drop = 1'b1; s1_drsn = R_UNSUP;
            end
        end else begin
            // ---- network port
            if (s1_et == 16'h0806) begin
                s1_exc = 1'b1; s1_ersn = X_UNDER;
            end else if (s1_et != 16'h0800) begin
                s1_drop = 1'b1; s1_drsn = R_UNSUP;
            end else if (ipo_fail) begin
                s1_drop = 1'b1; s1_drsn = ipo_rsn;
            end else if (ipo_frag) begin
                s1_exc = 1'b1; s1_ersn = X_FRAG;
            end else if (ipo_proto != 8'd17 || ipo_dip != cfg_vtep_ip) begin
                s1_exc = 1'b1; s1_ersn = X_UNDER;
            end else if (n_udp != 5'd0) begin
                s1_drop = 1'b1; s1_drsn = n_udp;
            end else if (!is_vxlan && !is_geneve) begin
                s1_exc = 1'b1; s1_ersn = X_UNDER;
            end else if (not_me) begin
                s1_drop = 1'b1; s1_drsn = R_NOTME;
            end else if (ulen_bad) begin
                s1_drop = 1'b1; s1_drsn = R_ULEN;
            end else if (n_tun != 5'd0) begin
                s1_drop = 1'b1; s1_drsn = n_tun;
            end else if (is_vxlan ? vx_bad : gn_bad) begin
                s1_drop = 1'b1; s1_drsn = R_UNSUP;
            end else if (is_geneve && n_gopt != 5'd0) begin
                s1_drop = 1'b1; s1_drsn = n_gopt;
            end else if (is_geneve && gn_oam) begin
                s1_exc = 1'b1; s1_ersn = X_UNDER;
            end else begin
                s1_inner = 1'b1;
            end
        end
    end

    // ---- stage-1 registers
    reg                r1_v, r1_port, r1_drop, r1_exc, r1_inner, r1_arp, r1_frag, r1_l4d, r1_vlan, r1_geneve;
    reg  [15:0]        r1_l4, r1_usport;
    reg  [5:0]         r1_optlen;
    reg  [4:0]         r1_drsn, r1_l4rsn;
    reg  [1:0]         r1_ersn;
    reg  [15:0]        r1_arp_op;
    reg  [47:0]        r1_arp_sha, r1_eth_dst, r1_eth_src;
    reg  [31:0]        r1_arp_spa, r1_arp_tpa, r1_sip, r1_dip;
    reg  [7:0]         r1_proto, r1_flags;
    reg  [15:0]        r1_sport, r1_dport, r1_e;
    reg  [23:0]        r1_vni;
    reg  [16:0]        r1_ipend;       // host: the plain IP end; net: the outer UDP end (END of the inner frame)
    reg  [95:0]        r1_head;        // host: plain IP header bytes 0..11; net: outer (its ECN field)
    reg  [R1_WB*8-1:0] r1_win;

    always @(posedge clk) begin
        if (rst) r1_v <= 1'b0;
        else     r1_v <= in_valid;
        if (in_valid) begin
            r1_port    <= in_port;
            r1_drop    <= s1_drop;
            r1_drsn    <= s1_drsn;
            r1_exc     <= s1_exc;
            r1_ersn    <= s1_ersn;
            r1_inner   <= s1_inner;
            r1_arp     <= s1_arp;
            r1_frag    <= s1_frag;
            r1_l4d     <= s1_l4d;
            r1_l4rsn   <= s1_l4rsn;
            r1_vlan    <= vlan;
            r1_arp_op  <= arp_op;
            r1_arp_sha <= arp_sha;
            r1_arp_spa <= arp_spa;
            r1_arp_tpa <= arp_tpa;
            r1_eth_dst <= eth_dst;
            r1_eth_src <= eth_src;
            // plain IP fields (host); on the net port sip carries the outer source address
            r1_proto   <= ipo_proto;
            r1_sip     <= ipo_sip;
            r1_dip     <= ipo_dip;
            r1_sport   <= s1_frag ? 16'd0 : l4p_sport;
            r1_dport   <= s1_frag ? 16'd0 : l4p_dport;
            r1_flags   <= s1_frag ? 8'd0  : l4p_flags;
            r1_vni     <= tun_vni;
            r1_geneve  <= is_geneve;
            r1_l4      <= ipo_l4;
            r1_usport  <= udp_sport;
            r1_optlen  <= tb0[5:0];
            r1_e       <= s1_e;
            r1_ipend   <= in_port ? ipo_end : udp_end;
            r1_head    <= ipo_head;
            r1_win     <= in_hdr[E_BASE*8 +: R1_WB*8];
        end
    end

    // =====================================================================================
    // Stage 2: inner Ethernet + inner IPv4 (net port)
    // =====================================================================================
    wire [111:0] eth_i;
    hdr_extract #(.WIN_BYTES(E_WB), .WIN_BASE(E_BASE), .STEP(4), .NC(E_NC), .OUT_BYTES(14)) u_ethi (
        .win(r1_win[0 +: E_WB*8]), .off(r1_e), .out(eth_i));
    wire [15:0] et_i   = {eth_i[12*8 +: 8], eth_i[13*8 +: 8]};
    wire [47:0] dst_i  = {eth_i[0*8 +: 8], eth_i[1*8 +: 8], eth_i[2*8 +: 8],
                          eth_i[3*8 +: 8], eth_i[4*8 +: 8], eth_i[5*8 +: 8]};
    wire [47:0] src_i  = {eth_i[6*8 +: 8], eth_i[7*8 +: 8], eth_i[8*8 +: 8],
                          eth_i[9*8 +: 8], eth_i[10*8 +: 8], eth_i[11*8 +: 8]};
    wire [15:0] s2_l3  = r1_e + 16'd14;
    wire [4:0]  n_ethi = need({1'b0, s2_l3}, r1_ipend);

    wire        ipi_fail, ipi_frag;
    wire [4:0]  ipi_rsn;
    wire [7:0]  ipi_proto;
    wire [31:0] ipi_sip, ipi_dip;
    wire [16:0] ipi_end;
    wire [15:0] ipi_l4;
    wire [95:0] ipi_head;
    ipv4_check #(.HDR_BYTES(HB), .WIN_BASE(IPI_BASE), .WIN_BYTES(IPI_WB), .NC(IPI_NC)) u_ipi (
        .win(r1_win[(IPI_BASE-E_BASE)*8 +: IPI_WB*8]), .off(s2_l3), .endv(r1_ipend),
        .fail(ipi_fail), .reason(ipi_rsn), .proto(ipi_proto), .sip(ipi_sip), .dip(ipi_dip),
        .frag(ipi_frag), .ip_end(ipi_end), .l4off(ipi_l4), .head(ipi_head));
    // ECN (RFC 6040 4.2): outer o (r1_head), inner i
    wire [1:0]  ecn_o    = r1_head[8 +: 2];
    wire [1:0]  ecn_i    = ipi_head[8 +: 2];
    wire        ecn_drop = (ecn_o == 2'b11) && (ecn_i == 2'b00);
    wire [1:0]  ecn_net  = (ecn_o == 2'b11) ? 2'b11 : ((ecn_o == 2'b01) && (ecn_i == 2'b10)) ? 2'b01 : ecn_i;

    // Nezha context option (Geneve frames whose base header passed: r1_inner && r1_geneve)
    wire [191:0] cx_opt;
    hdr_extract #(.WIN_BYTES(CX_WB), .WIN_BASE(CX_BASE), .STEP(4), .NC(CX_NC), .OUT_BYTES(24)) u_cxo (
        .win(r1_win[0 +: CX_WB*8]), .off(r1_l4 + 16'd16), .out(cx_opt));
    wire        cx_is, cx_bad;
    wire [2:0]  cx_kind;
    wire [7:0]  cx_flags, cx_vnic, cx_version, cx_act;
    wire [31:0] cx_be_id, cx_vtep;
    wire [47:0] cx_mac;
    geneve_ctx_parse u_cx (
        .opt(cx_opt), .optlen(r1_optlen), .en(r1_inner && r1_geneve),
        .is_ctx(cx_is), .bad(cx_bad), .kind(cx_kind), .flags(cx_flags), .vnic(cx_vnic), .version(cx_version),
        .be_id(cx_be_id), .vtep(cx_vtep), .mac(cx_mac), .act(cx_act));
    wire        cx_probe = cx_is && !cx_bad && (cx_kind == K_PROBE || cx_kind == K_PREPLY);
    wire [16:0] ilen17   = ipi_end - {1'b0, s2_l3} + 17'd14;   // inner frame length (14 + IP total)
    wire        unused_s2 = ilen17[16];                         // (< 2**16: the IP packet lies in the frame)

    reg        s2_drop, s2_exc, s2_inner;
    reg [4:0]  s2_drsn;
    reg [1:0]  s2_ersn;
    always @* begin
        s2_drop  = r1_drop;
        s2_drsn  = r1_drsn;
        s2_exc   = r1_exc;
        s2_ersn  = r1_ersn;
        s2_inner = 1'b0;        // inner L4 parsing needed
        if (r1_inner) begin
            if (cx_is && cx_bad) begin
                s2_drop = 1'b1; s2_drsn = R_CTXBAD;
            end else if (cx_probe) begin
                s2_inner = 1'b0;    // PROBE / PROBE_REPLY: no inner frame to check
            end else if (n_ethi != 5'd0) begin
                s2_drop = 1'b1; s2_drsn = n_ethi;
            end else if (et_i != 16'h0800) begin
                s2_drop = 1'b1; s2_drsn = R_UNSUP;
            end else if (ipi_fail) begin
                s2_drop = 1'b1; s2_drsn = ipi_rsn;
            end else if (ipi_frag) begin
                s2_exc = 1'b1; s2_ersn = X_FRAG;
            end else if (ipi_dip[31:29] == 3'b111) begin
                s2_drop = 1'b1; s2_drsn = R_NOTUNI;
            end else if (ecn_drop) begin
                s2_drop = 1'b1; s2_drsn = R_ECN;
            end else begin
                s2_inner = 1'b1;
            end
        end
    end

    // ---- stage-2 registers
    reg                r2_v, r2_port, r2_drop, r2_exc, r2_inner, r2_arp, r2_frag, r2_l4d, r2_geneve;
    reg                r2_ctx;
    reg  [2:0]         r2_ctx_kind;
    reg  [7:0]         r2_ctx_flags, r2_ctx_vnic, r2_ctx_version, r2_ctx_act;
    reg  [31:0]        r2_ctx_be_id, r2_ctx_vtep;
    reg  [47:0]        r2_ctx_mac;
    reg  [15:0]        r2_usport, r2_ilen;
    reg  [4:0]         r2_drsn, r2_l4rsn;
    reg  [1:0]         r2_ersn;
    reg  [15:0]        r2_arp_op;
    reg  [47:0]        r2_arp_sha, r2_eth_dst, r2_eth_src;
    reg  [31:0]        r2_arp_spa, r2_arp_tpa, r2_sip, r2_dip, r2_osip;
    reg  [7:0]         r2_proto, r2_flags;
    reg  [15:0]        r2_sport, r2_dport, r2_l3off, r2_l4off;
    reg  [23:0]        r2_vni;
    reg  [16:0]        r2_ipend;       // the plain (host) / inner (net) IP end
    reg  [95:0]        r2_head;
    reg  [1:0]         r2_ecn;
    reg  [R2_WB*8-1:0] r2_win;

    always @(posedge clk) begin
        if (rst) r2_v <= 1'b0;
        else     r2_v <= r1_v;
        if (r1_v) begin
            r2_port    <= r1_port;
            r2_drop    <= s2_drop;
            r2_drsn    <= s2_drsn;
            r2_exc     <= s2_exc;
            r2_ersn    <= s2_ersn;
            r2_inner   <= s2_inner;
            r2_arp     <= r1_arp;
            r2_frag    <= r1_frag;
            r2_l4d     <= r1_l4d;
            r2_l4rsn   <= r1_l4rsn;
            r2_arp_op  <= r1_arp_op;
            r2_arp_sha <= r1_arp_sha;
            r2_arp_spa <= r1_arp_spa;
            r2_arp_tpa <= r1_arp_tpa;
            r2_sport   <= r1_sport;
            r2_dport   <= r1_dport;
            r2_flags   <= r1_flags;
            r2_l4off   <= ipi_l4;
            r2_ipend   <= r1_port ? r1_ipend : ipi_end;
            r2_head    <= r1_port ? r1_head : ipi_head;
            r2_ecn     <= r1_port ? r1_head[8 +: 2] : ecn_net;
            r2_win     <= r1_win[(L4I_BASE-E_BASE)*8 +: R2_WB*8];
            r2_ctx         <= !r1_port && cx_is && !cx_bad;
            r2_ctx_kind    <= cx_kind;
            r2_ctx_flags   <= cx_flags;
            r2_ctx_vnic    <= cx_vnic;
            r2_ctx_version <= cx_version;
            r2_ctx_be_id   <= cx_be_id;
            r2_ctx_vtep    <= cx_vtep;
            r2_ctx_mac     <= cx_mac;
            r2_ctx_act     <= cx_act;
            r2_usport      <= r1_usport;
            r2_ilen        <= ilen17[15:0];
            if (r1_port) begin
                // host: plain frame
                r2_eth_dst <= r1_eth_dst;
                r2_eth_src <= r1_eth_src;
                r2_l3off   <= r1_vlan ? 16'd18 : 16'd14;
                r2_proto   <= r1_proto;
                r2_sip     <= r1_sip;
                r2_dip     <= r1_dip;
                r2_vni     <= 24'd0;
                r2_geneve  <= 1'b0;
                r2_osip    <= 32'd0;
            end else begin
                // net: inner frame
                r2_eth_dst <= dst_i;
                r2_eth_src <= src_i;
                r2_l3off   <= s2_l3;
                r2_proto   <= ipi_proto;
                r2_sip     <= ipi_sip;
                r2_dip     <= ipi_dip;
                r2_vni     <= r1_vni;
                r2_geneve  <= r1_geneve;
                r2_osip    <= r1_sip;
            end
        end
    end

    // =====================================================================================
    // Stage 3: inner L4 (net port), output registers
    // =====================================================================================
    wire [111:0] l4i;
    hdr_extract #(.WIN_BYTES(L4I_WB), .WIN_BASE(L4I_BASE), .STEP(4), .NC(L4I_NC), .OUT_BYTES(14)) u_l4i (
        .win(r2_win[0 +: L4I_WB*8]), .off(r2_l4off), .out(l4i));

    wire        unused_s3 = r2_ipend[16];                       // (the IP packet lies in the frame)
    wire        l4i_fail;
    wire [4:0]  l4i_rsn;
    wire [15:0] l4i_sport, l4i_dport;
    wire [7:0]  l4i_flags;
    l4_parse #(.HDR_BYTES(HB)) u_l4ip (
        .l4b(l4i), .off(r2_l4off), .endv(r2_ipend), .proto(r2_proto),
        .fail(l4i_fail), .reason(l4i_rsn), .sport(l4i_sport), .dport(l4i_dport), .tcp_flags(l4i_flags));

    always @(posedge clk) begin
        if (rst) out_valid <= 1'b0;
        else     out_valid <= r2_v;
        if (r2_v) begin
            p_drop        <= r2_drop;
            p_drop_reason <= r2_drop ? r2_drsn : 5'd0;
            p_exc         <= r2_exc & ~r2_drop;
            p_exc_reason  <= (r2_exc & ~r2_drop) ? r2_ersn : 2'd0;
            p_frag        <= r2_port & r2_frag;
            p_is_arp      <= r2_port & r2_arp;
            p_arp_op      <= r2_arp_op;
            p_arp_sha     <= r2_arp_sha;
            p_arp_spa     <= r2_arp_spa;
            p_arp_tpa     <= r2_arp_tpa;
            p_tunnel      <= ~r2_port;
            p_geneve      <= r2_geneve;
            p_vni         <= r2_vni;
            p_outer_sip   <= r2_osip;
            p_eth_dst     <= r2_eth_dst;
            p_eth_src     <= r2_eth_src;
            p_l3off       <= r2_l3off;
            p_proto       <= r2_proto;
            p_sip         <= r2_sip;
            p_dip         <= r2_dip;
            p_ctx         <= r2_ctx;
            p_ctx_kind    <= r2_ctx_kind;
            p_ctx_flags   <= r2_ctx_flags;
            p_ctx_vnic    <= r2_ctx_vnic;
            p_ctx_version <= r2_ctx_version;
            p_ctx_be_id   <= r2_ctx_be_id;
            p_ctx_vtep    <= r2_ctx_vtep;
            p_ctx_mac     <= r2_ctx_mac;
            p_ctx_act     <= r2_ctx_act;
            p_udp_sport   <= r2_usport;
            p_inner_len   <= r2_ilen;
            p_ip_end      <= r2_ipend[15:0];
            p_ip_head     <= r2_head;
            p_ecn         <= r2_ecn;
            if (r2_port) begin
                p_l4_drop        <= r2_l4d;
                p_l4_drop_reason <= r2_l4rsn;
                p_sport          <= r2_sport;
                p_dport          <= r2_dport;
                p_tcp_flags      <= r2_flags;
            end else begin
                p_l4_drop        <= r2_inner & l4i_fail;
                p_l4_drop_reason <= r2_inner ? l4i_rsn : 5'd0;
                p_sport          <= l4i_sport;
                p_dport          <= l4i_dport;
                p_tcp_flags      <= l4i_flags;
            end
        end
    end
endmodule

`resetall
