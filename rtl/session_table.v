// session_table: Nezha session table (datapath-spec 4.6): 2 banks x SESS_WAYS ways x 2**SESS_LOG2 buckets
// of NZ_ENTRY_W-bit entries, CRC-32C bucket hashing, deterministic cuckoo insert, background sweeper.
//
// Storage: one ram_sdp per (bank, way) holding the entry (depth 2**SESS_LOG2, width NZ_ENTRY_W), so a read of
// one bucket address per bank returns both whole buckets at once and a write touches exactly one way. Next to
// each entry RAM sits a 1-bit ram_sdp "valid" RAM: the entry's valid bit is (entry RAM bit 0) & (valid RAM).
// Every full write (update, insert, move, clear) writes both; delete and the sweeper only write a 0 into the
// valid RAM. This gives "clear valid, keep every other field" in one cycle without a read-modify-write.
//
// Hash: H = crc32c(key) over the 16 key bytes, MSB first; bank 0 bucket = H[SESS_LOG2-1:0],
// bank 1 bucket = H[16 +: SESS_LOG2]. loc = {bank, bucket, way} (LOC_W = 1 + SESS_LOG2 + log2(SESS_WAYS)).
//
// Protocol: one operation at a time. An operation is issued by holding exactly one of lk_valid, ins_valid,
// up_valid, del_valid, rb_valid high for one cycle while op_ready is high (if several are high the first of
// lk, ins, up, del, rb is served and the others are ignored; requests while op_ready is low are ignored).
// `now` is sampled in the issue cycle of lookups and inserts (and at the start of a sweep step) and used for
// the whole operation; cfg_idle_to / cfg_close_to are used live (they are quasi-static registers).
//
// Latencies (issue cycle = t, op_ready high in cycle t):
//   lookup     lk_done (with lk_hit/lk_loc/lk_entry/lk_hash) in cycle t+2; op_ready low in t+1, high in t+2,
//              so back-to-back lookups run at one per 2 cycles.
//   update     written at the end of cycle t; op_ready stays high (an operation in t+1 sees the new data).
//   delete     idem; occupancy decrements at the end of cycle t.
//   read-back  rb_done/rb_entry in cycle t+2.
//   insert     a free way in either bucket (the bucket with more free ways, bank 0 on a tie): ins_done in
//              t+2. With k displacements: ins_done in t+4+3k (2 cycles per walk step, then k+2 commit cycles;
//              a step that draws a location already on the path costs 1 cycle and moves nothing).
//              Failure after MAX_KICKS steps: ins_done in at most t+2+2*MAX_KICKS.
//   sweep step starts in a cycle where op_ready and sweep_allow are high and no request is present; it reads
//              bucket sw of both banks and clears every expired valid entry of those two buckets in the next
//              cycle; op_ready is low for exactly 1 cycle.
//   reset      after rst the table clears itself (2**SESS_LOG2 cycles, op_ready low meanwhile).
// All outputs are registered. lk_hit/lk_loc/lk_entry/lk_hash hold until the next lookup completes, rb_entry
// until the next read-back; lk_loc and lk_entry are 0 on a miss. ev_* are one-cycle increments.
//
// Requirements: SESS_WAYS a power of 2 and >= 2; 1 <= SESS_LOG2 <= 16; 0 <= MAX_KICKS <= 126.
module session_table #(
    parameter SESS_LOG2 = 4,
    parameter SESS_WAYS = 2,
    parameter MAX_KICKS = 4
) (
    clk, rst,
    cfg_idle_to, cfg_close_to, now,
    op_ready,
    lk_valid, lk_key, lk_done, lk_hit, lk_loc, lk_entry, lk_hash,
    up_valid, up_loc, up_entry,
    del_valid, del_loc,
    ins_valid, ins_entry, ins_done, ins_ok,
    rb_valid, rb_loc, rb_done, rb_entry,
    sweep_allow,
    ev_insert, ev_insert_fail, ev_aged, ev_kicks,
    occupancy
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer WAY_W = $clog2(SESS_WAYS);
    localparam integer BKT_W = SESS_LOG2;
    localparam integer LOC_W = 1 + BKT_W + WAY_W;
    localparam integer NW    = 2 * SESS_WAYS;            // ways of both banks; index k = {bank, way}
    localparam integer DEPTH = 1 << SESS_LOG2;
    localparam integer EW    = NZ_ENTRY_W;
    localparam integer PN_W  = $clog2(MAX_KICKS + 2);    // path index / length 0..MAX_KICKS+1
    localparam integer CNT_W = $clog2(NW + 1);
    localparam [PN_W-1:0]  MAXK     = MAX_KICKS[PN_W-1:0];
    localparam [BKT_W-1:0] LAST_BKT = {BKT_W{1'b1}};
    localparam [15:0] LFSR_INIT = 16'hACE1;
    localparam [15:0] LFSR_TAPS = 16'hB400;

    // states
    localparam [3:0] S_CLR  = 4'd0,   // clearing bucket clr_idx of every RAM after reset
                     S_IDLE = 4'd1,   // op_ready
                     S_LK   = 4'd2,   // lookup: both buckets are on the RAM outputs
                     S_RB   = 4'd3,   // read-back: bucket on the RAM outputs
                     S_SW   = 4'd4,   // sweep: bucket sw_idx of both banks on the RAM outputs
                     S_ICHK = 4'd5,   // insert: both buckets on the RAM outputs; free way or first kick
                     S_WRD  = 4'd6,   // walk: read bucket cbkt of bank cb
                     S_WEV  = 4'd7,   // walk: that bucket is on the RAM outputs; free way or next kick
                     S_CRD  = 4'd8,   // commit: read path[ci-1]
                     S_CWR  = 4'd9,   // commit: write path[ci] <- old path[ci-1], read path[ci-2]
                     S_CNEW = 4'd10;  // commit: write the new entry at path[0]

    input  wire                 clk;
    input  wire                 rst;
    input  wire [14:0]          cfg_idle_to;
    input  wire [14:0]          cfg_close_to;
    input  wire [15:0]          now;
    output reg                  op_ready;
    input  wire                 lk_valid;
    input  wire [127:0]         lk_key;
    output reg                  lk_done;
    output reg                  lk_hit;
    output reg  [LOC_W-1:0]     lk_loc;
    output reg  [EW-1:0]        lk_entry;
    output reg  [31:0]          lk_hash;
    input  wire                 up_valid;
    input  wire [LOC_W-1:0]     up_loc;
    input  wire [EW-1:0]        up_entry;
    input  wire                 del_valid;
    input  wire [LOC_W-1:0]     del_loc;
    input  wire                 ins_valid;
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [EW-1:0]        ins_entry;      // bit 0 (valid) is ignored: inserted entries are valid
    /* verilator lint_on UNUSEDSIGNAL */
    output reg                  ins_done;
    output reg                  ins_ok;
    input  wire                 rb_valid;
    input  wire [LOC_W-1:0]     rb_loc;
    output reg                  rb_done;
    output reg  [EW-1:0]        rb_entry;
    input  wire                 sweep_allow;
    output reg                  ev_insert;
    output reg                  ev_insert_fail;
    output reg  [7:0]           ev_aged;
    output reg  [7:0]           ev_kicks;
    output reg  [31:0]          occupancy;

    // ------------------------------------------------------------------ registers
    reg [3:0]                   state;
    reg [BKT_W-1:0]             clr_idx;        // reset clear walk
    reg [BKT_W-1:0]             sw_idx;         // sweeper cursor (bucket index, both banks per step)
    reg [15:0]                  now_q;
    reg [127:0]                 key_q;          // lookup key
    reg [31:0]                  hash_q;         // H of the lookup / insert key
    reg [EW-1:1]                new_q;          // entry being inserted (valid bit forced to 1)
    reg [LOC_W-1:0]             rb_loc_q;
    reg [15:0]                  lfsr;
    reg                         cb;             // walk: current bank
    reg [BKT_W-1:0]             cbkt;           // walk: current bucket in bank cb
    reg [(MAX_KICKS+1)*LOC_W-1:0] path_q;       // walk path; path[i] at [i*LOC_W +: LOC_W]
    reg [PN_W-1:0]              npath;          // number of kicked locations in path_q
    reg [PN_W-1:0]              nsteps;         // walk steps taken (a repeated location is a step with no kick)
    reg [PN_W-1:0]              ci;             // commit: destination index
    reg                         reuse_q;        // the free slot of the walk held an expired valid entry

    // ------------------------------------------------------------------ RAMs
    reg  [NW-1:0]               we_e, we_v;
    reg  [BKT_W-1:0]            waddr;
    reg  [EW-1:0]               wdata_e;
    reg                         wdata_v;
    reg  [1:0]                  re_b;
    reg  [BKT_W-1:0]            raddr0, raddr1;
    wire [NW*EW-1:0]            e_rd;
    wire [NW-1:0]               v_rd;

    genvar g;
    generate
        for (g = 0; g < NW; g = g + 1) begin : g_way
            ram_sdp #(.WIDTH(EW), .DEPTH(DEPTH)) u_ent (
                .clk(clk), .we(we_e[g]), .waddr(waddr), .wdata(wdata_e),
                .re(re_b[g / SESS_WAYS]), .raddr((g < SESS_WAYS) ? raddr0 : raddr1),
                .rdata(e_rd[g*EW +: EW]));
            ram_sdp #(.WIDTH(1), .DEPTH(DEPTH)) u_vld (
                .clk(clk), .we(we_v[g]), .waddr(waddr), .wdata(wdata_v),
                .re(re_b[g / SESS_WAYS]), .raddr((g < SESS_WAYS) ? raddr0 : raddr1),
                .rdata(v_rd[g]));
        end
    endgenerate

    // ------------------------------------------------------------------ bucket decode (RAM outputs)
    reg  [NW*EW-1:0]            ent;            // entries as seen (valid = entry bit 0 & valid RAM)
    reg  [NW-1:0]               valid_w, expd_w, live_w, match_w;
    reg  [15:0]                 age;
    reg  [14:0]                 tmo;
    reg  [CNT_W-1:0]            sw_cnt;         // expired valid entries in the swept buckets
    reg                         hit_any;
    reg  [WAY_W:0]              hit_k;          // {bank, way}
    reg                         free0_any, free1_any;
    reg  [WAY_W-1:0]            free0_way, free1_way;
    reg  [WAY_W:0]              nfree0, nfree1;     // free (not live) ways per bank
    integer                     k, j, c, n;       // loop variables (one per always block)

    always @* begin
        sw_cnt = {CNT_W{1'b0}};
        for (k = 0; k < NW; k = k + 1) begin
            ent[k*EW +: EW] = {e_rd[k*EW+1 +: EW-1], e_rd[k*EW] & v_rd[k]};
            valid_w[k]      = ent[k*EW + NZ_E_VALID];
            age             = now_q - ent[k*EW + NZ_E_TS +: 16];
            tmo             = (ent[k*EW + NZ_E_FIN0] & ent[k*EW + NZ_E_FIN1]) ? cfg_close_to : cfg_idle_to;
            expd_w[k]       = age > {1'b0, tmo};
            live_w[k]       = valid_w[k] & ~expd_w[k];
            match_w[k]      = live_w[k] && (ent[k*EW + NZ_E_KEY +: 128] == key_q);
            sw_cnt          = sw_cnt + {{(CNT_W-1){1'b0}}, valid_w[k] & expd_w[k]};
        end
        // first live match: ways 0..W-1 of bank 0, then of bank 1
        hit_any = |match_w;
        hit_k   = {(WAY_W+1){1'b0}};
        for (k = NW - 1; k >= 0; k = k - 1)
            if (match_w[k]) hit_k = k[WAY_W:0];
        // first free (not live) way per bank
        free0_any = ~&live_w[0 +: SESS_WAYS];
        free1_any = ~&live_w[SESS_WAYS +: SESS_WAYS];
        free0_way = {WAY_W{1'b0}};
        free1_way = {WAY_W{1'b0}};
        nfree0    = {(WAY_W+1){1'b0}};
        nfree1    = {(WAY_W+1){1'b0}};
        for (k = SESS_WAYS - 1; k >= 0; k = k - 1) begin
            if (!live_w[k])             free0_way = k[WAY_W-1:0];
            if (!live_w[SESS_WAYS + k]) free1_way = k[WAY_W-1:0];
            nfree0 = nfree0 + {{WAY_W{1'b0}}, ~live_w[k]};
            nfree1 = nfree1 + {{WAY_W{1'b0}}, ~live_w[SESS_WAYS + k]};
        end
    end

    // ------------------------------------------------------------------ walk step
    wire [15:0]      lfsr_n = {1'b0, lfsr[15:1]} ^ (lfsr[0] ? LFSR_TAPS : 16'h0000);
    wire [WAY_W-1:0] kway   = lfsr_n[WAY_W-1:0];           // victim way of this step
    wire [LOC_W-1:0] kloc   = {cb, cbkt, kway};
    wire [WAY_W:0]   kidx   = {cb, kway};
    wire             freec_any = cb ? free1_any : free0_any;
    wire [WAY_W-1:0] freec_way = cb ? free1_way : free0_way;
    wire             freec_vld = valid_w[{cb, freec_way}];  // the free slot holds an expired entry
    reg              inpath;
    always @* begin
        inpath = 1'b0;
        for (j = 0; j < MAX_KICKS; j = j + 1)
            if (j < npath && path_q[j*LOC_W +: LOC_W] == kloc) inpath = 1'b1;
    end

    /* verilator lint_off UNUSEDSIGNAL */
    function [WAY_W:0] loc_idx;                     // RAM index {bank, way} of a location
        input [LOC_W-1:0] l;
        loc_idx = {l[LOC_W-1], l[WAY_W-1:0]};
    endfunction
    function [BKT_W-1:0] loc_bkt;
        input [LOC_W-1:0] l;
        loc_bkt = l[WAY_W +: BKT_W];
    endfunction
    function [NW-1:0] onehot;
        input [WAY_W:0] i;
        onehot = {{(NW-1){1'b0}}, 1'b1} << i;
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // ------------------------------------------------------------------ commit locations
    wire [PN_W-1:0]  ci_m1   = ci - 1'b1;
    wire [PN_W-1:0]  ci_m2   = ci_m1 - 1'b1;
    reg  [LOC_W-1:0] dst_loc, src_loc, nxt_loc;          // path[ci], path[ci-1], path[ci-2]
    always @* begin
        dst_loc = {LOC_W{1'b0}};
        src_loc = {LOC_W{1'b0}};
        nxt_loc = {LOC_W{1'b0}};
        for (c = 0; c <= MAX_KICKS; c = c + 1) begin
            if (ci    == c[PN_W-1:0]) dst_loc = path_q[c*LOC_W +: LOC_W];
            if (ci_m1 == c[PN_W-1:0]) src_loc = path_q[c*LOC_W +: LOC_W];
            if (ci_m2 == c[PN_W-1:0]) nxt_loc = path_q[c*LOC_W +: LOC_W];
        end
    end
    wire [LOC_W-1:0] crd_loc = (state == S_CRD) ? src_loc : nxt_loc;
    wire [LOC_W-1:0] p0_loc  = path_q[0 +: LOC_W];
    wire [WAY_W:0]   src_idx = {src_loc[LOC_W-1], src_loc[WAY_W-1:0]};


    wire [EW-1:0] new_ent = {new_q[EW-1:1], 1'b1};  // inserted entries are always valid

    // one shared entry multiplexer over the 2W RAM outputs: lookup hit, read-back, commit source, victim
    reg [WAY_W:0] sel_idx;
    reg [EW-1:0]  ent_sel;
    always @* begin
        case (state)
            S_LK:    sel_idx = hit_k;
            S_RB:    sel_idx = loc_idx(rb_loc_q);
            S_CWR:   sel_idx = src_idx;
            default: sel_idx = kidx;
        endcase
        ent_sel = {EW{1'b0}};
        for (n = 0; n < NW; n = n + 1)
            if (sel_idx == n[WAY_W:0]) ent_sel = ent[n*EW +: EW];
    end

    wire [127:0]     vkey   = ent_sel[NZ_E_KEY +: 128];     // victim key (ent_sel = entry at kidx)

    // CRC: the lookup/insert key in S_IDLE, the victim's key during the walk
    wire [127:0] crc_in = (state == S_IDLE) ? (lk_valid ? lk_key : ins_entry[NZ_E_KEY +: 128]) : vkey;
    wire [31:0]  crc_out;
    crc32c #(.NBYTES(16)) u_crc (.data(crc_in), .crc(crc_out));
    // bucket of the victim in the other bank (1 - cb)
    wire [BKT_W-1:0] vbkt = cb ? crc_out[0 +: BKT_W] : crc_out[16 +: BKT_W];

    wire          walk_ok = (MAX_KICKS > 0);
    // a new entry goes to the bucket with more free ways (bank 0 on a tie)
    wire          pick0   = free0_any && (nfree0 >= nfree1);

    // ------------------------------------------------------------------ next state and RAM ports
    reg [3:0] state_n;
    always @* begin
        state_n = state;
        we_e    = {NW{1'b0}};
        we_v    = {NW{1'b0}};
        waddr   = {BKT_W{1'b0}};
        wdata_e = {EW{1'b0}};
        wdata_v = 1'b0;
        re_b    = 2'b00;
        raddr0  = {BKT_W{1'b0}};
        raddr1  = {BKT_W{1'b0}};
        case (state)
            S_CLR: begin
                we_e  = {NW{1'b1}};
                we_v  = {NW{1'b1}};
                waddr = clr_idx;
                if (clr_idx == LAST_BKT) state_n = S_IDLE;
            end
            S_IDLE: begin
                if (lk_valid || ins_valid) begin
                    re_b    = 2'b11;
                    raddr0  = crc_out[0 +: BKT_W];
                    raddr1  = crc_out[16 +: BKT_W];
                    state_n = lk_valid ? S_LK : S_ICHK;
                end else if (up_valid) begin
                    we_e    = onehot(loc_idx(up_loc));
                    we_v    = onehot(loc_idx(up_loc));
                    waddr   = loc_bkt(up_loc);
                    wdata_e = up_entry;
                    wdata_v = up_entry[NZ_E_VALID];
                end else if (del_valid) begin
                    we_v    = onehot(loc_idx(del_loc));
                    waddr   = loc_bkt(del_loc);
                end else if (rb_valid) begin
                    re_b    = 2'b11;
                    raddr0  = loc_bkt(rb_loc);
                    raddr1  = loc_bkt(rb_loc);
                    state_n = S_RB;
                end else if (sweep_allow) begin
                    re_b    = 2'b11;
                    raddr0  = sw_idx;
                    raddr1  = sw_idx;
                    state_n = S_SW;
                end
            end
            S_LK, S_RB: state_n = S_IDLE;
            S_SW: begin
                we_v    = valid_w & expd_w;
                waddr   = sw_idx;
                state_n = S_IDLE;
            end
            S_ICHK: begin
                wdata_e = new_ent;
                wdata_v = 1'b1;
                if (pick0) begin
                    we_e    = onehot({1'b0, free0_way});
                    we_v    = onehot({1'b0, free0_way});
                    waddr   = hash_q[0 +: BKT_W];
                    state_n = S_IDLE;
                end else if (free1_any) begin
                    we_e    = onehot({1'b1, free1_way});
                    we_v    = onehot({1'b1, free1_way});
                    waddr   = hash_q[16 +: BKT_W];
                    state_n = S_IDLE;
                end else begin
                    state_n = walk_ok ? S_WRD : S_IDLE;
                end
            end
            S_WRD: begin
                re_b[cb] = 1'b1;
                raddr0   = cbkt;
                raddr1   = cbkt;
                state_n  = S_WEV;
            end
            S_WEV: begin
                if (freec_any)                      state_n = S_CRD;
                else if (nsteps == MAXK)            state_n = S_IDLE;   // fail
                else if (inpath)                    state_n = S_WEV;    // repeated location: next step, same bucket
                else                                state_n = S_WRD;
            end
            S_CRD, S_CWR: begin
                if (state == S_CWR) begin
                    we_e    = onehot(loc_idx(dst_loc));
                    we_v    = onehot(loc_idx(dst_loc));
                    waddr   = loc_bkt(dst_loc);
                    wdata_e = ent_sel;
                    wdata_v = 1'b1;
                    state_n = (ci_m1 == {PN_W{1'b0}}) ? S_CNEW : S_CWR;
                end else begin
                    state_n = S_CWR;
                end
                if (state == S_CRD || ci_m1 != {PN_W{1'b0}}) begin
                    re_b[crd_loc[LOC_W-1]] = 1'b1;
                    raddr0 = loc_bkt(crd_loc);
                    raddr1 = loc_bkt(crd_loc);
                end
            end
            S_CNEW: begin
                we_e    = onehot(loc_idx(p0_loc));
                we_v    = onehot(loc_idx(p0_loc));
                waddr   = loc_bkt(p0_loc);
                wdata_e = new_ent;
                wdata_v = 1'b1;
                state_n = S_IDLE;
            end
            default: state_n = S_IDLE;
        endcase
        if (rst) begin
            we_e = {NW{1'b0}};
            we_v = {NW{1'b0}};
        end
    end

    // ------------------------------------------------------------------ sequential part
    always @(posedge clk) begin
        lk_done        <= 1'b0;
        rb_done        <= 1'b0;
        ins_done       <= 1'b0;
        ev_insert      <= 1'b0;
        ev_insert_fail <= 1'b0;
        ev_aged        <= 8'd0;
        ev_kicks       <= 8'd0;
        if (rst) begin
            state     <= S_CLR;
            op_ready  <= 1'b0;
            clr_idx   <= {BKT_W{1'b0}};
            sw_idx    <= {BKT_W{1'b0}};
            lfsr      <= LFSR_INIT;
            occupancy <= 32'd0;
            npath     <= {PN_W{1'b0}};
            nsteps    <= {PN_W{1'b0}};
            ci        <= {PN_W{1'b0}};
            cb        <= 1'b0;
            cbkt      <= {BKT_W{1'b0}};
            reuse_q   <= 1'b0;
            lk_hit    <= 1'b0;
            lk_loc    <= {LOC_W{1'b0}};
            lk_entry  <= {EW{1'b0}};
            lk_hash   <= 32'd0;
            ins_ok    <= 1'b0;
            rb_entry  <= {EW{1'b0}};
        end else begin
            state    <= state_n;
            op_ready <= (state_n == S_IDLE);
            case (state)
                S_CLR: clr_idx <= clr_idx + 1'b1;
                S_IDLE: begin
                    if (lk_valid) begin
                        key_q  <= lk_key;
                        hash_q <= crc_out;
                        now_q  <= now;
                    end else if (ins_valid) begin
                        new_q  <= ins_entry[EW-1:1];
                        hash_q <= crc_out;
                        now_q  <= now;
                        cb     <= 1'b0;
                        cbkt   <= crc_out[0 +: BKT_W];
                        npath  <= {PN_W{1'b0}};
                    end else if (up_valid) begin
                        // occupancy unchanged
                    end else if (del_valid) begin
                        occupancy <= occupancy - 32'd1;
                    end else if (rb_valid) begin
                        rb_loc_q <= rb_loc;
                    end else if (sweep_allow) begin
                        now_q <= now;
                    end
                end
                S_LK: begin
                    lk_done  <= 1'b1;
                    lk_hit   <= hit_any;
                    lk_hash  <= hash_q;
                    lk_loc   <= hit_any ? {hit_k[WAY_W],
                                           hit_k[WAY_W] ? hash_q[16 +: BKT_W] : hash_q[0 +: BKT_W],
                                           hit_k[WAY_W-1:0]}
                                        : {LOC_W{1'b0}};
                    lk_entry <= hit_any ? ent_sel : {EW{1'b0}};
                end
                S_RB: begin
                    rb_done  <= 1'b1;
                    rb_entry <= ent_sel;
                end
                S_SW: begin
                    ev_aged   <= {{(8-CNT_W){1'b0}}, sw_cnt};
                    occupancy <= occupancy - {{(32-CNT_W){1'b0}}, sw_cnt};
                    sw_idx    <= sw_idx + 1'b1;
                end
                S_ICHK: begin
                    if (free0_any || free1_any) begin
                        ins_done  <= 1'b1;
                        ins_ok    <= 1'b1;
                        ev_insert <= 1'b1;
                        if (pick0 ? valid_w[{1'b0, free0_way}] : valid_w[{1'b1, free1_way}])
                            ev_aged   <= 8'd1;
                        else
                            occupancy <= occupancy + 32'd1;
                    end else if (walk_ok) begin
                        // first displacement step: bank 0, bucket b0 (cb = 0, cbkt = b0)
                        lfsr                   <= lfsr_n;
                        path_q[0 +: LOC_W]     <= kloc;
                        npath                  <= {{(PN_W-1){1'b0}}, 1'b1};
                        nsteps                 <= {{(PN_W-1){1'b0}}, 1'b1};
                        cb                     <= ~cb;
                        cbkt                   <= vbkt;
                    end else begin
                        ins_done       <= 1'b1;
                        ins_ok         <= 1'b0;
                        ev_insert_fail <= 1'b1;
                    end
                end
                S_WEV: begin
                    if (freec_any) begin
                        path_q[npath*LOC_W +: LOC_W] <= {cb, cbkt, freec_way};
                        ci      <= npath;
                        reuse_q <= freec_vld;
                    end else if (nsteps == MAXK) begin
                        ins_done       <= 1'b1;
                        ins_ok         <= 1'b0;
                        ev_insert_fail <= 1'b1;
                    end else begin
                        lfsr   <= lfsr_n;
                        nsteps <= nsteps + 1'b1;
                        if (!inpath) begin
                            path_q[npath*LOC_W +: LOC_W] <= kloc;
                            npath <= npath + 1'b1;
                            cb    <= ~cb;
                            cbkt  <= vbkt;
                        end
                    end
                end
                S_CWR: ci <= ci_m1;
                S_CNEW: begin
                    ins_done  <= 1'b1;
                    ins_ok    <= 1'b1;
                    ev_insert <= 1'b1;
                    ev_kicks  <= {{(8-PN_W){1'b0}}, npath};
                    if (reuse_q)
                        ev_aged   <= 8'd1;
                    else
                        occupancy <= occupancy + 32'd1;
                end
                default: ;
            endcase
        end
    end
endmodule
