`resetall
`default_nettype none

// offload_table: the per-vNIC offload entries (register block OFFLOAD, docs/nezha-offload.md sections 1, 6),
// held in flops so that the flow processor sees every entry at once (the REQUEST check searches all of
// them for the FE copy of the sender). Entry i of each flat output is at [i*W +: W].
//   mode     0 LOCAL, 1 BE, 2 FE, 3 DRAIN (a BE that no longer redirects, still accepts verdicts)
//   group    FE group of a BE-mode vNIC (< N_GROUPS, checked at the register interface)
//   version  table version of the vNIC (8 bits)
//   compact  BE / DRAIN: an accepted VERDICT inserts a compact session entry (section 8)
//   be_vnic  FE copy: the vNIC id on the back end; be_vtep: the back end's VTEP address
// Write: one entry per cycle (wr_en), visible on the outputs the next cycle. Reset: all entries 0 (LOCAL).
module offload_table #(
    parameter VNIC_W = 2,
    parameter GRP_W  = 2,
    parameter N_VNIC = 1 << VNIC_W
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    wr_en,
    input  wire [VNIC_W-1:0]       wr_idx,
    input  wire [1:0]              wr_mode,
    input  wire                    wr_compact,
    input  wire [GRP_W-1:0]        wr_group,
    input  wire [7:0]              wr_version,
    input  wire [7:0]              wr_be_vnic,
    input  wire [31:0]             wr_be_vtep,
    output reg  [N_VNIC*2-1:0]     ol_mode,
    output reg  [N_VNIC-1:0]       ol_compact,
    output reg  [N_VNIC*GRP_W-1:0] ol_group,
    output reg  [N_VNIC*8-1:0]     ol_version,
    output reg  [N_VNIC*8-1:0]     ol_be_vnic,
    output reg  [N_VNIC*32-1:0]    ol_be_vtep
);
    integer i;
    always @(posedge clk) begin
        if (rst) begin
            ol_mode    <= {N_VNIC*2{1'b0}};
            ol_compact <= {N_VNIC{1'b0}};
            ol_group   <= {N_VNIC*GRP_W{1'b0}};
            ol_version <= {N_VNIC*8{1'b0}};
            ol_be_vnic <= {N_VNIC*8{1'b0}};
            ol_be_vtep <= {N_VNIC*32{1'b0}};
        end else if (wr_en) begin
            for (i = 0; i < N_VNIC; i = i + 1) begin
                if (wr_idx == i[VNIC_W-1:0]) begin
                    ol_mode[i*2 +: 2]         <= wr_mode;
                    ol_compact[i]             <= wr_compact;
                    ol_group[i*GRP_W +: GRP_W] <= wr_group;
                    ol_version[i*8 +: 8]      <= wr_version;
                    ol_be_vnic[i*8 +: 8]      <= wr_be_vnic;
                    ol_be_vtep[i*32 +: 32]    <= wr_be_vtep;
                end
            end
        end
    end
endmodule

`resetall
