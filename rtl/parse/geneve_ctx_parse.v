`resetall
`default_nettype none

// geneve_ctx_parse: recognises and decodes the Nezha context option (docs/nezha-offload.md section 3) at the
// start of a Geneve option area. Purely combinational (latency 0); hdr_parser uses it in its stage 2.
//   opt     the 24 bytes at t + 8 (t = Geneve header offset), byte i at [8i+7:8i]; bytes past the option
//           area are don't-care (need() already guarantees bytes [t, t + 8 + 4*optlen) are in the frame)
//   optlen  the Geneve header's option length in 4-byte words
//   en      the frame is a Geneve frame to this VTEP whose base header passed its checks
// is_ctx: en, optlen >= 1, option class 0xFF4E and type 0x01 (the first option is the context).
// bad (only with is_ctx; the frame is dropped CTX_BAD): optlen < 6 (the option does not fit in the option
// area), the length byte (R, length) != 0x05, KIND not 1..4, or an egress VERDICT (DIR = 1) whose ACT is not
// 2 (ENCAP) or 3 (ENCAP_GENEVE).
// Data fields (bytes 4.. of the option, network order): KIND, FLAGS, VNIC, VERSION, BE_ID, VTEP, MAC, ACT.
module geneve_ctx_parse (
    input  wire [191:0] opt,
    input  wire [5:0]   optlen,
    input  wire         en,
    output wire         is_ctx,
    output wire         bad,
    output wire [2:0]   kind,        // 1 REQUEST, 2 VERDICT, 3 PROBE, 4 PROBE_REPLY (valid when !bad)
    output wire [7:0]   flags,       // bit 0 DIR (1 egress), bit 1 TUN (1 Geneve)
    output wire [7:0]   vnic,
    output wire [7:0]   version,
    output wire [31:0]  be_id,
    output wire [31:0]  vtep,
    output wire [47:0]  mac,
    output wire [7:0]   act
);
    // byte i of the option (wire order)
    wire [7:0] ob [0:23];
    genvar i;
    generate
        for (i = 0; i < 24; i = i + 1) begin : g_b
            assign ob[i] = opt[8*i +: 8];
        end
    endgenerate

    wire [15:0] cls    = {ob[0], ob[1]};
    wire [7:0]  typ    = ob[2];
    wire [7:0]  lenb   = ob[3];
    wire [7:0]  kind8  = ob[4];

    assign is_ctx  = en && (optlen != 6'd0) && (cls == 16'hFF4E) && (typ == 8'h01);
    assign flags   = ob[5];
    assign vnic    = ob[6];
    assign version = ob[7];
    assign be_id   = {ob[8], ob[9], ob[10], ob[11]};
    assign vtep    = {ob[12], ob[13], ob[14], ob[15]};
    assign mac     = {ob[16], ob[17], ob[18], ob[19], ob[20], ob[21]};
    assign act     = ob[22];
    assign kind    = kind8[2:0];

    wire kind_ok = (kind8 >= 8'd1) && (kind8 <= 8'd4);
    wire act_bad = (kind8 == 8'd2) && flags[0] && (act != 8'd2) && (act != 8'd3);
    assign bad   = is_ctx && ((optlen < 6'd6) || (lenb != 8'h05) || !kind_ok || act_bad);

    wire unused_ok = &{1'b0, ob[23]};
endmodule

`resetall
