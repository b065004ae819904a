// Codes shared by the flow processor's stage modules (rtl/flow/fp_*.v). Include inside a module body.
// Pre-session verdicts (fp_classify -> fp_control)
localparam [2:0] FP_P_DROP      = 3'd0,   // dropped (pre_drop; RUNT ... L4 drop)
                 FP_P_EXC       = 3'd1,   // exception to the host (pre_exc)
                 FP_P_ARP_REPLY = 3'd2,   // ARP responder: answer with pre_arp_mac
                 FP_P_ARP_MAP   = 3'd3,   // ARP responder: mapping lookup of TPA first
                 FP_P_SESSION   = 3'd4,   // the session stage
                 FP_P_PREPLY    = 3'd5,   // PROBE: answer with a PROBE_REPLY
                 FP_P_CONSUME   = 3'd6,   // PROBE_REPLY: liveness refresh, discard
                 FP_P_FE        = 3'd7;   // REQUEST accepted: the FE slow path
// Slow-path starts (fp_control -> fp_slowpath)
localparam [2:0] FP_SK_ARP       = 3'd0,  // ARP responder: mapping lookup of TPA (hand-off)
                 FP_SK_NEW       = 3'd1,  // session miss: route, mapping, ACLs, insert
                 FP_SK_RECOMPUTE = 3'd2,  // compact hit from the host port: route, mapping, no insert
                 FP_SK_VERDICT   = 3'd3,  // VERDICT miss: the context's actions, insert
                 FP_SK_FE        = 3'd4;  // accepted REQUEST: route, mapping, ACLs, VERDICT (hand-off)
// Result operations (fp_control, fp_slowpath -> fp_result): the one decision of a frame
localparam [3:0] FP_RS_NONE     = 4'd0,
                 FP_RS_DROP     = 4'd1,   // drop (rs_reason), an edit command if rs_stored
                 FP_RS_EXC      = 4'd2,   // exception pre_exc of vNIC pre_exc_vnic to the host (hand-off)
                 FP_RS_ARP      = 4'd3,   // ARP reply with pre_arp_mac to the front-stage frame (hand-off)
                 FP_RS_ARP_MAP  = 4'd4,   // ARP reply with the mapping's MAC to the back-stage frame
                 FP_RS_ACTION   = 4'd5,   // forward with session action rs_act (rs_h: hash for the UDP port)
                 FP_RS_REDIRECT = 4'd6,   // REQUEST context to the FE rs_ip
                 FP_RS_VERDICT  = 4'd7,   // VERDICT back to the BE
                 FP_RS_PREPLY   = 4'd8;   // PROBE_REPLY to the prober (hand-off, parser outputs)
