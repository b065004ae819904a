`resetall
`default_nettype none

// session_table: Nezha session table (datapath-spec 4.6): 2 banks x SESS_WAYS ways x 2**SESS_LOG2 buckets of
// words; a word holds one full NZ_ENTRY_W-bit entry or up to two compact entries (key and state, no actions).
// CRC-32C bucket hashing, deterministic cuckoo insert (full entries displace full entries, compact entries
// displace compact entries), background sweeper.
//
// Storage: per (bank, way) two NZ_HALF_W-bit ram_sdp "halves" and three 1-bit ram_sdp: v0, v1 (valid of each
// half) and pr (PAIR: the word holds compact entries). A full entry is half 0 = {key, state} and half 1 = its two
// actions (nezha_types.vh); PAIR = 0. A compact entry is one half {key, state}; PAIR = 1. Slot (word, h) is valid
// iff (half h bit 0) & v_h, and for h = 1 also PAIR. A read of one bucket address per bank returns both whole
// buckets at once; every write touches one word. Delete and the sweeper only write a 0 into v_h: "clear valid,
// keep every other field" in one cycle without a read-modify-write. Writing a full entry, or a compact entry
// into an empty word, also clears the other half's valid.
//
// Hash: H = crc32c(key) over the 16 key bytes, MSB first; bank 0 bucket = H[SESS_LOG2-1:0],
// bank 1 bucket = H[16 +: SESS_LOG2]. Word location {bank, bucket, way}; slot location
// loc = {half, bank, bucket, way} (LOC_W = 2 + SESS_LOG2 + log2(SESS_WAYS)); full entries are at half 0.
// Lookup order: bank 0 ways 0..W-1 (half 0, then half 1 of each word), then bank 1.
//
// Protocol: one operation at a time. An operation is issued by holding exactly one of lk_valid, ins_valid,
// up_valid, del_valid, rb_valid high for one cycle while op_ready is high (if several are high the first of
// lk, ins, up, del, rb is served and the others are ignored; requests while op_ready is low are ignored).
// `now` is sampled in the issue cycle of lookups and inserts (and at the start of a sweep step) and used for
// the whole operation; cfg_idle_to / cfg_close_to are used live (they are quasi-static registers).
// ins_compact / up_compact say the entry is compact (its actions are not stored; a compact lk_entry / rb_entry
// has zero actions and lk_compact / rb_compact set). A full update ignores the half bit of up_loc.
//
// Latencies (issue cycle = t, op_ready high in cycle t):
//   lookup     lk_done (with lk_hit/lk_loc/lk_entry/lk_hash/lk_compact) in cycle t+2; op_ready low in t+1,
//              high in t+2, so back-to-back lookups run at one per 2 cycles.
//   update     written at the end of cycle t; op_ready stays high (an operation in t+1 sees the new data).
//   delete     idem; occupancy decrements at the end of cycle t.
//   read-back  rb_done/rb_entry/rb_compact in cycle t+2.
//   insert     full: an empty word in either bucket (the bucket with more empty words, bank 0 on a tie):
//              ins_done in t+2. Else the displacement walk: each step draws a way (and, for a compact insert,
//              a half) of the current bucket with the LFSR and moves that entry to its bucket in the other bank,
//              until that bucket has room. A full entry needs an empty word and displaces only full entries;
//              a compact one needs a free half and displaces only compact entries.
//              compact: in the bucket with more free halves (2 per empty word, 1 per PAIR word with one live
//              slot; bank 0 on a tie) the free half of its first such PAIR word, else half 0 of its first
//              empty word: ins_done in t+2; during the walk the same order within the one bucket.
//              With k displacements: ins_done in t+4+3k (2 cycles per walk step, then k+2 commit cycles; a step
//              that draws a slot already on the path or an entry of the other kind costs 1 cycle and moves
//              nothing). Failure after MAX_KICKS steps: ins_done in at most t+2+2*MAX_KICKS.
//   sweep step starts in a cycle where op_ready and sweep_allow are high and no request is present; it reads
//              bucket sw of both banks and clears every expired valid slot of those two buckets in the next
//              cycle; op_ready is low for exactly 1 cycle.
//   reset      after rst the table clears itself (2**SESS_LOG2 cycles, op_ready low meanwhile).
// All outputs are registered. lk_hit/lk_loc/lk_entry/lk_hash/lk_compact hold until the next lookup completes,
// rb_entry/rb_compact until the next read-back; lk_loc and lk_entry are 0 on a miss. ev_* are one-cycle
// increments (ev_aged counts every valid expired slot overwritten or cleared by a write of an insert).
//
// Requirements: SESS_WAYS a power of 2 and 2 <= SESS_WAYS <= 32; 1 <= SESS_LOG2 <= 16; 0 <= MAX_KICKS <= 126.
module session_table #(
    parameter SESS_LOG2 = 4,
    parameter SESS_WAYS = 2,
    parameter MAX_KICKS = 4
) (
    clk, rst,
    cfg_idle_to, cfg_close_to, now,
    op_ready,
    lk_valid, lk_key, lk_done, lk_hit, lk_loc, lk_entry, lk_hash, lk_compact,
    up_valid, up_loc, up_entry, up_compact,
    del_valid, del_loc,
    ins_valid, ins_entry, ins_compact, ins_done, ins_ok,
    rb_valid, rb_loc, rb_done, rb_entry, rb_compact,
    sweep_allow,
    ev_insert, ev_insert_fail, ev_aged, ev_kicks,
    occupancy
);
    /* verilator lint_off UNUSEDPARAM */
