`resetall
`default_nettype none

// fp_slowpath: the rule engine of the flow processor's back stage (datapath-spec 4.6, 4.7; nezha-offload 4):
// route LPM, mapping lookup, ACL scans (acl_engine), insert, for one frame at a time, started by fp_control.
//
// Start (sp_start with sp_kind, in fp_control's decision cycle; the context registers load at its end):
//   NEW        a session miss: host port -> route of the destination (rev = DELIVER(s)); net port -> the
//              reverse-path check (route / mapping of the inner source must give the outer source; fwd =
//              DELIVER(d), rev = ENCAP back to the outer source in the tunnel the frame came in)
//   RECOMPUTE  a compact hit from the host port: route / mapping again, no egress ACL, no insert (est_r)
//   VERDICT    a VERDICT miss (BE): the context's actions; a hairpin (egress to VTEP_IP) first scans the local
//              target's ingress ACL; inserted unless a TCP RST (then decided in the start cycle)
//   FE         an accepted REQUEST: the copy's route (DIR = 1) or the reverse-path check against the context's
//              VTEP (DIR = 0), ACLs, then the VERDICT (no insert)
//   ARP        the ARP responder's mapping lookup of TPA in s's VNI
// States: S_RT (route in flight: answer 2 cycles after rt_req_valid), S_MP (mapping: 3 cycles), S_ACL1
// (egress ACL of s, or the ingress ACL of d / the copy), S_ACL2 (ingress ACL of a local target j), S_INS_ISSUE
// / S_INS_WAIT (insert: fp_session), S_ARP (the ARP mapping lookup).
// Done (sp_done, combinational, in the cycle of the frame's decision; sp_op and its arguments go to
// fp_result): a drop (NO_ROUTE, ROUTE_DROP, NO_MAPPING, UNKNOWN_VNIC, ACL_DENY, VTEP_SPOOF, ARP_UNKNOWN), the
// forward action (ACTION fwd_r, after the insert or right after the ACLs for a RST / a recompute), the VERDICT
// (FE), an ARP reply from the mapping.
// slow_cnt (SLOW, ev_slow_cycles) counts the cycles in S_RT .. S_INS_WAIT, from the one after the miss up to
// and including the deciding cycle; cleared at the hand-off. Requests (rt_req_valid, mp_req_valid, acl_go)
// are registered: they are high in the cycle after the decision that needs them.
// An FE copy never delivers: a LOCAL route or a mapping to this VTEP gives ENCAP(VTEP_IP, MAC) as its action.
module fp_slowpath #(
    parameter VNIC_W = 4,               // log2 of the number of vNICs
    // derived: do not override
    parameter N_VNIC = 1 << VNIC_W,
    parameter ACT_W  = 90               // NZ_ACT_W
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire [31:0]              cfg_vtep_ip,
    input  wire [N_VNIC-1:0]        ven,
    input  wire [N_VNIC*48-1:0]     vnic_mac,
    input  wire [N_VNIC*8-1:0]      vnic_acl,
    // start (fp_control)
    input  wire                     handoff,        // a new frame: clears est, rv, b_fe, slow_cnt
    input  wire                     sp_start,
    input  wire [2:0]               sp_kind,        // FP_SK_*
    input  wire                     h_load,         // lk_done: h_r = lk_hash
    input  wire [13:0]              lk_hash,
    input  wire                     mq_found,       // fp_classify's (VNI, MAC) search (bk_mq in S_MP)
    input  wire [VNIC_W-1:0]        mq_idx,
    output wire                     st_mp,
    // hand-off-cycle inputs (FE, ARP)
    input  wire [23:0]              pre_vni,
    input  wire [23:0]              s_vni,
    input  wire                     p_ctx_dir,
    input  wire [31:0]              p_ctx_vtep,
    input  wire [31:0]              p_sip,
    input  wire [31:0]              p_dip,
    input  wire [31:0]              p_arp_tpa,
    // the back-stage frame (fp_record)
    input  wire                     port_r,
    input  wire                     rstf_r,
    input  wire [VNIC_W-1:0]        vnic_r,
    input  wire [VNIC_W-1:0]        attr_r,
    input  wire [23:0]              vni_r,
    input  wire [31:0]              b_sip,
    input  wire [31:0]              b_dip,
    input  wire [47:0]              b_eth_dst,
    input  wire [47:0]              b_eth_src,
    input  wire [31:0]              b_outer_sip,
    input  wire                     b_geneve,
    input  wire [1:0]               b_ctx_flags,    // DIR, GENEVE
    input  wire [7:0]               b_ctx_act,
    input  wire [31:0]              b_ctx_vtep,
    input  wire [47:0]              b_ctx_mac,
    // tables and engines
    output reg                      rt_req_valid,
    output reg                      mp_req_valid,
    output reg  [23:0]              req_vni,
    output reg  [31:0]              req_ip,
    input  wire                     rt_resp_valid,
    input  wire                     rt_resp_hit,
    input  wire [1:0]               rt_resp_type,
    input  wire                     rt_resp_geneve,
    input  wire [31:0]              rt_resp_value,
    input  wire                     mp_resp_valid,
    input  wire                     mp_resp_hit,
    input  wire [31:0]              mp_resp_vtep,
    input  wire [47:0]              mp_resp_mac,
    input  wire                     mp_resp_geneve,
    output reg                      acl_go,
    output reg  [7:0]               acl_set,
    output reg                      acl_dir,
    input  wire                     acl_done,
    input  wire                     acl_allow,
    output wire                     st_ins_issue,
    input  wire                     ins_valid,
    input  wire                     ins_done,
    // decision
    output reg                      sp_done,
    output reg  [3:0]               sp_op,          // FP_RS_*
    output reg  [4:0]               sp_reason,
    output reg  [ACT_W-1:0]         sp_act,
    output reg  [13:0]              sp_h,
    // context (fp_session, fp_result, fp_retire)
    output reg  [ACT_W-1:0]         fwd_r,          // the action of the frame's direction
    output reg  [ACT_W-1:0]         rev_r,          // ... and of the other direction
    output reg                      local_v_r,      // a local target (local_r) was found
    output reg  [15:0]              slow_cnt
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
`include "nezha_regs.vh"
`include "nezha_flow.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam [2:0] S_IDLE = 3'd0, S_ARP = 3'd1, S_RT = 3'd2, S_MP = 3'd3, S_ACL1 = 3'd4, S_ACL2 = 3'd5,
                     S_INS_ISSUE = 3'd6, S_INS_WAIT = 3'd7;
    localparam [4:0] DR_UNKNOWN_VNIC = NZ_DROP_REASON_UNKNOWN_VNIC[4:0];
    localparam [4:0] DR_NO_ROUTE     = NZ_DROP_REASON_NO_ROUTE[4:0];
    localparam [4:0] DR_ROUTE_DROP   = NZ_DROP_REASON_ROUTE_DROP[4:0];
    localparam [4:0] DR_NO_MAPPING   = NZ_DROP_REASON_NO_MAPPING[4:0];
    localparam [4:0] DR_ACL_DENY     = NZ_DROP_REASON_ACL_DENY[4:0];
    localparam [4:0] DR_ARP_UNKNOWN  = NZ_DROP_REASON_ARP_UNKNOWN[4:0];
    localparam [4:0] DR_VTEP_SPOOF   = NZ_DROP_REASON_VTEP_SPOOF[4:0];
    localparam [1:0] RT_DROP         = NZ_ROUTE_TYPE_DROP[1:0];
    localparam [1:0] RT_LOCAL        = NZ_ROUTE_TYPE_LOCAL[1:0];
    localparam [1:0] RT_VTEP         = NZ_ROUTE_TYPE_VTEP[1:0];
    localparam [1:0] RT_MAPPED       = NZ_ROUTE_TYPE_MAPPED[1:0];
    localparam [1:0] AT_DELIVER      = NZ_ACTION_TYPE_DELIVER[1:0];
    localparam [1:0] AT_ENCAP        = NZ_ACTION_TYPE_ENCAP[1:0];
    localparam [1:0] AT_ENCAP_GENEVE = NZ_ACTION_TYPE_ENCAP_GENEVE[1:0];

    initial begin
        if (ACT_W != NZ_ACT_W) begin
            $error("fp_slowpath: ACT_W must be NZ_ACT_W (instance %m)");
            $finish;
        end
    end

    reg [2:0]        state;
    reg [13:0]       h_r;           // session hash H[13:0] (ENCAP UDP source port)
    reg              est_r;         // a compact hit's recompute (no egress ACL, no insert)
    reg              b_fe;          // an accepted REQUEST (FE): ends with the VERDICT
    reg [VNIC_W-1:0] local_r;
    reg              rv_r;          // reverse-path check: the route / mapping must give rv_vtep_r
    reg [31:0]       rv_vtep_r;

    assign st_mp        = (state == S_MP);
    assign st_ins_issue = (state == S_INS_ISSUE);
    wire   in_slow      = (state != S_IDLE) && (state != S_ARP);

    function [ACT_W-1:0] act_deliver;
        input [VNIC_W-1:0] j;
        begin
            act_deliver = {48'd0, 32'd0, {(8 - VNIC_W){1'b0}}, j, AT_DELIVER};
        end
    endfunction

    // ENCAP (VXLAN) or ENCAP_GENEVE: the tunnel type lives in the action type
    function [ACT_W-1:0] act_encap;
        input [31:0] vtep;
        input [47:0] mac;
        input        geneve;
        begin
            act_encap = {mac, vtep, 8'd0, geneve ? AT_ENCAP_GENEVE : AT_ENCAP};
        end
    endfunction

    // the forward action of an egress VERDICT that is not a hairpin
    wire [ACT_W-1:0] vd_fwd = {b_ctx_mac, b_ctx_vtep, 8'd0, (b_ctx_act == 8'd3) ? AT_ENCAP_GENEVE : AT_ENCAP};

    // ------------------------------------------------------------------ next state
    reg [2:0]        state_n;
    reg [13:0]       h_n;
    reg [ACT_W-1:0]  fwd_n, rev_n;
    reg              local_v_n, est_n, b_fe_n, rv_n, acl_go_n, acl_dir_n, rt_req_n, mp_req_n;
    reg [VNIC_W-1:0] local_n;
    reg [7:0]        acl_set_n;
    reg [23:0]       req_vni_n;
    reg [31:0]       req_ip_n, rv_vtep_n;
    reg [15:0]       slow_n;

    task decide;
        input [3:0]       op;
        input [4:0]       reason;
        input [ACT_W-1:0] act;
        input [13:0]      h;
        begin
            sp_done   = 1'b1;
            sp_op     = op;
            sp_reason = reason;
            sp_act    = act;
            sp_h      = h;
            state_n   = S_IDLE;
        end
    endtask

    task drop;
        input [4:0] reason;
        begin
            decide(FP_RS_DROP, reason, {ACT_W{1'b0}}, h_r);
        end
    endtask

    // one ACL set scan, starting in the next cycle
    task start_acl;
        input [7:0] sel;
        input       dir;
        input [2:0] st;
        begin
            acl_go_n  = 1'b1;
            acl_set_n = sel;
            acl_dir_n = dir;
            state_n   = st;
        end
    endtask

    task route;
        input [23:0] vni;
        input [31:0] ip;
        begin
            rt_req_n  = 1'b1;
            req_vni_n = vni;
            req_ip_n  = ip;
            state_n   = S_RT;
        end
    endtask

    // The host slow path found its action `fwd` (local target j if `loc`): the egress ACL of the frame's
    // vNIC; a compact hit's recompute (est_r) skips it and goes to the local target's ingress ACL, or forwards.
    task egress_acl;
        input              loc;
        input [VNIC_W-1:0] j;
        input [ACT_W-1:0]  fwd;
        begin
            if (!est_r)
                start_acl(vnic_acl[vnic_r*8 +: 8], 1'b1, S_ACL1);
            else if (loc)
                start_acl(vnic_acl[j*8 +: 8], 1'b0, S_ACL2);
            else
                decide(FP_RS_ACTION, 5'd0, fwd, h_r);
        end
    endtask

    // After the ACL(s) allowed the flow: FE -> VERDICT; else insert (unless RST or a recompute), else forward.
    task acl_allowed;
        begin
            if (b_fe)
                decide(FP_RS_VERDICT, 5'd0, {ACT_W{1'b0}}, h_r);
            else if (rstf_r || est_r)
                decide(FP_RS_ACTION, 5'd0, fwd_r, h_r);
            else
                state_n = S_INS_ISSUE;
        end
    endtask

    wire [VNIC_W-1:0] rt_j = rt_resp_value[VNIC_W-1:0];

    always @* begin
        state_n   = state;
        h_n       = h_load ? lk_hash : h_r;
        fwd_n     = fwd_r;
        rev_n     = rev_r;
        local_v_n = local_v_r;
        est_n     = est_r;
        b_fe_n    = b_fe;
        local_n   = local_r;
        rv_n      = rv_r;
        rv_vtep_n = rv_vtep_r;
        acl_go_n  = 1'b0;
        acl_set_n = acl_set;
        acl_dir_n = acl_dir;
        rt_req_n  = 1'b0;
        mp_req_n  = 1'b0;
        req_vni_n = req_vni;
        req_ip_n  = req_ip;
        slow_n    = (in_slow && slow_cnt != 16'hFFFF) ? slow_cnt + 16'd1 : slow_cnt;
        sp_done   = 1'b0;
        sp_op     = FP_RS_NONE;
        sp_reason = 5'd0;
        sp_act    = {ACT_W{1'b0}};
        sp_h      = h_r;
        if (handoff) begin
            est_n  = 1'b0;
            b_fe_n = 1'b0;
            rv_n   = 1'b0;
            slow_n = 16'd0;
        end

        case (state)
            S_ARP: if (mp_resp_valid) begin
                if (mp_resp_hit)
                    decide(FP_RS_ARP_MAP, 5'd0, {ACT_W{1'b0}}, h_r);
                else
                    drop(DR_ARP_UNKNOWN);
            end

            S_RT: if (rt_resp_valid) begin
                if (rv_r) begin
                    // reverse path: a VTEP route must name the sender, a MAPPED one is looked up; no route,
                    // DROP or LOCAL -> VTEP_SPOOF
                    if (rt_resp_hit && rt_resp_type == RT_VTEP && rt_resp_value == rv_vtep_r) begin
                        start_acl(vnic_acl[attr_r*8 +: 8], 1'b0, S_ACL1);
                    end else if (rt_resp_hit && rt_resp_type == RT_MAPPED) begin
                        mp_req_n = 1'b1;
                        state_n  = S_MP;
                    end else begin
                        drop(DR_VTEP_SPOOF);
                    end
                end else if (!rt_resp_hit) begin
                    drop(DR_NO_ROUTE);
                end else if (rt_resp_type == RT_DROP) begin
                    drop(DR_ROUTE_DROP);
                end else if (rt_resp_type == RT_LOCAL) begin
                    if ((rt_resp_value >> VNIC_W) == 32'd0 && ven[rt_j]) begin
                        fwd_n     = b_fe ? act_encap(cfg_vtep_ip, vnic_mac[rt_j*48 +: 48], rt_resp_geneve)
                                         : act_deliver(rt_j);
                        local_v_n = !b_fe;
                        local_n   = rt_j;
                        egress_acl(!b_fe, rt_j, act_deliver(rt_j));
                    end else begin
                        drop(DR_NO_ROUTE);
                    end
                end else if (rt_resp_type == RT_VTEP) begin
                    fwd_n = act_encap(rt_resp_value, b_eth_dst, rt_resp_geneve);
                    egress_acl(1'b0, {VNIC_W{1'b0}}, act_encap(rt_resp_value, b_eth_dst, rt_resp_geneve));
                end else begin
                    // MAPPED: mapping lookup (VNI, IP dst)
                    mp_req_n = 1'b1;
                    state_n  = S_MP;
                end
            end

            S_MP: if (mp_resp_valid) begin
                if (rv_r) begin
                    if (mp_resp_hit && mp_resp_vtep == rv_vtep_r)
                        start_acl(vnic_acl[attr_r*8 +: 8], 1'b0, S_ACL1);
                    else
                        drop(DR_VTEP_SPOOF);
                end else if (!mp_resp_hit) begin
                    drop(DR_NO_MAPPING);
                end else if (mp_resp_vtep == cfg_vtep_ip && !b_fe) begin
                    if (mq_found) begin
                        fwd_n     = act_deliver(mq_idx);
                        local_v_n = 1'b1;
                        local_n   = mq_idx;
                        egress_acl(1'b1, mq_idx, act_deliver(mq_idx));
                    end else begin
                        drop(DR_UNKNOWN_VNIC);
                    end
                end else begin
                    fwd_n = act_encap(mp_resp_vtep, mp_resp_mac, mp_resp_geneve);
                    egress_acl(1'b0, {VNIC_W{1'b0}}, act_encap(mp_resp_vtep, mp_resp_mac, mp_resp_geneve));
                end
            end

            S_ACL1: if (acl_done) begin
                if (!acl_allow)
                    drop(DR_ACL_DENY);
                else if (local_v_r)
                    start_acl(vnic_acl[local_r*8 +: 8], 1'b0, S_ACL2);
                else
                    acl_allowed;
            end

            S_ACL2: if (acl_done) begin
                if (!acl_allow)
                    drop(DR_ACL_DENY);
                else
                    acl_allowed;
            end

            S_INS_ISSUE: if (ins_valid) state_n = S_INS_WAIT;

            S_INS_WAIT: if (ins_done) decide(FP_RS_ACTION, 5'd0, fwd_r, h_r);

            default: ;
        endcase

        if (sp_start) begin
            case (sp_kind)
                FP_SK_NEW: begin
                    local_v_n = 1'b0;
                    if (port_r) begin
                        rev_n = act_deliver(vnic_r);
                        route(vni_r, b_dip);
                    end else begin
                        // reverse-path check: the route (and mapping) of the inner source, then the ACL
                        fwd_n     = act_deliver(attr_r);
                        rev_n     = act_encap(b_outer_sip, b_eth_src, b_geneve);
                        rv_n      = 1'b1;
                        rv_vtep_n = b_outer_sip;
                        route(vni_r, b_sip);
                    end
                end
                FP_SK_RECOMPUTE: begin
                    est_n     = 1'b1;
                    local_v_n = 1'b0;
                    route(vni_r, b_dip);
                end
                FP_SK_VERDICT: begin
                    // the context's actions, no rule evaluated (but a hairpin's)
                    local_v_n = 1'b0;
                    if (b_ctx_flags[0]) begin
                        rev_n = act_deliver(attr_r);
                        if (b_ctx_vtep == cfg_vtep_ip) begin
                            // hairpin: the target is local; its ingress ACL, then insert
                            if (mq_found) begin
                                fwd_n     = act_deliver(mq_idx);
                                local_v_n = 1'b1;
                                local_n   = mq_idx;
                                start_acl(vnic_acl[mq_idx*8 +: 8], 1'b0, S_ACL2);
                            end else begin
                                decide(FP_RS_DROP, DR_UNKNOWN_VNIC, {ACT_W{1'b0}}, lk_hash);
                            end
                        end else begin
                            fwd_n = vd_fwd;
                            if (rstf_r)
                                decide(FP_RS_ACTION, 5'd0, vd_fwd, lk_hash);
                            else
                                state_n = S_INS_ISSUE;
                        end
                    end else begin
                        fwd_n = act_deliver(attr_r);
                        rev_n = act_encap(b_ctx_vtep, b_eth_src, b_ctx_flags[1]);
                        if (rstf_r)
                            decide(FP_RS_ACTION, 5'd0, act_deliver(attr_r), lk_hash);
                        else
                            state_n = S_INS_ISSUE;
                    end
                end
                FP_SK_FE: begin
                    // REQUEST accepted for copy j (vnic_r from the next cycle): DIR = 1 route of the destination;
                    // DIR = 0 reverse-path check of the source against the context's VTEP, then the ingress ACL
                    b_fe_n    = 1'b1;
                    local_v_n = 1'b0;
                    rv_n      = !p_ctx_dir;
                    rv_vtep_n = p_ctx_vtep;
                    route(pre_vni, p_ctx_dir ? p_dip : p_sip);
                end
                FP_SK_ARP: begin
                    // ARP responder: mapping lookup (VNI of s, TPA)
                    mp_req_n  = 1'b1;
                    req_vni_n = s_vni;
                    req_ip_n  = p_arp_tpa;
                    state_n   = S_ARP;
                end
                default: ;
            endcase
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            state        <= S_IDLE;
            h_r          <= 14'd0;
            fwd_r        <= {ACT_W{1'b0}};
            rev_r        <= {ACT_W{1'b0}};
            local_v_r    <= 1'b0;
            est_r        <= 1'b0;
            b_fe         <= 1'b0;
            local_r      <= {VNIC_W{1'b0}};
            rv_r         <= 1'b0;
            rv_vtep_r    <= 32'd0;
            acl_go       <= 1'b0;
            acl_set      <= 8'd0;
            acl_dir      <= 1'b0;
            rt_req_valid <= 1'b0;
            mp_req_valid <= 1'b0;
            req_vni      <= 24'd0;
            req_ip       <= 32'd0;
            slow_cnt     <= 16'd0;
        end else begin
            state        <= state_n;
            h_r          <= h_n;
            fwd_r        <= fwd_n;
            rev_r        <= rev_n;
            local_v_r    <= local_v_n;
            est_r        <= est_n;
            b_fe         <= b_fe_n;
            local_r      <= local_n;
            rv_r         <= rv_n;
            rv_vtep_r    <= rv_vtep_n;
            acl_go       <= acl_go_n;
            acl_set      <= acl_set_n;
            acl_dir      <= acl_dir_n;
            rt_req_valid <= rt_req_n;
            mp_req_valid <= mp_req_n;
            req_vni      <= req_vni_n;
            req_ip       <= req_ip_n;
            slow_cnt     <= slow_n;
        end
    end
endmodule

`resetall
