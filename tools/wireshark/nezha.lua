-- Wireshark / tshark dissector for the Nezha context: the Geneve option (class 0xFF4E, type 0x01) that Nezha
-- load sharing carries in its REQUEST, VERDICT, PROBE and PROBE_REPLY packets (docs/nezha-offload.md section 3).
--
--   tshark -X lua_script:tools/wireshark/nezha.lua -r capture.pcapng -Y nezha
--   tshark -X lua_script:tools/wireshark/nezha.lua -r capture.pcapng -T fields -e nezha.kind -e nezha.vnic ...
--
-- Wireshark's own Geneve dissector (4.0) shows the option as class/type/length and "unknown option data"; it offers
-- no table to hook an option decoder into. So this script takes UDP port 6081 itself: it reads the Geneve option
-- area, adds a "Nezha context" tree with filterable fields for each Nezha option found, then hands the packet to
-- the stock Geneve dissector, which dissects the rest (and the inner frame) as before. Packets without the option
-- are dissected exactly as without the script. See tools/wireshark/README.md.

local nezha = Proto("nezha", "Nezha context (Geneve option 0xFF4E/0x01)")

local OPTION_CLASS, OPTION_TYPE, OPTION_DATA_WORDS = 0xFF4E, 0x01, 5
local GENEVE_PORT = 6081
local KIND_REQUEST, KIND_VERDICT, KIND_PROBE, KIND_PROBE_REPLY = 1, 2, 3, 4

local kinds = { [1] = "REQUEST", [2] = "VERDICT", [3] = "PROBE", [4] = "PROBE_REPLY" }
local dirs = { [0] = "ingress (towards the VM)", [1] = "egress (from the VM)" }
local tuns = { [0] = "VXLAN", [1] = "Geneve" }
local acts = { [0] = "none", [2] = "ENCAP", [3] = "ENCAP_GENEVE" }

local f = nezha.fields
f.kind = ProtoField.uint8("nezha.kind", "Kind", base.DEC, kinds)
f.flags = ProtoField.uint8("nezha.flags", "Flags", base.HEX)
f.dir = ProtoField.uint8("nezha.dir", "DIR", base.DEC, dirs, 0x01)
f.tun = ProtoField.uint8("nezha.tun", "TUN (the original sender's tunnel)", base.DEC, tuns, 0x02)
f.flags_reserved = ProtoField.uint8("nezha.flags.reserved", "Reserved flags", base.HEX, nil, 0xFC)
f.vnic = ProtoField.uint8("nezha.vnic", "vNIC (id on the back end)", base.DEC)
f.version = ProtoField.uint8("nezha.version", "Version (table version of the vNIC)", base.DEC)
f.be_id = ProtoField.ipv4("nezha.be_id", "BE_ID (back end's VTEP; PROBE: the prober's)")
f.vtep = ProtoField.ipv4("nezha.vtep", "VTEP")
f.tick = ProtoField.uint32("nezha.tick", "Tick (the prober's, echoed)", base.DEC)
f.mac = ProtoField.ether("nezha.mac", "MAC")
f.act = ProtoField.uint8("nezha.act", "ACT (action type)", base.DEC, acts)
f.reserved = ProtoField.uint8("nezha.reserved", "Reserved", base.HEX)
f.option_index = ProtoField.uint8("nezha.option_index", "Position in the option area (0 = first)", base.DEC)

local e_bad = ProtoExpert.new("nezha.bad", "Malformed Nezha context: the card drops it (CTX_BAD)",
    expert.group.MALFORMED, expert.severity.ERROR)
local e_not_first = ProtoExpert.new("nezha.not_first", "Not the first Geneve option: the card does not read it",
    expert.group.PROTOCOL, expert.severity.WARN)
nezha.experts = { e_bad, e_not_first }

-- The stock Geneve dissector: what UDP port 6081 leads to before this script takes the port (Lua scripts are loaded
-- after the built-in dissectors have registered their ports). It registers no name of its own to look it up by.
local udp_port = DissectorTable.get("udp.port")
local geneve = udp_port:get_dissector(GENEVE_PORT)

