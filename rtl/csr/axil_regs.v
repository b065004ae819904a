`resetall
`default_nettype none

// axil_regs: AXI4-Lite slave front end. Turns the five AXI4-Lite channels into a simple
// request/response register port; one outstanding read and one outstanding write.
//  - AW and W are accepted independently (either order or together) into one-deep holding
//    registers; awready/wready stay low until the write response has been accepted.
//  - AR likewise (arready low until the read response has been accepted).
//  - Reads and writes are executed one at a time on the register port; when both are pending they
//    alternate (round-robin).
//  - Register port: req_valid/req_ready handshake (req_* stable while req_valid); the back end
//    answers with a one-cycle resp_valid (resp_err -> SLVERR=2 else OKAY=0, resp_rdata for reads;
//    a refused read returns the data the back end gives, which is 0).
// Latency: request issued the cycle after both AW and W (or AR) are held; B/R valid the cycle after
// resp_valid. rdata/rresp/bresp are registers.
module axil_regs #(
    parameter AW = 16
) (
    input  wire          clk,
    input  wire          rst,
    input  wire [AW-1:0] s_axil_awaddr,
    input  wire          s_axil_awvalid,
    output wire          s_axil_awready,
    input  wire [31:0]   s_axil_wdata,
    input  wire [3:0]    s_axil_wstrb,
    input  wire          s_axil_wvalid,
    output wire          s_axil_wready,
    output reg  [1:0]    s_axil_bresp,
    output reg           s_axil_bvalid,
    input  wire          s_axil_bready,
    input  wire [AW-1:0] s_axil_araddr,
    input  wire          s_axil_arvalid,
    output wire          s_axil_arready,
    output reg  [31:0]   s_axil_rdata,
    output reg  [1:0]    s_axil_rresp,
    output reg           s_axil_rvalid,
    input  wire          s_axil_rready,
    // register port
    output reg           req_valid,
    input  wire          req_ready,
    output reg           req_write,
    output reg  [AW-1:0] req_addr,
    output reg  [31:0]   req_wdata,
    output reg  [3:0]    req_wstrb,
    input  wire          resp_valid,
    input  wire          resp_err,
    input  wire [31:0]   resp_rdata
);
    reg          aw_full, w_full, ar_full;
    reg [AW-1:0] aw_addr, ar_addr;
    reg [31:0]   w_data;
    reg [3:0]    w_strb;
    reg          busy;        // a request is issued and not yet answered
    reg          last_wr;     // the last request issued was a write (round-robin)

    assign s_axil_awready = !aw_full;
    assign s_axil_wready  = !w_full;
    assign s_axil_arready = !ar_full;

    wire wr_pend = aw_full && w_full && !s_axil_bvalid;
    wire rd_pend = ar_full && !s_axil_rvalid;
    wire pick_wr = wr_pend && (!rd_pend || !last_wr);

    always @(posedge clk) begin
        if (rst) begin
            aw_full       <= 1'b0;
            w_full        <= 1'b0;
            ar_full       <= 1'b0;
            aw_addr       <= {AW{1'b0}};
            ar_addr       <= {AW{1'b0}};
            w_data        <= 32'd0;
            w_strb        <= 4'd0;
            busy          <= 1'b0;
            last_wr       <= 1'b0;
            req_valid     <= 1'b0;
            req_write     <= 1'b0;
            req_addr      <= {AW{1'b0}};
            req_wdata     <= 32'd0;
            req_wstrb     <= 4'd0;
            s_axil_bvalid <= 1'b0;
            s_axil_bresp  <= 2'd0;
            s_axil_rvalid <= 1'b0;
            s_axil_rresp  <= 2'd0;
            s_axil_rdata  <= 32'd0;
        end else begin
            if (s_axil_awvalid && !aw_full) begin
                aw_full <= 1'b1;
                aw_addr <= s_axil_awaddr;
            end
            if (s_axil_wvalid && !w_full) begin
                w_full <= 1'b1;
                w_data <= s_axil_wdata;
                w_strb <= s_axil_wstrb;
            end
            if (s_axil_arvalid && !ar_full) begin
                ar_full <= 1'b1;
                ar_addr <= s_axil_araddr;
            end

            // issue
            if (!busy && (wr_pend || rd_pend)) begin
                busy      <= 1'b1;
                req_valid <= 1'b1;
                req_write <= pick_wr;
                last_wr   <= pick_wr;
                req_addr  <= pick_wr ? aw_addr : ar_addr;
                req_wdata <= w_data;
                req_wstrb <= w_strb;
            end else if (req_valid && req_ready) begin
                req_valid <= 1'b0;
            end

            // response
            if (busy && resp_valid) begin
                busy <= 1'b0;
                if (req_write) begin
                    s_axil_bvalid <= 1'b1;
                    s_axil_bresp  <= resp_err ? 2'b10 : 2'b00;
                end else begin
                    s_axil_rvalid <= 1'b1;
                    s_axil_rresp  <= resp_err ? 2'b10 : 2'b00;
                    s_axil_rdata  <= resp_rdata;
                end
            end

            if (s_axil_bvalid && s_axil_bready) begin
                s_axil_bvalid <= 1'b0;
                aw_full       <= 1'b0;
                w_full        <= 1'b0;
            end
            if (s_axil_rvalid && s_axil_rready) begin
                s_axil_rvalid <= 1'b0;
                ar_full       <= 1'b0;
            end
        end
    end
endmodule

`resetall
