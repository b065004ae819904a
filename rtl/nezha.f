// The RTL of nezha_core: every source file (paths relative to the repository root) and the include
// directory. One list for every tool: Verilator (-f), lint, the module benches (sim/modules), coverage and
// trace builds, and yosys (the Makefile reads the file names and +incdir+ from here).
// Folders by function (docs/architecture.md): lib/ generic blocks, ingress/, parse/, flow/, tables/,
// edit/, egress/, csr/; include/ shared layouts and the generated register map.
+incdir+rtl/include
rtl/lib/ram_sdp.v
rtl/lib/sync_fifo.v
rtl/lib/axis_skid.v
rtl/lib/axis_arb_mux.v
rtl/lib/axis_pad.v
rtl/lib/crc32c.v
rtl/lib/hdr_extract.v
rtl/lib/tick_gen.v
rtl/ingress/ingress_buffer.v
rtl/parse/ipv4_check.v
rtl/parse/l4_parse.v
rtl/parse/geneve_ctx_parse.v
rtl/parse/hdr_parser.v
rtl/flow/fe_select.v
rtl/flow/acl_engine.v
rtl/flow/sess_store.v
rtl/flow/sess_bucket.v
rtl/flow/session_table.v
rtl/flow/sp_store.v
rtl/flow/sp_bucket.v
rtl/flow/sess_walk.v
rtl/flow/pending_cam.v
rtl/flow/sess_pipe.v
rtl/flow/fp_front.v
rtl/flow/fp_classify.v
rtl/flow/fp_record.v
rtl/flow/fp_session.v
rtl/flow/fp_control.v
rtl/flow/fp_slowpath.v
rtl/flow/fp_result.v
rtl/flow/fp_retire.v
rtl/flow/flow_processor.v
rtl/tables/vnic_table.v
rtl/tables/route_lpm.v
rtl/tables/map_table.v
rtl/tables/acl_table.v
rtl/tables/offload_table.v
rtl/tables/fe_group_table.v
rtl/tables/nezha_tables.v
rtl/edit/encap_builder.v
rtl/edit/arp_reply_builder.v
rtl/edit/edit_cmd_slot.v
rtl/edit/pkt_editor.v
rtl/egress/probe_gen.v
rtl/egress/nezha_egress.v
rtl/csr/axil_regs.v
rtl/csr/stats_counters.v
rtl/csr/csr_decode.v
rtl/csr/nezha_csr.v
rtl/nezha_core.v
