`resetall
`default_nettype none

// vnic_table: the N_VNIC = 2**VNIC_W entry vNIC table, held in flops so that the flow processor sees
// every entry at once. Entry i of each flat output is at [i*W +: W].
// Write: one entry per cycle (wr_en), visible on the outputs the next cycle. Reset: all entries 0.
module vnic_table #(
    parameter VNIC_W = 2,
    parameter N_VNIC = 1 << VNIC_W
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 wr_en,
    input  wire [VNIC_W-1:0]    wr_idx,
    input  wire                 wr_enable,
    input  wire [7:0]           wr_acl,
    input  wire [23:0]          wr_vni,
    input  wire [47:0]          wr_mac,
    input  wire [31:0]          wr_ip,
    input  wire [31:0]          wr_gw,
    output reg  [N_VNIC-1:0]    vnic_en,
    output reg  [N_VNIC*24-1:0] vnic_vni,
    output reg  [N_VNIC*48-1:0] vnic_mac,
    output reg  [N_VNIC*32-1:0] vnic_ip,
    output reg  [N_VNIC*32-1:0] vnic_gw,
    output reg  [N_VNIC*8-1:0]  vnic_acl
);
    integer i;
    always @(posedge clk) begin
        if (rst) begin
            vnic_en  <= {N_VNIC{1'b0}};
            vnic_vni <= {N_VNIC*24{1'b0}};
            vnic_mac <= {N_VNIC*48{1'b0}};
            vnic_ip  <= {N_VNIC*32{1'b0}};
            vnic_gw  <= {N_VNIC*32{1'b0}};
            vnic_acl <= {N_VNIC*8{1'b0}};
        end else if (wr_en) begin
            for (i = 0; i < N_VNIC; i = i + 1) begin
                if (wr_idx == i[VNIC_W-1:0]) begin
                    vnic_en[i]          <= wr_enable;
                    vnic_vni[i*24 +: 24] <= wr_vni;
                    vnic_mac[i*48 +: 48] <= wr_mac;
                    vnic_ip[i*32 +: 32]  <= wr_ip;
                    vnic_gw[i*32 +: 32]  <= wr_gw;
                    vnic_acl[i*8 +: 8]   <= wr_acl;
                end
            end
        end
    end
endmodule

`resetall
