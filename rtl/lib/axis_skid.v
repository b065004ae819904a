`resetall
`default_nettype none

// axis_skid: two-entry AXI-Stream register slice (skid buffer) for a WIDTH-bit payload.
// s_ready and all m_* outputs are registers: no combinational path between the two sides.
// Latency 1 cycle, throughput one transfer per cycle.
module axis_skid #(
    parameter WIDTH = 8
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             s_valid,
    output wire             s_ready,
    input  wire [WIDTH-1:0] s_data,
    output wire             m_valid,
    input  wire             m_ready,
    output wire [WIDTH-1:0] m_data,
    output wire             busy
);
    reg             main_v, skid_v;
    reg [WIDTH-1:0] main_d, skid_d;

    assign s_ready = !skid_v;
    assign m_valid = main_v;
    assign m_data  = main_d;
    assign busy    = main_v || skid_v;

    always @(posedge clk) begin
        if (rst) begin
            main_v <= 1'b0;
            skid_v <= 1'b0;
            main_d <= {WIDTH{1'b0}};
            skid_d <= {WIDTH{1'b0}};
        end else if (!main_v || m_ready) begin
            if (skid_v) begin
                main_d <= skid_d;
                main_v <= 1'b1;
                skid_v <= 1'b0;
            end else begin
                main_v <= s_valid;
                if (s_valid)
                    main_d <= s_data;
            end
        end else if (s_valid && !skid_v) begin
            skid_v <= 1'b1;
            skid_d <= s_data;
        end
    end
endmodule

`resetall
