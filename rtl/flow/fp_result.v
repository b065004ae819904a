`resetall
`default_nettype none

// fp_result: the result of the back-stage frame and its edit command. The controller's decision (rs_op with
// its arguments, fp_control) is registered here in compact form (res_*: what the editor does with the frame,
// and the counting fields of the result), then loaded at retirement (emit) into the edit_cmd_slot of the
// input the frame came from (slot 0 = net-input editor c0, slot 1 = host-input editor c1), which assembles
// the header (edit_cmd_slot: ENCAP / context header, DELIVER's Ethernet + IP head, ARP reply).
// Latency: the decision of cycle t is in res_* at t+1; emit at t+1 at the earliest loads the slot (cN_valid at
// t+2). emit_now: the frame has no edit command, or its slot is free.
//   DROP      drop (reason), with an edit command when the frame is stored (the editor discards it)
//   EXC       forward unchanged to the host (user = {reason, vNIC})
//   ARP       ARP reply to the VM (replaces the whole frame); vNIC TX counts 60 bytes
//   ACTION    a session action: ENCAP / ENCAP_GENEVE (VTEP, MAC; outer TOS = ECN; longer than MTU -> OVERSIZE),
//             DELIVER to an enabled vNIC (Ethernet + the IP header's first 12 bytes + the rest; longer than
//             VM_MTU -> OVERSIZE; vNIC TX counts the padded length), else UNKNOWN_VNIC
//   REDIRECT  a REQUEST context to the FE (DIR = 1 host port, 0 net port; VTEP = the outer source on the net
//             port)
//   VERDICT   back to the BE with the forward action (DIR = 1) or the request's VTEP (DIR = 0); > MTU -> OVERSIZE
//   PREPLY    a PROBE_REPLY to the prober, same context data, nothing of the frame kept (hand-off cycle)
// The result's counting flags (drop / exception reason, ARP reply, vNIC TX, REDIRECT, VERDICT tx, PROBE_REPLY tx)
// are cleared at the hand-off; the other fields keep their last value until set.
module fp_result #(
    parameter VNIC_W  = 4,              // log2 of the number of vNICs
    parameter USER_W  = VNIC_W + 8,     // editor tuser width
    parameter HDR_MAX = 96,             // edit command header bytes (cN_hdr)
    // derived: do not override
    parameter N_VNIC  = 1 << VNIC_W,
    parameter ACT_W   = 90              // NZ_ACT_W
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire [47:0]              cfg_nic_mac,
    input  wire [47:0]              cfg_nh_mac,
    input  wire [47:0]              cfg_gw_mac,
    input  wire [31:0]              cfg_vtep_ip,
    input  wire [N_VNIC-1:0]        ven,
    input  wire [N_VNIC*48-1:0]     vnic_mac,
    input  wire [N_VNIC*8-1:0]      ol_version,
    // the decision: from fp_control (hand-off, lookup) or from fp_slowpath (sp_done), never both in a cycle
    input  wire                     handoff,
    input  wire [3:0]               ctl_op,
    input  wire [4:0]               ctl_reason,
    input  wire                     ctl_stored,
    input  wire [ACT_W-1:0]         ctl_act,
    input  wire [13:0]              ctl_h,
    input  wire [31:0]              ctl_ip,
    input  wire                     sp_done,
    input  wire [3:0]               sp_op,
    input  wire [4:0]               sp_reason,
    input  wire [ACT_W-1:0]         sp_act,
    input  wire [13:0]              sp_h,
    input  wire [ACT_W-1:0]         fwd_r,
    // the front-stage frame, its classification and parser outputs (decisions of the hand-off cycle)
    input  wire [1:0]               pre_exc,
    input  wire [VNIC_W-1:0]        pre_exc_vnic,
    input  wire [47:0]              pre_arp_mac,
    input  wire [VNIC_W-1:0]        f_vnic,
    input  wire [15:0]              f_len,
    input  wire [47:0]              p_arp_sha,
    input  wire [31:0]              p_arp_spa,
    input  wire [31:0]              p_arp_tpa,
    input  wire [31:0]              p_outer_sip,
    input  wire [15:0]              p_udp_sport,
    input  wire [7:0]               p_ctx_flags,
    input  wire [7:0]               p_ctx_vnic,
    input  wire [7:0]               p_ctx_version,
    input  wire [7:0]               p_ctx_act,
    input  wire [31:0]              p_ctx_be_id,
    input  wire [31:0]              p_ctx_vtep,
    input  wire [47:0]              p_ctx_mac,
    input  wire [47:0]              mp_resp_mac,    // the mapping's answer (ARP via the mapping table)
    // the back-stage frame (fp_record)
    input  wire                     port_r,
    input  wire [15:0]              len_r,
    input  wire [VNIC_W-1:0]        vnic_r,
    input  wire                     stored_r,
    input  wire [23:0]              vni_r,
    input  wire [VNIC_W-1:0]        attr_r,
    input  wire [15:0]              b_l3off,
    input  wire [47:0]              b_eth_dst,
    input  wire [47:0]              b_eth_src,
    input  wire [31:0]              b_outer_sip,
    input  wire                     b_geneve,
    input  wire [47:0]              b_arp_sha,
    input  wire [31:0]              b_arp_spa,
    input  wire [31:0]              b_arp_tpa,
    input  wire [7:0]               b_ctx_flags,
    input  wire [7:0]               b_ctx_vnic,
    input  wire [7:0]               b_ctx_version,
    input  wire [31:0]              b_ctx_be_id,
    input  wire [31:0]              b_ctx_vtep,
    input  wire [15:0]              b_udp_sport,
    input  wire [15:0]              b_ip_end,
    input  wire [15:0]              b_iplen,
    input  wire [95:0]              b_ip_head,
    input  wire [1:0]               b_ecn,
    input  wire                     b_fit_dl,
    input  wire                     b_fit_en,
    input  wire                     b_fit_cx,
    // retirement
    input  wire                     emit,
    output wire                     emit_now,
    // the result's counting fields (fp_retire)
    output reg  [4:0]               res_drop_reason,
    output reg  [1:0]               res_exc_reason,
    output reg                      res_arp,
    output reg                      res_tx_v,
    output reg  [VNIC_W-1:0]        res_tx_vnic,
    output reg  [15:0]              res_tx_len,
    output reg                      res_redirect,
    output reg                      res_vtx,
    output reg                      res_prtx,
    // edit commands (pkt_editor cmd_*)
    output wire                     c0_valid,
    input  wire                     c0_ready,
    output wire                     c0_drop,
    output wire                     c0_dest,
    output wire [USER_W-1:0]        c0_user,
    output wire [6:0]               c0_hdr_len,
    output wire [HDR_MAX*8-1:0]     c0_hdr,
    output wire [15:0]              c0_strip,
    output wire [15:0]              c0_end,
    output wire                     c1_valid,
    input  wire                     c1_ready,
    output wire                     c1_drop,
    output wire                     c1_dest,
    output wire [USER_W-1:0]        c1_user,
    output wire [6:0]               c1_hdr_len,
    output wire [HDR_MAX*8-1:0]     c1_hdr,
    output wire [15:0]              c1_strip,
    output wire [15:0]              c1_end
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
`include "nezha_regs.vh"
`include "nezha_flow.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam [4:0] DR_OVERSIZE     = NZ_DROP_REASON_OVERSIZE[4:0];
    localparam [4:0] DR_UNKNOWN_VNIC = NZ_DROP_REASON_UNKNOWN_VNIC[4:0];
    localparam [7:0] CK8_REQUEST     = NZ_CONTEXT_KIND_REQUEST[7:0];
    localparam [7:0] CK8_VERDICT     = NZ_CONTEXT_KIND_VERDICT[7:0];
    localparam [7:0] CK8_PREPLY      = NZ_CONTEXT_KIND_PROBE_REPLY[7:0];
    localparam [1:0] AT_DELIVER      = NZ_ACTION_TYPE_DELIVER[1:0];
    localparam [1:0] AT_ENCAP        = NZ_ACTION_TYPE_ENCAP[1:0];
    localparam [1:0] AT_ENCAP_GENEVE = NZ_ACTION_TYPE_ENCAP_GENEVE[1:0];

    initial begin
        if (ACT_W != NZ_ACT_W || USER_W < VNIC_W + 2) begin
            $error("fp_result: ACT_W must be NZ_ACT_W, USER_W at least VNIC_W + 2 (instance %m)");
            $finish;
        end
    end

    // the edit command in compact form
    reg              res_cmd;       // an edit command is issued (the frame is stored)
    reg              res_drop;
    reg              res_dest;
    reg [USER_W-1:0] res_user;
    reg [15:0]       res_strip;
    reg [15:0]       res_end;       // the editor keeps frame[strip..end)
    reg [1:0]        res_ecn;       // ECN e: the outer TOS of a tunnel header, the ECN of a DELIVER's IP header
    reg [95:0]       res_ip_head;   // DELIVER: the IP header's first 12 bytes (ECN and checksum set by the slot)
    reg [2:0]        res_kind;
    reg [47:0]       res_mac_a, res_mac_b;
    reg [31:0]       res_ip_a, res_ip_b;
    reg [23:0]       res_vni;
    reg              res_geneve;    // ENCAP tunnel type: 0 VXLAN, 1 Geneve
    reg [15:0]       res_sport, res_plen;
    reg [31:0]       res_cx_w0;     // context option word 0: KIND, FLAGS, VNIC, VERSION
    reg [31:0]       res_cx_be, res_cx_vtep;
    reg [47:0]       res_cx_mac;
    reg [7:0]        res_cx_act;

    wire slot0_free, slot1_free;
    assign emit_now = !res_cmd || (port_r ? slot1_free : slot0_free);

    // A vNIC index from a table (8 bits) that names an enabled vNIC
    function vnic_ok8;
        input [7:0]        j;
        input [N_VNIC-1:0] en;
        begin
            vnic_ok8 = ((j >> VNIC_W) == 8'd0) && en[j[VNIC_W-1:0]];
        end
    endfunction

    task set_drop;
        input [4:0] reason;
        input       stored;
        begin
            res_cmd         <= stored;
            res_drop        <= 1'b1;
            res_dest        <= 1'b0;
            res_user        <= {USER_W{1'b0}};
            res_strip       <= 16'd0;
            res_kind        <= NZ_EK_NONE;
            res_drop_reason <= reason;
        end
    endtask

    // DELIVER: Ethernet ++ the IP header's first 12 bytes (ECN e, checksum: edit_cmd_slot) ++ the rest of the
    // IP packet; longer than VM_MTU -> OVERSIZE. vNIC TX counts the padded length (at least 60 bytes).
    task set_deliver;
        input [VNIC_W-1:0] j;
        begin
            if (!b_fit_dl) begin
                set_drop(DR_OVERSIZE, stored_r);
            end else begin
                res_cmd     <= 1'b1;
                res_drop    <= 1'b0;
                res_dest    <= 1'b1;
                res_user    <= {{(USER_W - VNIC_W){1'b0}}, j};
                res_strip   <= b_l3off + 16'd12;
                res_end     <= b_ip_end;
                res_kind    <= NZ_EK_DELIVER;
                res_mac_a   <= vnic_mac[j*48 +: 48];
                res_ip_head <= b_ip_head;
                res_ecn     <= b_ecn;
                res_tx_v    <= 1'b1;
                res_tx_vnic <= j;
                res_tx_len  <= (b_iplen < 16'd46) ? 16'd60 : b_iplen + 16'd14;
            end
        end
    endtask

    // ENCAP / ENCAP_GENEVE of the IP packet (outer TOS = e); longer than MTU -> OVERSIZE.
    task set_encap;
        input [31:0] vtep;
        input [47:0] mac;
        input        geneve;
        input [13:0] h;
        begin
            if (!b_fit_en) begin
                set_drop(DR_OVERSIZE, stored_r);
            end else begin
                res_cmd    <= 1'b1;
                res_drop   <= 1'b0;
                res_dest   <= 1'b0;
                res_user   <= {USER_W{1'b0}};
                res_strip  <= b_l3off;
                res_end    <= b_ip_end;
                res_kind   <= NZ_EK_ENCAP;
                res_mac_a  <= mac;
                res_mac_b  <= b_eth_src;
                res_ip_a   <= vtep;
                res_vni    <= vni_r;
                res_geneve <= geneve;
                res_sport  <= {2'b11, h};
                res_plen   <= b_iplen;
                res_ecn    <= b_ecn;
            end
        end
    endtask

    // the context packet fields common to REDIRECT and VERDICT (the IP packet, behind a Geneve context header)
    task set_ctx;
        input [31:0] dst;
        input [15:0] sport;
        begin
            res_cmd    <= 1'b1;
            res_drop   <= 1'b0;
            res_dest   <= 1'b0;
            res_user   <= {USER_W{1'b0}};
            res_strip  <= b_l3off;
            res_end    <= b_ip_end;
            res_kind   <= NZ_EK_CTX;
            res_mac_a  <= b_eth_dst;
            res_mac_b  <= b_eth_src;
            res_ip_a   <= dst;
            res_vni    <= vni_r;
            res_geneve <= 1'b1;
            res_sport  <= sport;
            res_plen   <= b_iplen;
            res_ecn    <= b_ecn;
        end
    endtask

    wire [3:0]       rs_op     = sp_done ? sp_op : ctl_op;
    wire [4:0]       rs_reason = sp_done ? sp_reason : ctl_reason;
    wire             rs_stored = sp_done ? stored_r : ctl_stored;
    wire [ACT_W-1:0] rs_act    = sp_done ? sp_act : ctl_act;
    wire [13:0]      rs_h      = sp_done ? sp_h : ctl_h;
    wire [1:0]       act_type  = rs_act[NZ_ACT_TYPE +: 2];
    wire unused_fwd = &{1'b0, fwd_r[NZ_ACT_VNIC +: 8]};     // a VERDICT carries the forward action's VTEP and MAC

    task set_arp;
        input [47:0]       mac;
        input [VNIC_W-1:0] v;       // s
        input [15:0]       len;
        input [47:0]       sha;
        input [31:0]       tpa;
        input [31:0]       spa;
        begin
            res_cmd     <= 1'b1;
            res_drop    <= 1'b0;
            res_dest    <= 1'b1;
            res_user    <= {{(USER_W - VNIC_W){1'b0}}, v};
            res_strip   <= len;
            res_end     <= 16'hFFFF;
            res_kind    <= NZ_EK_ARP;
            res_mac_a   <= mac;
            res_mac_b   <= sha;
            res_ip_a    <= tpa;
            res_ip_b    <= spa;
            res_arp     <= 1'b1;
            res_tx_v    <= 1'b1;
            res_tx_vnic <= v;
            res_tx_len  <= 16'd60;
        end
    endtask

    always @(posedge clk) begin
        if (rst) begin
            res_cmd         <= 1'b0;
            res_drop        <= 1'b0;
            res_dest        <= 1'b0;
            res_user        <= {USER_W{1'b0}};
            res_strip       <= 16'd0;
            res_end         <= 16'd0;
            res_ecn         <= 2'd0;
            res_ip_head     <= 96'd0;
            res_kind        <= NZ_EK_NONE;
            res_mac_a       <= 48'd0;
            res_mac_b       <= 48'd0;
            res_ip_a        <= 32'd0;
            res_ip_b        <= 32'd0;
            res_vni         <= 24'd0;
            res_geneve      <= 1'b0;
            res_sport       <= 16'd0;
            res_plen        <= 16'd0;
            res_cx_w0       <= 32'd0;
            res_cx_be       <= 32'd0;
            res_cx_vtep     <= 32'd0;
            res_cx_mac      <= 48'd0;
            res_cx_act      <= 8'd0;
            res_drop_reason <= 5'd0;
            res_exc_reason  <= 2'd0;
            res_arp         <= 1'b0;
            res_tx_v        <= 1'b0;
            res_tx_vnic     <= {VNIC_W{1'b0}};
            res_tx_len      <= 16'd0;
            res_redirect    <= 1'b0;
            res_vtx         <= 1'b0;
            res_prtx        <= 1'b0;
        end else begin
            if (handoff) begin
                res_drop_reason <= 5'd0;
                res_exc_reason  <= 2'd0;
                res_arp         <= 1'b0;
                res_tx_v        <= 1'b0;
                res_redirect    <= 1'b0;
                res_vtx         <= 1'b0;
                res_prtx        <= 1'b0;
            end
            case (rs_op)
                FP_RS_DROP: set_drop(rs_reason, rs_stored);
                FP_RS_EXC: begin
                    res_cmd        <= 1'b1;
                    res_drop       <= 1'b0;
                    res_dest       <= 1'b1;
                    res_user       <= {{(USER_W - VNIC_W - 2){1'b0}}, pre_exc, pre_exc_vnic};
                    res_strip      <= 16'd0;
                    res_end        <= 16'hFFFF;
                    res_kind       <= NZ_EK_NONE;
                    res_exc_reason <= pre_exc;
                end
                FP_RS_ARP:     set_arp(pre_arp_mac, f_vnic, f_len, p_arp_sha, p_arp_tpa, p_arp_spa);
                FP_RS_ARP_MAP: set_arp(mp_resp_mac, vnic_r, len_r, b_arp_sha, b_arp_tpa, b_arp_spa);
                FP_RS_ACTION: begin
                    // ENCAP / ENCAP_GENEVE; DELIVER; DELIVER to a disabled vNIC or NONE -> UNKNOWN_VNIC
                    if (act_type == AT_ENCAP || act_type == AT_ENCAP_GENEVE)
                        set_encap(rs_act[NZ_ACT_VTEP +: 32], rs_act[NZ_ACT_MAC +: 48], act_type == AT_ENCAP_GENEVE, rs_h);
                    else if (act_type == AT_DELIVER && vnic_ok8(rs_act[NZ_ACT_VNIC +: 8], ven))
                        set_deliver(rs_act[NZ_ACT_VNIC +: VNIC_W]);
                    else
                        set_drop(DR_UNKNOWN_VNIC, stored_r);
                end
                FP_RS_REDIRECT: begin
                    set_ctx(ctl_ip, {2'b11, rs_h});
                    res_cx_w0    <= {CK8_REQUEST, 6'd0, !port_r && b_geneve, port_r,
                                     {(8 - VNIC_W){1'b0}}, attr_r, ol_version[attr_r*8 +: 8]};
                    res_cx_be    <= cfg_vtep_ip;
                    res_cx_vtep  <= port_r ? 32'd0 : b_outer_sip;
                    res_cx_mac   <= 48'd0;
                    res_cx_act   <= 8'd0;
                    res_redirect <= 1'b1;
                end
                FP_RS_VERDICT: begin
                    if (!b_fit_cx) begin
                        set_drop(DR_OVERSIZE, stored_r);
                    end else begin
                        set_ctx(b_outer_sip, b_udp_sport);
                        res_cx_w0   <= {CK8_VERDICT, b_ctx_flags, b_ctx_vnic, b_ctx_version};
                        res_cx_be   <= b_ctx_be_id;
                        res_cx_vtep <= b_ctx_flags[0] ? fwd_r[NZ_ACT_VTEP +: 32] : b_ctx_vtep;
                        res_cx_mac  <= b_ctx_flags[0] ? fwd_r[NZ_ACT_MAC +: 48] : 48'd0;
                        res_cx_act  <= b_ctx_flags[0] ? {6'd0, fwd_r[NZ_ACT_TYPE +: 2]} : 8'd0;
                        res_vtx     <= 1'b1;
                    end
                end
                FP_RS_PREPLY: begin
                    res_cmd     <= 1'b1;
                    res_drop    <= 1'b0;
                    res_dest    <= 1'b0;
                    res_user    <= {USER_W{1'b0}};
                    res_strip   <= f_len;
                    res_end     <= 16'hFFFF;
                    res_ecn     <= 2'd0;
                    res_kind    <= NZ_EK_CTX;
                    res_mac_a   <= 48'd0;
                    res_mac_b   <= 48'd0;
                    res_ip_a    <= p_outer_sip;
                    res_vni     <= 24'd0;
                    res_geneve  <= 1'b1;
                    res_sport   <= p_udp_sport;
                    res_plen    <= 16'd0;
                    res_cx_w0   <= {CK8_PREPLY, p_ctx_flags, p_ctx_vnic, p_ctx_version};
                    res_cx_be   <= p_ctx_be_id;
                    res_cx_vtep <= p_ctx_vtep;
                    res_cx_mac  <= p_ctx_mac;
                    res_cx_act  <= p_ctx_act;
                    res_prtx    <= 1'b1;
                end
                default: ;
            endcase
        end
    end

    // ------------------------------------------------------------------ edit command slots
    wire slot0_valid, slot1_valid;
    assign c0_valid = slot0_valid;
    assign c1_valid = slot1_valid;

    edit_cmd_slot #(.USER_W(USER_W), .HDR_MAX(HDR_MAX)) u_slot0 (
        .clk(clk), .rst(rst),
        .cfg_nic_mac(cfg_nic_mac), .cfg_nh_mac(cfg_nh_mac), .cfg_gw_mac(cfg_gw_mac), .cfg_vtep_ip(cfg_vtep_ip),
        .free(slot0_free), .load(emit && res_cmd && !port_r),
        .ld_drop(res_drop), .ld_dest(res_dest), .ld_user(res_user), .ld_strip(res_strip), .ld_end(res_end),
        .ld_ecn(res_ecn), .ld_ip_head(res_ip_head), .ld_kind(res_kind), .ld_mac_a(res_mac_a),
        .ld_mac_b(res_mac_b), .ld_ip_a(res_ip_a), .ld_ip_b(res_ip_b), .ld_vni(res_vni), .ld_geneve(res_geneve),
        .ld_sport(res_sport), .ld_plen(res_plen), .ld_cx_w0(res_cx_w0), .ld_cx_be(res_cx_be),
        .ld_cx_vtep(res_cx_vtep), .ld_cx_mac(res_cx_mac), .ld_cx_act(res_cx_act),
        .cmd_valid(slot0_valid), .cmd_ready(c0_ready), .cmd_drop(c0_drop), .cmd_dest(c0_dest),
        .cmd_user(c0_user), .cmd_hdr_len(c0_hdr_len), .cmd_hdr(c0_hdr), .cmd_strip(c0_strip), .cmd_end(c0_end)
    );

    edit_cmd_slot #(.USER_W(USER_W), .HDR_MAX(HDR_MAX)) u_slot1 (
        .clk(clk), .rst(rst),
        .cfg_nic_mac(cfg_nic_mac), .cfg_nh_mac(cfg_nh_mac), .cfg_gw_mac(cfg_gw_mac), .cfg_vtep_ip(cfg_vtep_ip),
        .free(slot1_free), .load(emit && res_cmd && port_r),
        .ld_drop(res_drop), .ld_dest(res_dest), .ld_user(res_user), .ld_strip(res_strip), .ld_end(res_end),
        .ld_ecn(res_ecn), .ld_ip_head(res_ip_head), .ld_kind(res_kind), .ld_mac_a(res_mac_a),
        .ld_mac_b(res_mac_b), .ld_ip_a(res_ip_a), .ld_ip_b(res_ip_b), .ld_vni(res_vni), .ld_geneve(res_geneve),
        .ld_sport(res_sport), .ld_plen(res_plen), .ld_cx_w0(res_cx_w0), .ld_cx_be(res_cx_be),
        .ld_cx_vtep(res_cx_vtep), .ld_cx_mac(res_cx_mac), .ld_cx_act(res_cx_act),
        .cmd_valid(slot1_valid), .cmd_ready(c1_ready), .cmd_drop(c1_drop), .cmd_dest(c1_dest),
        .cmd_user(c1_user), .cmd_hdr_len(c1_hdr_len), .cmd_hdr(c1_hdr), .cmd_strip(c1_strip), .cmd_end(c1_end)
    );
endmodule

`resetall