-- Decodes the Nezha option at offset `at` of the Geneve header in `tvb` (the option header's first byte);
-- `area_end` is where the option area ends. Returns a short text for the Info column.
local function decode(tvb, pinfo, tree, at, area_end, index)
    local len_byte = tvb(at + 3, 1):uint()
    local item = tree:add(nezha, tvb(at, math.min(4 + 4 * OPTION_DATA_WORDS, area_end - at)))
    item:add(f.option_index, index):set_generated()
    if index > 0 then item:add_proto_expert_info(e_not_first) end
    if area_end - at < 4 + 4 * OPTION_DATA_WORDS or len_byte ~= OPTION_DATA_WORDS then
        item:add_proto_expert_info(e_bad, "Malformed Nezha context: option length byte 0x" .. string.format("%02X", len_byte) ..
            " or option area too short (the card drops it: CTX_BAD)")
        return "Nezha context (malformed)"
    end
    local d = at + 4
    local kind = tvb(d, 1):uint()
    local flags = tvb(d + 1, 1):uint()
    item:add(f.kind, tvb(d, 1))
    local ft = item:add(f.flags, tvb(d + 1, 1))
    ft:add(f.dir, tvb(d + 1, 1))
    ft:add(f.tun, tvb(d + 1, 1))
    ft:add(f.flags_reserved, tvb(d + 1, 1))
    item:add(f.vnic, tvb(d + 2, 1))
    item:add(f.version, tvb(d + 3, 1))
    item:add(f.be_id, tvb(d + 4, 4))
    local probe = kind == KIND_PROBE or kind == KIND_PROBE_REPLY
    if probe then item:add(f.tick, tvb(d + 8, 4)) else item:add(f.vtep, tvb(d + 8, 4)) end
    item:add(f.mac, tvb(d + 12, 6))
    item:add(f.act, tvb(d + 18, 1))
    item:add(f.reserved, tvb(d + 19, 1))

    local name = kinds[kind] or ("kind " .. kind)
    local act = tvb(d + 18, 1):uint()
    if kinds[kind] == nil or (kind == KIND_VERDICT and flags % 2 == 1 and act ~= 2 and act ~= 3) then
        item:add_proto_expert_info(e_bad, "Malformed Nezha context: " ..
            (kinds[kind] == nil and "KIND not 1..4" or "egress VERDICT with ACT not ENCAP (2) or ENCAP_GENEVE (3)") ..
            " (the card drops it: CTX_BAD)")
    end
    item:append_text(", " .. name)
    if probe then
        item:append_text(", tick " .. tvb(d + 8, 4):uint())
        return "Nezha " .. name .. " tick " .. tvb(d + 8, 4):uint()
    end
    local dir = (flags % 2 == 1) and "egress" or "ingress"
    item:append_text(", " .. dir .. ", vNIC " .. tvb(d + 2, 1):uint() .. " v" .. tvb(d + 3, 1):uint())
    return "Nezha " .. name .. " " .. dir .. " vNIC " .. tvb(d + 2, 1):uint() .. " v" .. tvb(d + 3, 1):uint()
end

function nezha.dissector(tvb, pinfo, tree)
    local summary = nil
    -- Geneve (RFC 8926): version (2 bits) and option length in words (6 bits), flags, protocol, VNI, reserved;
    -- then the options: class (16), type (8), reserved (3 bits) and data length in words (5 bits), data.
    if tvb:len() >= 8 and tvb(0, 1):bitfield(0, 2) == 0 then
        local area_end = math.min(8 + 4 * tvb(0, 1):bitfield(2, 6), tvb:len())
        local at, index = 8, 0
        while at + 4 <= area_end do
            local class, otype = tvb(at, 2):uint(), tvb(at + 2, 1):uint()
            if class == OPTION_CLASS and otype == OPTION_TYPE then
                local s = decode(tvb, pinfo, tree, at, area_end, index)
                summary = summary or s
            end
            at = at + 4 + 4 * tvb(at + 3, 1):bitfield(3, 5)
            index = index + 1
        end
    end
    local consumed = tvb:len()
    if geneve ~= nil then consumed = geneve:call(tvb, pinfo, tree) end
    if summary ~= nil then
        if summary:find("PROBE", 1, true) then pinfo.cols.protocol:set("Nezha") end
        pinfo.cols.info:prepend(summary .. "; ")
    end
    return consumed
end

udp_port:add(GENEVE_PORT, nezha)
