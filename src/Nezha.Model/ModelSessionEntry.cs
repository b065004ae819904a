using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>
/// A session action: DELIVER(vnic) or ENCAP(vtep, mac, tunnel) — the tunnel type is the action type
/// (ENCAP = VXLAN, ENCAP_GENEVE = Geneve). Unused fields are 0.
/// </summary>
public readonly record struct ModelSessionAction(ActionType Type, int Vnic, uint Vtep, ulong Mac)
{
    public static ModelSessionAction Deliver(int vnic) => new(ActionType.Deliver, vnic, 0, 0);

    public static ModelSessionAction Encap(uint vtep, ulong mac, TunnelType tunnel = TunnelType.Vxlan) =>
        new(tunnel == TunnelType.Geneve ? ActionType.EncapGeneve : ActionType.Encap, 0, vtep, mac);

    public bool IsEncap => Type is ActionType.Encap or ActionType.EncapGeneve;

    /// <summary>An ENCAP (either tunnel type) to <paramref name="vtep"/>.</summary>
    public bool IsEncapTo(uint vtep) => IsEncap && Vtep == vtep;

    /// <summary>The tunnel of an ENCAP action.</summary>
    public TunnelType Tunnel => Type == ActionType.EncapGeneve ? TunnelType.Geneve : TunnelType.Vxlan;
}

/// <summary>Raw content of one session slot (SESSION read-back layout). Pkts is 32 bits, Bytes 40 bits.</summary>
public struct ModelSessionEntry
{
    public bool Valid;
    public bool InitDir;      // direction (0/1) of the frame that created the entry
    public bool Est;
    public bool Fin0;
    public bool Fin1;
    public ushort Ts;
    public ModelFlowKey Key;
    public uint Pkts;
    public ulong Bytes;       // 40-bit
    public ModelSessionAction Act0;
    public ModelSessionAction Act1;
    /// <summary>A compact entry: key and state only, stored in one half of a word; its actions read as NONE.</summary>
    public bool Compact;
    /// <summary>CRC-32C of <see cref="Key"/> (cached; not part of the slot content).</summary>
    public uint Hash;

    public const ulong BytesMask = (1UL << 40) - 1;

    public readonly ModelSessionAction Act(int dir) => dir == 0 ? Act0 : Act1;
    public readonly bool Fin(int dir) => dir == 0 ? Fin0 : Fin1;

    public void SetFin(int dir)
    {
        if (dir == 0) Fin0 = true; else Fin1 = true;
    }

    /// <summary>Encodes the slot into the 16 SESSION DATA words (unlisted bits 0).</summary>
    public readonly void Encode(Span<uint> d)
    {
        for (int w = 0; w < 16; w++) d[w] = 0;
        NezhaFields.SESSION_VALID.Set(d, Valid ? 1u : 0u);
        NezhaFields.SESSION_INIT_DIR.Set(d, InitDir ? 1u : 0u);
        NezhaFields.SESSION_EST.Set(d, Est ? 1u : 0u);
        NezhaFields.SESSION_FIN0.Set(d, Fin0 ? 1u : 0u);
        NezhaFields.SESSION_FIN1.Set(d, Fin1 ? 1u : 0u);
        NezhaFields.SESSION_COMPACT.Set(d, Compact ? 1u : 0u);
        NezhaFields.SESSION_TS.Set(d, Ts);
        NezhaFields.SESSION_VNI.Set(d, Key.Vni);
        NezhaFields.SESSION_PROTO.Set(d, Key.Proto);
        NezhaFields.SESSION_LO_IP.Set(d, Key.LoIp);
        NezhaFields.SESSION_HI_IP.Set(d, Key.HiIp);
        NezhaFields.SESSION_LO_PORT.Set(d, Key.LoPort);
        NezhaFields.SESSION_HI_PORT.Set(d, Key.HiPort);
        NezhaFields.SESSION_PKTS.Set(d, Pkts);
        NezhaFields.SESSION_BYTES_LO.Set(d, (uint)Bytes);
        NezhaFields.SESSION_BYTES_HI.Set(d, (uint)(Bytes >> 32));
        NezhaFields.SESSION_ACT0_TYPE.Set(d, (uint)Act0.Type);
        NezhaFields.SESSION_ACT0_VNIC.Set(d, (uint)Act0.Vnic);
        NezhaFields.SESSION_ACT0_VTEP.Set(d, Act0.Vtep);
        NezhaFields.SESSION_ACT0_MAC_LO.Set(d, (uint)Act0.Mac);
        NezhaFields.SESSION_ACT0_MAC_HI.Set(d, (uint)(Act0.Mac >> 32));
        NezhaFields.SESSION_ACT1_TYPE.Set(d, (uint)Act1.Type);
        NezhaFields.SESSION_ACT1_VNIC.Set(d, (uint)Act1.Vnic);
        NezhaFields.SESSION_ACT1_VTEP.Set(d, Act1.Vtep);
        NezhaFields.SESSION_ACT1_MAC_LO.Set(d, (uint)Act1.Mac);
        NezhaFields.SESSION_ACT1_MAC_HI.Set(d, (uint)(Act1.Mac >> 32));
    }
}
