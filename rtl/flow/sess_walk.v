`resetall
`default_nettype none

// sess_walk: the cuckoo displacement walk of sess_pipe (datapath-spec 4.6, the same steps, LFSR and commit as
// session_table.v), run on the otherwise idle operation pipeline for an INSERT whose buckets had no room on its
// second pass (docs/pipeline.md 3.1).
//
// start (one cycle): the INSERT is in sess_pipe's S7 and its two buckets are on the sp_bucket outputs (bank 0 =
// start_bkt). The walk then repeats, as session_table does:
//   EVAL  the bucket on the sp_bucket outputs (bank cb): room for the entry -> commit; MAX_KICKS steps taken ->
//         fail; else a step: the LFSR draws a way (and a half for a compact entry); a slot already on the path or
//         a word of the other kind moves nothing (the next cycle draws again); else the slot joins the path and
//   VSEL  sp_bucket multiplexes it (sel_k) -> CRC  its key's bucket in the other bank -> RD  a read of that bucket
//         (rd, rd_bkt: sess_pipe issues it into S2) -> WAIT until it is on the sp_bucket outputs (rd_done) -> EVAL.
//   Commit, for i = len .. 1: CRD read the word of path[i-1] (sel_k = that slot) -> CWAIT -> CWR write its entry
//         (the sp_bucket entry output) into path[i] (wr_move, wr_mode, wr_loc); then CNEW the new entry into
//         path[0] (wr_new) and done.
// done (one cycle) with ok, kicks (entries moved), loc (the new entry's slot) and aged (valid expired slots the
// end of the walk overwrote). A failed walk changes nothing but the LFSR (done, !ok).
// Cost: a step that moves an entry about 9 cycles, one that moves nothing 1, each commit move 7.
module sess_walk #(
    parameter SESS_LOG2 = 4,
    parameter SESS_WAYS = 2,
    parameter MAX_KICKS = 4
) (
    clk, rst,
    start, start_bkt, cmp,
    free_any, free_way0, free_way1, hf_any, hf_way0, hf_way1, live, valid, pr, vkey,
    rd_done,
    on, rd, rd_bkt, sel_k,
    wr_move, wr_new, wr_mode, wr_loc,
    done, ok, kicks, loc, aged
);
    localparam integer WAY_W  = $clog2(SESS_WAYS);
    localparam integer BKT_W  = SESS_LOG2;
    localparam integer LOC_W  = 2 + BKT_W + WAY_W;          // slot location {half, bank, bucket, way}
    localparam integer NW     = 2 * SESS_WAYS;
    localparam integer NS     = 2 * NW;
    localparam integer K_W    = WAY_W + 2;                  // slot index in the two buckets {bank, way, half}
    localparam integer PN_W   = $clog2(MAX_KICKS + 2);
    localparam [PN_W-1:0] MAXK  = MAX_KICKS[PN_W-1:0];
    localparam [15:0] LFSR_INIT = 16'hACE1;
    localparam [15:0] LFSR_TAPS = 16'hB400;
    // word writes (as session_table.v / sess_pipe.v)
    localparam [2:0] WM_FULL = 3'd1, WM_C0 = 3'd2, WM_C1 = 3'd3, WM_CE = 3'd4;
    localparam [3:0] WK_IDLE = 4'd0, WK_EVAL = 4'd1, WK_VSEL = 4'd2, WK_CRC = 4'd3, WK_RD = 4'd4, WK_WAIT = 4'd5,
                     WK_CRD = 4'd6, WK_CWAIT = 4'd7, WK_CWR = 4'd8, WK_CNEW = 4'd9;

    input  wire                 clk;
    input  wire                 rst;
    input  wire                 start;
    input  wire [BKT_W-1:0]     start_bkt;      // the INSERT's bank-0 bucket
    input  wire                 cmp;            // the INSERT's entry is compact
    input  wire [1:0]           free_any;       // sp_bucket outputs
    input  wire [WAY_W-1:0]     free_way0;
    input  wire [WAY_W-1:0]     free_way1;
    input  wire [1:0]           hf_any;
    input  wire [WAY_W-1:0]     hf_way0;
    input  wire [WAY_W-1:0]     hf_way1;
    input  wire [NS-1:0]        live;
    input  wire [NS-1:0]        valid;
    input  wire [NW-1:0]        pr;
    input  wire [127:0]         vkey;           // key of the multiplexed slot
    input  wire                 rd_done;        // the read issued for rd is on the sp_bucket outputs
    output wire                 on;
    output wire                 rd;
    output wire [BKT_W-1:0]     rd_bkt;
    output reg  [K_W-1:0]       sel_k;
    output wire                 wr_move;
    output wire                 wr_new;
    output wire [2:0]           wr_mode;
    output wire [LOC_W-1:0]     wr_loc;
    output wire                 done;
    output wire                 ok;
    output wire [PN_W-1:0]      kicks;
    output wire [LOC_W-1:0]     loc;
    output wire [1:0]           aged;

    reg  [3:0]          st;
    reg  [LOC_W-1:0]    path_q [0:MAX_KICKS];
    reg  [PN_W-1:0]     npath, nsteps, ci;
    reg                 cb;             // current bank
    reg  [BKT_W-1:0]    cbkt;           // current bucket in bank cb
    reg  [15:0]         lfsr;
    reg  [1:0]          reuse_q;
    reg                 endce_q;        // a compact walk ends in an empty word

    wire [PN_W-1:0]  ci_m1     = ci - 1'b1;
    wire [LOC_W-1:0] dst_loc   = path_q[ci];
    wire [LOC_W-1:0] src_loc   = path_q[ci_m1];
    wire [LOC_W-1:0] p0_loc    = path_q[0];
    wire [15:0]      lfsr_n    = {1'b0, lfsr[15:1]} ^ (lfsr[0] ? LFSR_TAPS : 16'h0000);
    wire [WAY_W-1:0] kway      = lfsr_n[WAY_W-1:0];
    wire             khalf     = cmp & lfsr_n[WAY_W];
    wire [LOC_W-1:0] kloc      = {khalf, cb, cbkt, kway};
    wire [WAY_W:0]   kidx      = {cb, kway};
    // room for the entry in bucket cbkt of bank cb: a compact one takes the free half of the first PAIR word with
    // one, else half 0 of the first empty word; a full one the first empty word
    wire             freec_any = cb ? free_any[1] : free_any[0];
    wire [WAY_W-1:0] freec_way = cb ? free_way1 : free_way0;
    wire             hfc_any   = cb ? hf_any[1] : hf_any[0];
    wire [WAY_W-1:0] hfc_way   = cb ? hf_way1 : hf_way0;
    wire             hfc_half  = live[{cb, hfc_way, 1'b0}];
    wire             roomc     = cmp ? (hfc_any | freec_any) : freec_any;
    wire [LOC_W-1:0] endc_loc  = (cmp && hfc_any) ? {hfc_half, cb, cbkt, hfc_way} : {1'b0, cb, cbkt, freec_way};
    wire [1:0]       endc_nv   = (cmp && hfc_any) ? {1'b0, valid[{cb, hfc_way, hfc_half}]} :
                                 {1'b0, valid[{cb, freec_way, 1'b0}]} + {1'b0, valid[{cb, freec_way, 1'b1}]};
    reg              inpath;
    integer          p;
    always @* begin
        inpath = 1'b0;
        for (p = 0; p < MAX_KICKS; p = p + 1)
            if (p < npath && path_q[p] == kloc) inpath = 1'b1;
    end
    // a step moves nothing if it draws a slot already on the path or an entry of the other kind
    wire             kskip     = inpath | (pr[kidx] != cmp);
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0]      vcrc;                          // bits above the bucket index unused
    /* verilator lint_on UNUSEDSIGNAL */
    crc32c #(.NBYTES(16)) u_crc (.data(vkey), .crc(vcrc));
    wire             fail      = (st == WK_EVAL) && !roomc && (nsteps == MAXK);

    assign on      = (st != WK_IDLE);
    assign rd      = (st == WK_RD) || (st == WK_CRD);
    assign rd_bkt  = (st == WK_RD) ? cbkt : src_loc[WAY_W +: BKT_W];
    assign wr_move = (st == WK_CWR);
    assign wr_new  = (st == WK_CNEW);
    // a commit write: the whole word for a full walk, the one half for a compact one (the end of a compact walk
    // in an empty word also clears the word's other half and sets PAIR)
    assign wr_mode = !cmp ? WM_FULL :
                     wr_move ? ((ci == npath && endce_q) ? WM_CE : dst_loc[LOC_W-1] ? WM_C1 : WM_C0) :
                     p0_loc[LOC_W-1] ? WM_C1 : WM_C0;
    assign wr_loc  = wr_move ? dst_loc : p0_loc;
    assign done    = wr_new || fail;
    assign ok      = wr_new;
    assign kicks   = wr_new ? npath : {PN_W{1'b0}};
    assign loc     = wr_new ? p0_loc : {LOC_W{1'b0}};
    assign aged    = wr_new ? reuse_q : 2'd0;

    always @(posedge clk) begin
        case (st)
            WK_IDLE: begin
                if (start && MAX_KICKS > 0) begin
                    st     <= WK_EVAL;
                    cb     <= 1'b0;
                    cbkt   <= start_bkt;
                    npath  <= {PN_W{1'b0}};
                    nsteps <= {PN_W{1'b0}};
                end
            end
            WK_EVAL: begin
                if (roomc) begin
                    path_q[npath] <= endc_loc;
                    ci            <= npath;
                    reuse_q       <= endc_nv;
                    endce_q       <= cmp & ~hfc_any;
                    st            <= WK_CRD;
                end else if (nsteps == MAXK) begin
                    st <= WK_IDLE;
                end else begin
                    lfsr   <= lfsr_n;
                    nsteps <= nsteps + 1'b1;
                    if (!kskip) begin
                        path_q[npath] <= kloc;
                        npath         <= npath + 1'b1;
                        cb            <= ~cb;
                        sel_k         <= {cb, kway, khalf};
                        st            <= WK_VSEL;
                    end
                end
            end
            WK_VSEL:  st <= WK_CRC;
            WK_CRC: begin
                cbkt <= cb ? vcrc[16 +: BKT_W] : vcrc[0 +: BKT_W];
                st   <= WK_RD;
            end
            WK_RD:    st <= WK_WAIT;
            WK_WAIT:  if (rd_done) st <= WK_EVAL;
            WK_CRD: begin
                sel_k <= {src_loc[LOC_W-2], src_loc[WAY_W-1:0], src_loc[LOC_W-1]};
                st    <= WK_CWAIT;
            end
            WK_CWAIT: if (rd_done) st <= WK_CWR;
            WK_CWR: begin
                ci <= ci_m1;
                st <= (ci_m1 == {PN_W{1'b0}}) ? WK_CNEW : WK_CRD;
            end
            WK_CNEW:  st <= WK_IDLE;
            default:  st <= WK_IDLE;
        endcase
        if (rst) begin
            st     <= WK_IDLE;
            lfsr   <= LFSR_INIT;
            npath  <= {PN_W{1'b0}};
            nsteps <= {PN_W{1'b0}};
            ci     <= {PN_W{1'b0}};
            cb     <= 1'b0;
        end
    end
endmodule

`resetall
