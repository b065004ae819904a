`resetall
`default_nettype none

// fe_select: front-end (FE) selection of a back-end vNIC's new flow (docs/nezha-offload.md section 4).
// Purely combinational (latency 0): the flow processor evaluates it in the cycle its session lookup misses.
//   H = the flow's session hash (datapath-spec 4.6, the same for both directions of a flow),
//   n = the group's member count (0..4), alive = the group's alive mask (bit m = member m; bits >= n ignored).
//   primary p = (H[15:0] * n) >> 16; p alive -> member p.
//   else, with a > 0 alive members among 0..n-1: the k-th alive member in index order, k = (H[31:16] * a) >> 16.
//   else (n = 0 or no member alive): found = 0 (the back end runs its own slow path: NZ_FALLBACK).
// Only a dead member's share moves, spread evenly over the survivors; the other flows keep their FE.
module fe_select (
    input  wire [31:0]  hash,
    input  wire [2:0]   count,       // 0..4 (values > 4 are refused at the register interface)
    input  wire [3:0]   alive,
    input  wire [127:0] members,     // member m at [32m +: 32]
    output reg          found,
    output reg  [1:0]   idx,
    output wire [31:0]  vtep
);
    // members 0..n-1 only
    wire [3:0] in_grp = (count >= 3'd4) ? 4'b1111 :
                        (count == 3'd3) ? 4'b0111 :
                        (count == 3'd2) ? 4'b0011 :
                        (count == 3'd1) ? 4'b0001 : 4'b0000;
    wire [3:0] am     = alive & in_grp;
    wire [2:0] n      = (count > 3'd4) ? 3'd4 : count;
    wire [2:0] a      = {2'b00, am[0]} + {2'b00, am[1]} + {2'b00, am[2]} + {2'b00, am[3]};

    wire [18:0] pm = {3'd0, hash[15:0]} * {16'd0, n};      // < 4 * 2**16
    wire [18:0] km = {3'd0, hash[31:16]} * {16'd0, a};
    wire [1:0]  p  = pm[17:16];
    wire [1:0]  k  = km[17:16];                             // < a

    // position of the k-th (0-based) set bit of am
    reg [1:0] kth;
    reg [2:0] seen;
    integer i;
    always @* begin
        kth  = 2'd0;
        seen = 3'd0;
        for (i = 0; i < 4; i = i + 1) begin
            if (am[i]) begin
                if (seen == {1'b0, k})
                    kth = i[1:0];
                seen = seen + 3'd1;
            end
        end
    end

    always @* begin
        found = 1'b0;
        idx   = 2'd0;
        if (n != 3'd0) begin
            if (am[p]) begin
                found = 1'b1;
                idx   = p;
            end else if (a != 3'd0) begin
                found = 1'b1;
                idx   = kth;
            end
        end
    end

    assign vtep = members[idx*32 +: 32];
    wire unused_ok = &{1'b0, pm[18], pm[15:0], km[18], km[15:0]};
endmodule

`resetall