`include "nezha_types.vh"
    /* verilator lint_on UNUSEDPARAM */

    localparam integer WAY_W  = $clog2(SESS_WAYS);
    localparam integer BKT_W  = SESS_LOG2;
    localparam integer WLOC_W = 1 + BKT_W + WAY_W;         // word location {bank, bucket, way}
    localparam integer LOC_W  = 1 + WLOC_W;                // slot location {half, bank, bucket, way}
    localparam integer NW     = 2 * SESS_WAYS;             // words of both buckets; index k = {bank, way}
    localparam integer NS     = 2 * NW;                    // slots of both buckets; index {bank, way, half}
    localparam integer EW     = NZ_ENTRY_W;
    localparam integer HW     = NZ_HALF_W;
    localparam integer PN_W   = $clog2(MAX_KICKS + 2);     // path index / length 0..MAX_KICKS+1
    localparam integer CNT_W  = $clog2(NS + 1);
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
                     S_ICHK = 4'd5,   // insert: both buckets on the RAM outputs; free slot or first kick
                     S_WRD  = 4'd6,   // walk: read bucket cbkt of bank cb
                     S_WEV  = 4'd7,   // walk: that bucket is on the RAM outputs; empty word or next kick
                     S_CRD  = 4'd8,   // commit: read path[ci-1]
                     S_CWR  = 4'd9,   // commit: write path[ci] <- old path[ci-1], read path[ci-2]
                     S_CNEW = 4'd10;  // commit: write the new entry at path[0]

    // word writes (one word per cycle; the sweeper and the reset clear are handled apart)
    localparam [2:0] WM_NONE = 3'd0,  // no write
                     WM_FULL = 3'd1,  // full entry: half 0, half 1, v0 = wvalid, v1 = 0, PAIR = 0
                     WM_C0   = 3'd2,  // compact entry in half 0: v0 = wvalid, PAIR = 1
                     WM_C1   = 3'd3,  // compact entry in half 1: v1 = wvalid, PAIR = 1
                     WM_CE   = 3'd4,  // compact entry into an empty word: half 0, v0 = 1, v1 = 0, PAIR = 1
                     WM_DEL0 = 3'd5,  // v0 = 0
                     WM_DEL1 = 3'd6;  // v1 = 0

    input  wire                 clk;
    input  wire                 rst;
    input  wire [14:0]          cfg_idle_to;
    input  wire [14:0]          cfg_close_to;
    input  wire [15:0]          now;
    output reg                  op_ready;
    input  wire                 lk_valid;
    input  wire [NZ_KEY_W-1:0]  lk_key;
    output reg                  lk_done;
    output reg                  lk_hit;
    output reg  [LOC_W-1:0]     lk_loc;
    output reg  [EW-1:0]        lk_entry;
    output reg  [31:0]          lk_hash;
    output reg                  lk_compact;
    input  wire                 up_valid;
    input  wire [LOC_W-1:0]     up_loc;
    input  wire [EW-1:0]        up_entry;
    input  wire                 up_compact;
    input  wire                 del_valid;
    input  wire [LOC_W-1:0]     del_loc;
    input  wire                 ins_valid;
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [EW-1:0]        ins_entry;      // bit 0 (valid) is ignored: inserted entries are valid
    /* verilator lint_on UNUSEDSIGNAL */
    input  wire                 ins_compact;
    output reg                  ins_done;
    output reg                  ins_ok;
    input  wire                 rb_valid;
    input  wire [LOC_W-1:0]     rb_loc;
    output reg                  rb_done;
    output reg  [EW-1:0]        rb_entry;
    output reg                  rb_compact;
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
    reg [NZ_KEY_W-1:0]          key_q;          // lookup key
    reg [31:0]                  hash_q;         // H of the lookup / insert key
    reg [EW-1:1]                new_q;          // entry being inserted (valid bit forced to 1)
    reg                         cmp_q;          // ... is compact
    reg [LOC_W-1:0]             rb_loc_q;
    reg [15:0]                  lfsr;
    reg                         cb;             // walk: current bank
    reg [BKT_W-1:0]             cbkt;           // walk: current bucket in bank cb
    reg [(MAX_KICKS+1)*LOC_W-1:0] path_q;       // walk path of slots; path[i] at [i*LOC_W +: LOC_W]
    reg [PN_W-1:0]              npath;          // number of kicked words in path_q
    reg [PN_W-1:0]              nsteps;         // walk steps taken (a skipped word is a step with no kick)
    reg [PN_W-1:0]              ci;             // commit: destination index
    reg [1:0]                   reuse_q;        // valid (expired) slots the write at the end of the walk replaces
    reg                         endce_q;        // compact walk ends in an empty word (else in a PAIR word's free half)

    // ------------------------------------------------------------------ storage and bucket decode
    reg  [2:0]                  wmode;
    reg  [WAY_W:0]              wk;
    reg  [EW-1:0]               wentry;
    reg  [BKT_W-1:0]            waddr;
    reg  [1:0]                  re_b;
    reg  [BKT_W-1:0]            raddr0, raddr1;
    wire [NW*HW-1:0]            h0_rd, h1_rd;
    wire [NW-1:0]               v0_rd, v1_rd, pr_rd;
    reg  [NW-1:0]               sw_v0, sw_v1;   // the sweeper's clears: valid expired slots
    integer                     j, c, n, k;     // loop variables (one per always block)

    sess_store #(.SESS_LOG2(SESS_LOG2), .SESS_WAYS(SESS_WAYS)) u_store (
        .clk(clk), .rst(rst), .re_b(re_b), .raddr0(raddr0), .raddr1(raddr1),
        .h0_rd(h0_rd), .h1_rd(h1_rd), .v0_rd(v0_rd), .v1_rd(v1_rd), .pr_rd(pr_rd),
        .wmode(wmode), .wk(wk), .waddr(waddr), .wentry(wentry),
        .clr(state == S_CLR), .sweep(state == S_SW), .sw_v0(sw_v0), .sw_v1(sw_v1)
    );

    wire [NS*HW-1:0]            simg;           // slot images as seen (bit 0 = valid of the slot)
    wire [NS-1:0]               valid_s, expd_s, live_s;
    wire [2*NW-1:0]             nval_w;         // valid slots per word, 2 bits each
    wire [CNT_W-1:0]            sw_cnt;         // expired valid slots in the swept buckets
    wire                        hit_any;
    wire [WAY_W+1:0]            hit_s;          // {bank, way, half}
    wire                        free0_any, free1_any, hf0_any, hf1_any;
    wire [WAY_W-1:0]            free0_way, free1_way, hf0_way, hf1_way;
    wire [WAY_W:0]              nfree0, nfree1;
    wire [WAY_W+1:0]            nfh0, nfh1;

    sess_bucket #(.SESS_WAYS(SESS_WAYS)) u_bucket (
        .h0_rd(h0_rd), .h1_rd(h1_rd), .v0_rd(v0_rd), .v1_rd(v1_rd), .pr_rd(pr_rd), .now(now_q),
        .cfg_idle_to(cfg_idle_to), .cfg_close_to(cfg_close_to), .key(key_q),
        .simg(simg), .valid_s(valid_s), .expd_s(expd_s), .live_s(live_s), .nval_w(nval_w),
        .sw_cnt(sw_cnt), .hit_any(hit_any), .hit_s(hit_s), .free0_any(free0_any), .free1_any(free1_any),
        .free0_way(free0_way), .free1_way(free1_way), .nfree0(nfree0), .nfree1(nfree1), .hf0_any(hf0_any),
        .hf1_any(hf1_any), .hf0_way(hf0_way), .hf1_way(hf1_way), .nfh0(nfh0), .nfh1(nfh1)
    );
    always @* begin
        for (k = 0; k < NW; k = k + 1) begin
            sw_v0[k] = valid_s[2*k]   & expd_s[2*k];
            sw_v1[k] = valid_s[2*k+1] & expd_s[2*k+1];
        end
    end

    // ------------------------------------------------------------------ walk step
    wire [15:0]       lfsr_n = {1'b0, lfsr[15:1]} ^ (lfsr[0] ? LFSR_TAPS : 16'h0000);
    wire [WAY_W-1:0]  kway   = lfsr_n[WAY_W-1:0];           // victim way of this step
    wire              khalf  = cmp_q & lfsr_n[WAY_W];       // victim half (compact walk; a full walk kicks half 0)
    wire [LOC_W-1:0]  kloc   = {khalf, cb, cbkt, kway};
    wire [WAY_W:0]    kidx   = {cb, kway};
    wire              freec_any = cb ? free1_any : free0_any;
    wire [WAY_W-1:0]  freec_way = cb ? free1_way : free0_way;
    wire [WAY_W:0]    freec_k   = {cb, freec_way};
    wire [1:0]        freec_nv  = nval_w[{freec_k, 1'b0} +: 2];    // valid (expired) slots of the empty word
    // room for a compact entry in bucket cbkt of bank cb: the free half of its first PAIR word with one, else
    // half 0 of its first empty word
    wire              hfc_any   = cb ? hf1_any : hf0_any;
    wire [WAY_W-1:0]  hfc_way   = cb ? hf1_way : hf0_way;
    wire              hfc_half  = live_s[{cb, hfc_way, 1'b0}];
    wire              roomc     = cmp_q ? (hfc_any | freec_any) : freec_any;
    wire [LOC_W-1:0]  endc_loc  = (cmp_q && hfc_any) ? {hfc_half, cb, cbkt, hfc_way} : {1'b0, cb, cbkt, freec_way};
    wire [1:0]        endc_nv   = (cmp_q && hfc_any) ? {1'b0, valid_s[{cb, hfc_way, hfc_half}]} : freec_nv;
    reg               inpath;
    always @* begin
        inpath = 1'b0;
        for (j = 0; j < MAX_KICKS; j = j + 1)
            if (j < npath && path_q[j*LOC_W +: LOC_W] == kloc) inpath = 1'b1;
    end
    // a step moves nothing if it draws a slot already on the path or an entry of the other kind (a full walk
    // leaves PAIR words alone, a compact walk full words)
    wire              kskip  = inpath | (pr_rd[kidx] != cmp_q);

    /* verilator lint_off UNUSEDSIGNAL */
    function [WAY_W:0] loc_idx;                     // word index {bank, way} of a word or slot location
        input [WLOC_W-1:0] l;
        loc_idx = {l[WLOC_W-1], l[WAY_W-1:0]};
    endfunction
    function [BKT_W-1:0] loc_bkt;
        input [WLOC_W-1:0] l;
        loc_bkt = l[WAY_W +: BKT_W];
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // ------------------------------------------------------------------ commit locations
    wire [PN_W-1:0]   ci_m1   = ci - 1'b1;
    wire [PN_W-1:0]   ci_m2   = ci_m1 - 1'b1;
    reg  [LOC_W-1:0]  dst_loc, src_loc;                  // path[ci], path[ci-1]
    reg  [WLOC_W-1:0] nxt_loc;                           // word of path[ci-2]
    always @* begin
        dst_loc = {LOC_W{1'b0}};
        src_loc = {LOC_W{1'b0}};
        nxt_loc = {WLOC_W{1'b0}};
        for (c = 0; c <= MAX_KICKS; c = c + 1) begin
            if (ci    == c[PN_W-1:0]) dst_loc = path_q[c*LOC_W +: LOC_W];
            if (ci_m1 == c[PN_W-1:0]) src_loc = path_q[c*LOC_W +: LOC_W];
            if (ci_m2 == c[PN_W-1:0]) nxt_loc = path_q[c*LOC_W +: WLOC_W];
        end
    end
    wire [WLOC_W-1:0] crd_loc = (state == S_CRD) ? src_loc[WLOC_W-1:0] : nxt_loc;
    wire [LOC_W-1:0]  p0_loc  = path_q[0 +: LOC_W];
    // a commit write: the whole word for a full walk, the one half for a compact one (the end of a compact walk
    // in an empty word also clears the word's other half and sets PAIR)
    wire [2:0] cw_mode = !cmp_q ? WM_FULL : (ci == npath && endce_q) ? WM_CE : dst_loc[LOC_W-1] ? WM_C1 : WM_C0;
    wire [2:0] cn_mode = !cmp_q ? WM_FULL : p0_loc[LOC_W-1] ? WM_C1 : WM_C0;

    wire [EW-1:0] new_ent = {new_q[EW-1:1], 1'b1};  // inserted entries are always valid

    // one shared entry multiplexer over the 2W words / 4W slots: lookup hit, read-back, commit source, victim.
    // A slot reads as a full entry (key and state of half 0, actions of half 1) at half 0 of a word without
    // PAIR, else as a compact entry (zero actions).
    reg [WAY_W+1:0] sel_s;                          // {bank, way, half}
    reg [HW-1:0]    sel_img;
    reg [179:0]     sel_act;
    reg             sel_cmp;
    always @* begin
        case (state)
            S_LK:    sel_s = hit_s;
            S_RB:    sel_s = {loc_idx(rb_loc_q[WLOC_W-1:0]), rb_loc_q[LOC_W-1]};
            S_CWR:   sel_s = {loc_idx(src_loc[WLOC_W-1:0]), src_loc[LOC_W-1]};
            default: sel_s = {kidx, khalf};
        endcase
        sel_img = {HW{1'b0}};
        sel_act = 180'd0;
        sel_cmp = 1'b0;
        for (n = 0; n < NS; n = n + 1)
            if (sel_s == n[WAY_W+1:0]) begin
                sel_img = simg[n*HW +: HW];
                sel_cmp = (n % 2 == 1) | pr_rd[n/2];
                if (!sel_cmp) sel_act = h1_rd[(n/2)*HW +: 180];
            end
    end
    wire [EW-1:0] ent_sel = {sel_img[NZ_H_KEY +: 128], sel_act, sel_img[NZ_H_KEY-1:0]};

    wire [NZ_KEY_W-1:0] vkey = sel_img[NZ_H_KEY +: NZ_KEY_W];   // victim key (slot {kidx, khalf})

    // CRC: the lookup/insert key in S_IDLE, the victim's key during the walk
    wire [NZ_KEY_W-1:0] crc_in = (state == S_IDLE) ? (lk_valid ? lk_key : ins_entry[NZ_E_KEY +: NZ_KEY_W]) : vkey;
    wire [31:0]  crc_out;
    crc32c #(.NBYTES(16)) u_crc (.data(crc_in), .crc(crc_out));
    // bucket of the victim in the other bank (1 - cb)
    wire [BKT_W-1:0] vbkt = cb ? crc_out[0 +: BKT_W] : crc_out[16 +: BKT_W];

    wire          walk_ok = (MAX_KICKS > 0);
    // an entry that needs an empty word goes to the bucket with more empty words (bank 0 on a tie)
    wire          pick0   = free0_any && (nfree0 >= nfree1);
    wire [WAY_W:0] pick_k = pick0 ? {1'b0, free0_way} : {1'b1, free1_way};
    // a compact insert: the bucket with more free halves (bank 0 on a tie); in it the free half of the first
    // PAIR word with one, else half 0 of its first empty word
    wire          cpick0  = (nfh0 != 0) && (nfh0 >= nfh1);
    wire          cfree   = (nfh0 != 0) || (nfh1 != 0);
    wire          hf_any  = cpick0 ? hf0_any : hf1_any;
    wire [WAY_W:0] hf_k   = cpick0 ? {1'b0, hf0_way} : {1'b1, hf1_way};
    wire [WAY_W:0] ce_k   = cpick0 ? {1'b0, free0_way} : {1'b1, free1_way};
    wire          hf_half = live_s[{hf_k, 1'b0}];          // slot 0 live -> half 1 is the free one
    wire          hf_val  = valid_s[{hf_k, hf_half}];      // that half holds an expired entry

    // ------------------------------------------------------------------ next state and RAM ports
    reg [3:0]      state_n;
    always @* begin
        state_n = state;
        wmode   = WM_NONE;
        wk      = {(WAY_W+1){1'b0}};
        wentry  = new_ent;
        waddr   = {BKT_W{1'b0}};
        re_b    = 2'b00;
        raddr0  = {BKT_W{1'b0}};
        raddr1  = {BKT_W{1'b0}};
        case (state)
            S_CLR: begin
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
                    wmode   = !up_compact ? WM_FULL : up_loc[LOC_W-1] ? WM_C1 : WM_C0;
                    wk      = loc_idx(up_loc[WLOC_W-1:0]);
                    waddr   = loc_bkt(up_loc[WLOC_W-1:0]);
                    wentry  = up_entry;
                end else if (del_valid) begin
                    wmode   = del_loc[LOC_W-1] ? WM_DEL1 : WM_DEL0;
                    wk      = loc_idx(del_loc[WLOC_W-1:0]);
                    waddr   = loc_bkt(del_loc[WLOC_W-1:0]);
                end else if (rb_valid) begin
                    re_b    = 2'b11;
                    raddr0  = loc_bkt(rb_loc[WLOC_W-1:0]);
                    raddr1  = loc_bkt(rb_loc[WLOC_W-1:0]);
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
                waddr   = sw_idx;
                state_n = S_IDLE;
            end
            S_ICHK: begin
                if (cmp_q && cfree) begin
                    wmode   = hf_any ? (hf_half ? WM_C1 : WM_C0) : WM_CE;
                    wk      = hf_any ? hf_k : ce_k;
                    waddr   = cpick0 ? hash_q[0 +: BKT_W] : hash_q[16 +: BKT_W];
                    state_n = S_IDLE;
                end else if (!cmp_q && (free0_any || free1_any)) begin
                    wmode   = WM_FULL;
                    wk      = pick_k;
                    waddr   = pick0 ? hash_q[0 +: BKT_W] : hash_q[16 +: BKT_W];
                    state_n = S_IDLE;
                end else begin
                    // first step: a skipped draw moves nothing and the next step draws again in b0, whose
                    // bucket is still on the RAM outputs
                    state_n = walk_ok ? (kskip ? S_WEV : S_WRD) : S_IDLE;
                end
            end
            S_WRD: begin
                re_b[cb] = 1'b1;
                raddr0   = cbkt;
                raddr1   = cbkt;
                state_n  = S_WEV;
            end
            S_WEV: begin
                if (roomc)                          state_n = S_CRD;
                else if (nsteps == MAXK)            state_n = S_IDLE;   // fail
                else if (kskip)                     state_n = S_WEV;    // nothing moved: next step, same bucket
                else                                state_n = S_WRD;
            end
            S_CRD, S_CWR: begin
                if (state == S_CWR) begin
                    wmode   = cw_mode;
                    wk      = loc_idx(dst_loc[WLOC_W-1:0]);
                    waddr   = loc_bkt(dst_loc[WLOC_W-1:0]);
                    wentry  = ent_sel;
                    state_n = (ci_m1 == {PN_W{1'b0}}) ? S_CNEW : S_CWR;
                end else begin
                    state_n = S_CWR;
                end
                if (state == S_CRD || ci_m1 != {PN_W{1'b0}}) begin
                    re_b[crd_loc[WLOC_W-1]] = 1'b1;
                    raddr0 = loc_bkt(crd_loc);
                    raddr1 = loc_bkt(crd_loc);
                end
            end
            S_CNEW: begin
                wmode   = cn_mode;
                wk      = loc_idx(p0_loc[WLOC_W-1:0]);
                waddr   = loc_bkt(p0_loc[WLOC_W-1:0]);
                state_n = S_IDLE;
            end
            default: state_n = S_IDLE;
        endcase
    end

    // ------------------------------------------------------------------ sequential part
    // valid (expired) slots an insert's write overwrites or clears: both halves of a word taken whole, or the
    // one half taken in a PAIR word
    wire [1:0] ichk_aged = !cmp_q ? nval_w[{pick_k, 1'b0} +: 2] : hf_any ? {1'b0, hf_val} : nval_w[{ce_k, 1'b0} +: 2];
    always @(posedge clk) begin
        lk_done        <= 1'b0;
        rb_done        <= 1'b0;
        ins_done       <= 1'b0;
        ev_insert      <= 1'b0;
        ev_insert_fail <= 1'b0;
        ev_aged        <= 8'd0;
        ev_kicks       <= 8'd0;
        if (rst) begin
            state      <= S_CLR;
            op_ready   <= 1'b0;
            clr_idx    <= {BKT_W{1'b0}};
            sw_idx     <= {BKT_W{1'b0}};
            lfsr       <= LFSR_INIT;
            occupancy  <= 32'd0;
            npath      <= {PN_W{1'b0}};
            nsteps     <= {PN_W{1'b0}};
            ci         <= {PN_W{1'b0}};
            cb         <= 1'b0;
            cbkt       <= {BKT_W{1'b0}};
            cmp_q      <= 1'b0;
            reuse_q    <= 2'd0;
            endce_q    <= 1'b0;
            lk_hit     <= 1'b0;
            lk_loc     <= {LOC_W{1'b0}};
            lk_entry   <= {EW{1'b0}};
            lk_hash    <= 32'd0;
            lk_compact <= 1'b0;
            ins_ok     <= 1'b0;
            rb_entry   <= {EW{1'b0}};
            rb_compact <= 1'b0;
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
                        cmp_q  <= ins_compact;
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
                    lk_done    <= 1'b1;
                    lk_hit     <= hit_any;
                    lk_hash    <= hash_q;
                    lk_loc     <= hit_any ? {hit_s[0], hit_s[WAY_W+1],
                                             hit_s[WAY_W+1] ? hash_q[16 +: BKT_W] : hash_q[0 +: BKT_W],
                                             hit_s[WAY_W:1]}
                                          : {LOC_W{1'b0}};
                    lk_entry   <= hit_any ? ent_sel : {EW{1'b0}};
                    lk_compact <= hit_any & sel_cmp;
                end
                S_RB: begin
                    rb_done    <= 1'b1;
                    rb_entry   <= ent_sel;
                    rb_compact <= sel_cmp;
                end
                S_SW: begin
                    ev_aged   <= {{(8-CNT_W){1'b0}}, sw_cnt};
                    occupancy <= occupancy - {{(32-CNT_W){1'b0}}, sw_cnt};
                    sw_idx    <= sw_idx + 1'b1;
                end
                S_ICHK: begin
                    if (cmp_q ? cfree : (free0_any || free1_any)) begin
                        ins_done  <= 1'b1;
                        ins_ok    <= 1'b1;
                        ev_insert <= 1'b1;
                        ev_aged   <= {6'd0, ichk_aged};
                        occupancy <= occupancy + 32'd1 - {30'd0, ichk_aged};
                    end else if (walk_ok) begin
                        // first displacement step: bank 0, bucket b0 (cb = 0, cbkt = b0)
                        lfsr   <= lfsr_n;
                        nsteps <= {{(PN_W-1){1'b0}}, 1'b1};
                        if (!kskip) begin
                            path_q[0 +: LOC_W] <= kloc;
                            npath               <= {{(PN_W-1){1'b0}}, 1'b1};
                            cb                  <= ~cb;
                            cbkt                <= vbkt;
                        end
                    end else begin
                        ins_done       <= 1'b1;
                        ins_ok         <= 1'b0;
                        ev_insert_fail <= 1'b1;
                    end
                end
                S_WEV: begin
                    if (roomc) begin
                        path_q[npath*LOC_W +: LOC_W] <= endc_loc;
                        ci      <= npath;
                        reuse_q <= endc_nv;
                        endce_q <= cmp_q & ~hfc_any;
                    end else if (nsteps == MAXK) begin
                        ins_done       <= 1'b1;
                        ins_ok         <= 1'b0;
                        ev_insert_fail <= 1'b1;
                    end else begin
                        lfsr   <= lfsr_n;
                        nsteps <= nsteps + 1'b1;
                        if (!kskip) begin
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
                    ev_aged   <= {6'd0, reuse_q};
                    occupancy <= occupancy + 32'd1 - {30'd0, reuse_q};
                end
                default: ;
            endcase
        end
    end
endmodule

`resetall
