`resetall
`default_nettype none

// fp_classify: the pre-session checks of the flow processor (datapath-spec 4.3 / 4.4 / 4.5 in the spec's
// order), on the front-stage frame and the held parser outputs. Combinational; used in the hand-off cycle.
//
//   host port (vNIC s = f_vnic): RUNT, BAD_VNIC, parser drop, ARP responder (SPOOF, ARP_IGNORED, reply with
//             the gateway MAC or the MAC of the lowest enabled vNIC j != s in s's VNI with IP TPA, else a
//             mapping lookup P_ARP_MAP), SPOOF, FRAGMENT / GATEWAY exceptions, L4 drop, else P_SESSION.
//   net port: parser drop / exception; a context packet (docs/nezha-offload.md section 3): PROBE -> P_PREPLY,
//             PROBE_REPLY -> P_CONSUME, REQUEST -> the FE copy of the sender (lowest vNIC with MODE = FE,
//             BE_VTEP = outer source, BE_VNIC = the context's VNIC) and its version / VNI / spoof checks ->
//             P_FE, VERDICT -> identity checks (MODE = BE or DRAIN, sender in the vNIC's group, BE_ID =
//             VTEP_IP, version, VNI) -> P_SESSION with pre_verdict; else UNKNOWN_VNIC unless the inner
//             (VNI, Ethernet destination) names an enabled vNIC d, L4 drop, else P_SESSION.
// Outputs: the verdict pre_kind with its drop / exception reason, the attributed vNIC pre_attr (host: s, net:
// d, context: the copy / the BE vNIC) and VNI pre_vni, the canonical flow key (4.6: A = (sip, sport), B =
// (dip, dport), key_dir = A > B), and the MTU checks of every output built from the IP packet (fit_*).
// vNICs in FE mode are copies, never a frame's vNIC: ven = vnic_en & ~FE is the enable every check uses.
// One comparator bank finds the lowest enabled vNIC with a (VNI, MAC): the net-port target d, or, while the
// back stage asks for it (bk_mq), the local target of a MAPPED route (mapping MAC) or of a hairpin VERDICT.
module fp_classify #(
    parameter VNIC_W   = 4,             // log2 of the number of vNICs
    parameter N_GROUPS = 4,             // FE groups
    // derived: do not override
    parameter N_VNIC   = 1 << VNIC_W,
    parameter GRP_W    = (N_GROUPS <= 2) ? 1 : $clog2(N_GROUPS),
    parameter KEY_W    = 128            // NZ_KEY_W
) (
    // the front-stage frame
    input  wire                     f_port,
    input  wire [15:0]              f_len,
    input  wire [VNIC_W-1:0]        f_vnic,
    // parser outputs (hdr_parser)
    input  wire                     p_drop,
    input  wire [4:0]               p_drop_reason,
    input  wire                     p_exc,
    input  wire [1:0]               p_exc_reason,
    input  wire                     p_frag,
    input  wire                     p_l4_drop,
    input  wire [4:0]               p_l4_drop_reason,
    input  wire                     p_is_arp,
    input  wire [15:0]              p_arp_op,
    input  wire [47:0]              p_arp_sha,
    input  wire [31:0]              p_arp_spa,
    input  wire [31:0]              p_arp_tpa,
    input  wire [23:0]              p_vni,
    input  wire [31:0]              p_outer_sip,
    input  wire [47:0]              p_eth_dst,
    input  wire [47:0]              p_eth_src,
    input  wire [15:0]              p_l3off,
    input  wire [7:0]               p_proto,
    input  wire [31:0]              p_sip,
    input  wire [31:0]              p_dip,
    input  wire [15:0]              p_sport,
    input  wire [15:0]              p_dport,
    input  wire                     p_ctx,
    input  wire [2:0]               p_ctx_kind,
    input  wire                     p_ctx_dir,      // the context's FLAGS bit 0 (DIR: from the VM)
    input  wire [7:0]               p_ctx_vnic,
    input  wire [7:0]               p_ctx_version,
    input  wire [31:0]              p_ctx_be_id,
    input  wire [15:0]              p_ip_end,
    // configuration and tables
    input  wire [47:0]              cfg_gw_mac,
    input  wire [31:0]              cfg_vtep_ip,
    input  wire [15:0]              cfg_mtu,
    input  wire [15:0]              cfg_vm_mtu,
    input  wire [N_VNIC-1:0]        vnic_en,
    input  wire [N_VNIC*24-1:0]     vnic_vni,
    input  wire [N_VNIC*48-1:0]     vnic_mac,
    input  wire [N_VNIC*32-1:0]     vnic_ip,
    input  wire [N_VNIC*32-1:0]     vnic_gw,
    input  wire [N_VNIC*2-1:0]      ol_mode,
    input  wire [N_VNIC*GRP_W-1:0]  ol_group,
    input  wire [N_VNIC*8-1:0]      ol_version,
    input  wire [N_VNIC*8-1:0]      ol_be_vnic,
    input  wire [N_VNIC*32-1:0]     ol_be_vtep,
    input  wire [N_GROUPS*3-1:0]    fg_count,
    input  wire [N_GROUPS*128-1:0]  fg_vtep,
    // the (VNI, MAC) search for the back stage
    input  wire                     bk_mq,          // the back stage uses the search in this cycle
    input  wire [23:0]              bk_mq_vni,
    input  wire [47:0]              bk_mq_mac,
    output reg                      mq_found,
    output reg  [VNIC_W-1:0]        mq_idx,
    // verdict
    output wire [N_VNIC-1:0]        ven,            // enabled vNICs that are not FE copies
    output wire [23:0]              s_vni,          // VNI of the host-port vNIC s
    output reg  [2:0]               pre_kind,       // FP_P_* (nezha_flow.vh)
    output reg  [4:0]               pre_drop,
    output reg  [1:0]               pre_exc,
    output reg  [VNIC_W-1:0]        pre_exc_vnic,
    output reg  [47:0]              pre_arp_mac,
    output reg  [VNIC_W-1:0]        pre_attr,
    output reg  [23:0]              pre_vni,
    output reg                      pre_rx,         // the frame counts in vNIC s rx counters
    output reg                      pre_verdict,    // P_SESSION of an accepted VERDICT
    output wire [KEY_W-1:0]         key,
    output wire                     key_dir,
    output wire [15:0]              iplen,          // the IP packet's length
    output wire                     fit_dl,         // DELIVER fits VM_MTU
    output wire                     fit_en,         // ENCAP fits MTU
    output wire                     fit_cx          // a REQUEST / VERDICT context packet fits MTU
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_regs.vh"
`include "nezha_flow.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam [4:0] DR_RUNT         = NZ_DROP_REASON_RUNT[4:0];
    localparam [4:0] DR_BAD_VNIC     = NZ_DROP_REASON_BAD_VNIC[4:0];
    localparam [4:0] DR_SPOOF        = NZ_DROP_REASON_SPOOF[4:0];
    localparam [4:0] DR_UNKNOWN_VNIC = NZ_DROP_REASON_UNKNOWN_VNIC[4:0];
    localparam [4:0] DR_ARP_IGNORED  = NZ_DROP_REASON_ARP_IGNORED[4:0];
    localparam [4:0] DR_CTX_SPOOF    = NZ_DROP_REASON_CTX_SPOOF[4:0];
    localparam [4:0] DR_CTX_STALE    = NZ_DROP_REASON_CTX_STALE[4:0];
    localparam [1:0] OM_BE           = NZ_OFFLOAD_MODE_BE[1:0];
    localparam [1:0] OM_FE           = NZ_OFFLOAD_MODE_FE[1:0];
    localparam [1:0] OM_DRAIN        = NZ_OFFLOAD_MODE_DRAIN[1:0];
    localparam [2:0] CK_REQUEST      = NZ_CONTEXT_KIND_REQUEST[2:0];
    localparam [2:0] CK_PROBE        = NZ_CONTEXT_KIND_PROBE[2:0];
    localparam [2:0] CK_PREPLY       = NZ_CONTEXT_KIND_PROBE_REPLY[2:0];
    localparam [1:0] EX_FRAGMENT     = NZ_EXCEPTION_REASON_FRAGMENT[1:0];
    localparam [1:0] EX_GATEWAY      = NZ_EXCEPTION_REASON_GATEWAY[1:0];

    initial begin
        if (KEY_W != 128) begin
            $error("fp_classify: KEY_W must be NZ_KEY_W = 128 (instance %m)");
            $finish;
        end
    end

    // ------------------------------------------------------------------ vNIC table views
    reg [N_VNIC-1:0] fe_mask;
    integer q;
    always @* begin
        for (q = 0; q < N_VNIC; q = q + 1)
            fe_mask[q] = (ol_mode[q*2 +: 2] == OM_FE);
    end
    assign ven = vnic_en & ~fe_mask;

    wire        s_en  = ven[f_vnic];
    assign      s_vni = vnic_vni[f_vnic*24 +: 24];
    wire [47:0] s_mac = vnic_mac[f_vnic*48 +: 48];
    wire [31:0] s_ip  = vnic_ip[f_vnic*32 +: 32];
    wire [31:0] s_gw  = vnic_gw[f_vnic*32 +: 32];

    // lowest enabled vNIC with (vni, mac); lowest enabled j != s in s's VNI whose IP is the ARP TPA
    wire [23:0] mq_vni = bk_mq ? bk_mq_vni : p_vni;
    wire [47:0] mq_mac = bk_mq ? bk_mq_mac : p_eth_dst;
    reg              aj_found;
    reg [VNIC_W-1:0] aj_idx;
    integer i;
    always @* begin
        mq_found = 1'b0;
        mq_idx   = {VNIC_W{1'b0}};
        aj_found = 1'b0;
        aj_idx   = {VNIC_W{1'b0}};
        for (i = N_VNIC - 1; i >= 0; i = i - 1) begin
            if (ven[i] && vnic_vni[i*24 +: 24] == mq_vni && vnic_mac[i*48 +: 48] == mq_mac) begin
                mq_found = 1'b1;
                mq_idx   = i[VNIC_W-1:0];
            end
            if (ven[i] && i[VNIC_W-1:0] != f_vnic && vnic_vni[i*24 +: 24] == s_vni &&
                vnic_ip[i*32 +: 32] == p_arp_tpa) begin
                aj_found = 1'b1;
                aj_idx   = i[VNIC_W-1:0];
            end
        end
    end

    // REQUEST: the FE copy of the sender
    reg              rq_found;
    reg [VNIC_W-1:0] rq_idx;
    always @* begin
        rq_found = 1'b0;
        rq_idx   = {VNIC_W{1'b0}};
        for (i = N_VNIC - 1; i >= 0; i = i - 1) begin
            if (fe_mask[i] && ol_be_vtep[i*32 +: 32] == p_outer_sip && ol_be_vnic[i*8 +: 8] == p_ctx_vnic) begin
                rq_found = 1'b1;
                rq_idx   = i[VNIC_W-1:0];
            end
        end
    end

    // VERDICT: v = the context's VNIC in BE (or DRAIN) mode, the sender a member of v's group, BE_ID = VTEP_IP
    wire [VNIC_W-1:0] vd_v    = p_ctx_vnic[VNIC_W-1:0];
    wire [GRP_W-1:0]  vd_g    = ol_group[vd_v*GRP_W +: GRP_W];
    wire [2:0]        vd_cnt  = fg_count[vd_g*3 +: 3];
    reg               vd_member;
    integer mm;
    always @* begin
        vd_member = 1'b0;
        for (mm = 0; mm < 4; mm = mm + 1)
            if ({29'd0, vd_cnt} > mm && fg_vtep[vd_g*128 + mm*32 +: 32] == p_outer_sip)
                vd_member = 1'b1;
    end
    wire vd_ok = ((p_ctx_vnic >> VNIC_W) == 8'd0) &&
                 (ol_mode[vd_v*2 +: 2] == OM_BE || ol_mode[vd_v*2 +: 2] == OM_DRAIN) && vd_member &&
                 p_ctx_be_id == cfg_vtep_ip;

    // ------------------------------------------------------------------ the checks in the spec's order
    always @* begin
        pre_kind     = FP_P_DROP;
        pre_drop     = 5'd0;
        pre_exc      = 2'd0;
        pre_exc_vnic = {VNIC_W{1'b0}};
        pre_arp_mac  = cfg_gw_mac;
        pre_attr     = f_vnic;
        pre_vni      = s_vni;
        pre_rx       = 1'b0;
        pre_verdict  = 1'b0;
        if (f_len < 16'd14) begin
            pre_drop = DR_RUNT;
        end else if (f_port) begin
            // host port (4.3), vNIC s
            if (!s_en) begin
                pre_drop = DR_BAD_VNIC;
            end else begin
                pre_rx = 1'b1;
                if (p_drop) begin
                    pre_drop = p_drop_reason;
                end else if (p_is_arp) begin
                    // ARP responder (4.5)
                    if (p_eth_src != s_mac || p_arp_sha != s_mac ||
                        (p_arp_spa != s_ip && p_arp_spa != 32'd0)) begin
                        pre_drop = DR_SPOOF;
                    end else if (p_arp_op != 16'd1 || p_arp_tpa == s_ip) begin
                        pre_drop = DR_ARP_IGNORED;
                    end else if (p_arp_tpa == s_gw) begin
                        pre_kind    = FP_P_ARP_REPLY;
                        pre_arp_mac = cfg_gw_mac;
                    end else if (aj_found) begin
                        pre_kind    = FP_P_ARP_REPLY;
                        pre_arp_mac = vnic_mac[aj_idx*48 +: 48];
                    end else begin
                        pre_kind = FP_P_ARP_MAP;
                    end
                end else if (p_eth_src != s_mac || p_sip != s_ip) begin
                    pre_drop = DR_SPOOF;
                end else if (p_frag) begin
                    pre_kind     = FP_P_EXC;
                    pre_exc      = EX_FRAGMENT;
                    pre_exc_vnic = f_vnic;
                end else if (p_dip == s_gw) begin
                    pre_kind     = FP_P_EXC;
                    pre_exc      = EX_GATEWAY;
                    pre_exc_vnic = f_vnic;
                end else if (p_l4_drop) begin
                    pre_drop = p_l4_drop_reason;
                end else begin
                    pre_kind = FP_P_SESSION;
                end
            end
        end else begin
            // network port (4.4)
            if (p_drop) begin
                pre_drop = p_drop_reason;
            end else if (p_exc) begin
                pre_kind = FP_P_EXC;
                pre_exc  = p_exc_reason;
            end else if (p_ctx) begin
                // context packet (nezha-offload section 3)
                if (p_ctx_kind == CK_PROBE) begin
                    pre_kind = FP_P_PREPLY;
                end else if (p_ctx_kind == CK_PREPLY) begin
                    pre_kind = FP_P_CONSUME;
                end else if (p_ctx_kind == CK_REQUEST) begin
                    if (!rq_found)
                        pre_drop = DR_CTX_SPOOF;
                    else if (p_ctx_version != ol_version[rq_idx*8 +: 8])
                        pre_drop = DR_CTX_STALE;
                    else if (p_vni != vnic_vni[rq_idx*24 +: 24])
                        pre_drop = DR_CTX_SPOOF;
                    else if (p_ctx_dir && (p_eth_src != vnic_mac[rq_idx*48 +: 48] ||
                                                p_sip != vnic_ip[rq_idx*32 +: 32]))
                        pre_drop = DR_SPOOF;
                    else if (p_l4_drop)
                        pre_drop = p_l4_drop_reason;
                    else begin
                        pre_kind = FP_P_FE;
                        pre_attr = rq_idx;
                        pre_vni  = p_vni;
                    end
                end else begin
                    // VERDICT
                    if (!vd_ok)
                        pre_drop = DR_CTX_SPOOF;
                    else if (p_ctx_version != ol_version[vd_v*8 +: 8])
                        pre_drop = DR_CTX_STALE;
                    else if (p_vni != vnic_vni[vd_v*24 +: 24])
                        pre_drop = DR_CTX_SPOOF;
                    else if (p_l4_drop)
                        pre_drop = p_l4_drop_reason;
                    else begin
                        pre_kind    = FP_P_SESSION;
                        pre_attr    = vd_v;
                        pre_vni     = p_vni;
                        pre_verdict = 1'b1;
                    end
                end
            end else if (!mq_found) begin
                pre_drop = DR_UNKNOWN_VNIC;
            end else if (p_l4_drop) begin
                pre_drop = p_l4_drop_reason;
            end else begin
                pre_kind = FP_P_SESSION;
                pre_attr = mq_idx;
                pre_vni  = p_vni;
            end
        end
    end

    // canonical flow key (4.6): {vni, proto, lo_ip, hi_ip, lo_port, hi_port}
    wire [47:0] ep_a = {p_sip, p_sport};
    wire [47:0] ep_b = {p_dip, p_dport};
    assign key_dir = ep_a > ep_b;
    assign key     = key_dir ? {pre_vni, p_proto, p_dip, p_sip, p_dport, p_sport}
                             : {pre_vni, p_proto, p_sip, p_dip, p_sport, p_dport};

    // lengths of the outputs built from this IP packet (datapath-spec 4.7)
    wire [16:0] p_iplen = {1'b0, p_ip_end} - {1'b0, p_l3off};
    wire [16:0] len_dl  = p_iplen + 17'd14;     // DELIVER
    wire [16:0] len_en  = p_iplen + 17'd64;     // ENCAP
    wire [16:0] len_cx  = p_iplen + 17'd88;     // REQUEST / VERDICT
    assign iplen  = p_iplen[15:0];
    assign fit_dl = len_dl <= {1'b0, cfg_vm_mtu};
    assign fit_en = len_en <= {1'b0, cfg_mtu};
    assign fit_cx = len_cx <= {1'b0, cfg_mtu};
endmodule

`resetall
