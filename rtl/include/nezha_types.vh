// Shared bit layouts of the Nezha datapath (see docs/rtl-interfaces.md). Include inside a module body.
// Session key (128 bits, MSB first = hash byte order): {vni[23:0], proto[7:0], lo_ip, hi_ip, lo_port, hi_port}
localparam integer NZ_KEY_W      = 128;
// Session action (90 bits): {mac[47:0], vtep[31:0], vnic[7:0], type[1:0]}; type 0 NONE, 1 DELIVER,
// 2 ENCAP (VXLAN), 3 ENCAP_GENEVE
localparam integer NZ_ACT_W      = 90;
localparam integer NZ_ACT_TYPE   = 0;   // [1:0]
localparam integer NZ_ACT_VNIC   = 2;   // [9:2]
localparam integer NZ_ACT_VTEP   = 10;  // [41:10]
localparam integer NZ_ACT_MAC    = 42;  // [89:42]
// Session entry (401 bits), LSB first
localparam integer NZ_E_VALID    = 0;
localparam integer NZ_E_INITDIR  = 1;
localparam integer NZ_E_EST      = 2;
localparam integer NZ_E_FIN0     = 3;
localparam integer NZ_E_FIN1     = 4;
localparam integer NZ_E_TS       = 5;   // [20:5]
localparam integer NZ_E_PKTS     = 21;  // [52:21]
localparam integer NZ_E_BYTES    = 53;  // [92:53]  (40 bits)
localparam integer NZ_E_ACT0     = 93;  // [182:93]
localparam integer NZ_E_ACT1     = 183; // [272:183]
localparam integer NZ_E_KEY      = 273; // [400:273]
localparam integer NZ_ENTRY_W    = 401;
// Session storage half (221 bits): a full entry is stored as half 0 = {key, entry[92:0]} and half 1 =
// {41'b0, entry[272:93]} (the two actions); a compact entry (key and state, no actions) is one half laid out
// like half 0: [92:0] as the entry's, key at [220:93]
localparam integer NZ_HALF_W     = 221;
localparam integer NZ_H_KEY      = 93;  // [220:93]
// ACL rule (151 bits), LSB first; prefixes are stored masked to their length
localparam integer NZ_R_VALID    = 0;
localparam integer NZ_R_DIR      = 1;   // 0 ingress, 1 egress
localparam integer NZ_R_ALLOW    = 2;
localparam integer NZ_R_PROTO    = 3;   // [10:3], 0 = any
localparam integer NZ_R_SRC      = 11;  // [42:11]
localparam integer NZ_R_SRCLEN   = 43;  // [48:43]
localparam integer NZ_R_DST      = 49;  // [80:49]
localparam integer NZ_R_DSTLEN   = 81;  // [86:81]
localparam integer NZ_R_SPLO     = 87;  // [102:87]
localparam integer NZ_R_SPHI     = 103; // [118:103]
localparam integer NZ_R_DPLO     = 119; // [134:119]
localparam integer NZ_R_DPHI     = 135; // [150:135]
localparam integer NZ_RULE_W     = 151;
// Edit command kinds (flow processor -> edit_cmd_slot): what the slot builds the header from
localparam [2:0] NZ_EK_NONE    = 3'd0;  // no header: drop, or forward unchanged (exception)
localparam [2:0] NZ_EK_DELIVER = 3'd1;  // Ethernet to the VM + the IP header's first 12 bytes (26 bytes)
localparam [2:0] NZ_EK_ENCAP   = 3'd2;  // VXLAN / Geneve tunnel header (64 bytes)
localparam [2:0] NZ_EK_ARP     = 3'd3;  // ARP reply (60 bytes, replaces the frame)
localparam [2:0] NZ_EK_CTX     = 3'd4;  // Geneve header with the Nezha context option (88 bytes)
// Nezha context option header (docs/nezha-offload.md section 3): class 0xFF4E, type 0x01, R 0, length 5
localparam [31:0] NZ_CTX_OPT_HDR = 32'hFF4E0105;
