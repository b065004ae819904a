using Nezha.Common;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>One ACL rule; Src/Dst are stored masked to their lengths. Dir 0 = ingress, 1 = egress.</summary>
public readonly record struct ModelAclRule(bool Valid, int Dir, bool Allow, byte Proto, int SrcLen, int DstLen, uint Src, uint Dst,
                                      ushort SportLo, ushort SportHi, ushort DportLo, ushort DportHi);

/// <summary>ACL sets of ordered rules with a per-set rule count; first match decides, default deny.</summary>
internal sealed class AclTable
{
    public const int Ingress = 0;
    public const int Egress = 1;

    private readonly ModelAclRule[] _r;
    private readonly int[] _count;
    private readonly NicParams _p;

    public AclTable(NicParams p)
    {
        _p = p;
        _r = new ModelAclRule[p.AclEntries];
        _count = new int[p.AclSets];
    }

    public int Count => _r.Length;
    public ref readonly ModelAclRule this[int i] => ref _r[i];
    public int SetCount(int set) => _count[set];
    public void SetSetCount(int set, int count) => _count[set] = count;

    /// <summary>Evaluates set <paramref name="set"/> in direction <paramref name="dir"/>; true = allow.</summary>
    public bool Evaluate(int set, int dir, byte proto, uint sip, uint dip, ushort sport, ushort dport)
    {
        int n = _count[set], b = set * _p.AclRules;
        bool ports = proto == FrameParser.ProtoTcp || proto == FrameParser.ProtoUdp;
        for (int i = 0; i < n; i++)
        {
            ref readonly var r = ref _r[b + i];
            if (!r.Valid || r.Dir != dir) continue;
            if (r.Proto != 0 && r.Proto != proto) continue;
            if ((sip & RouteTable.Mask(r.SrcLen)) != r.Src) continue;
            if ((dip & RouteTable.Mask(r.DstLen)) != r.Dst) continue;
            if (ports && (sport < r.SportLo || sport > r.SportHi || dport < r.DportLo || dport > r.DportHi)) continue;
            return r.Allow;
        }
        return false;
    }

    public TableStatus Write(uint index, ReadOnlySpan<uint> d)
    {
        if (index >= (uint)_r.Length) return TableStatus.BadIndex;
        int sl = (int)NezhaFields.ACL_TABLE_SRC_LEN.Get(d), dl = (int)NezhaFields.ACL_TABLE_DST_LEN.Get(d);
        if (sl > 32 || dl > 32) return TableStatus.BadValue;
        uint spl = NezhaFields.ACL_TABLE_SPORT_LO.Get(d), sph = NezhaFields.ACL_TABLE_SPORT_HI.Get(d);
        uint dpl = NezhaFields.ACL_TABLE_DPORT_LO.Get(d), dph = NezhaFields.ACL_TABLE_DPORT_HI.Get(d);
        if (spl > sph || dpl > dph) return TableStatus.BadValue;
        _r[index] = new ModelAclRule(NezhaFields.ACL_TABLE_VALID.Get(d) != 0, (int)NezhaFields.ACL_TABLE_DIR.Get(d),
            NezhaFields.ACL_TABLE_ALLOW.Get(d) != 0, (byte)NezhaFields.ACL_TABLE_PROTO.Get(d), sl, dl,
            NezhaFields.ACL_TABLE_SRC.Get(d) & RouteTable.Mask(sl), NezhaFields.ACL_TABLE_DST.Get(d) & RouteTable.Mask(dl),
            (ushort)spl, (ushort)sph, (ushort)dpl, (ushort)dph);
        return TableStatus.Ok;
    }

    public TableStatus Read(uint index, Span<uint> d)
    {
        if (index >= (uint)_r.Length) return TableStatus.BadIndex;
        ref readonly var r = ref _r[index];
        for (int w = 0; w < 5; w++) d[w] = 0;
        NezhaFields.ACL_TABLE_VALID.Set(d, r.Valid ? 1u : 0u);
        NezhaFields.ACL_TABLE_DIR.Set(d, (uint)r.Dir);
        NezhaFields.ACL_TABLE_ALLOW.Set(d, r.Allow ? 1u : 0u);
        NezhaFields.ACL_TABLE_PROTO.Set(d, r.Proto);
        NezhaFields.ACL_TABLE_SRC_LEN.Set(d, (uint)r.SrcLen);
        NezhaFields.ACL_TABLE_DST_LEN.Set(d, (uint)r.DstLen);
        NezhaFields.ACL_TABLE_SRC.Set(d, r.Src);
        NezhaFields.ACL_TABLE_DST.Set(d, r.Dst);
        NezhaFields.ACL_TABLE_SPORT_LO.Set(d, r.SportLo);
        NezhaFields.ACL_TABLE_SPORT_HI.Set(d, r.SportHi);
        NezhaFields.ACL_TABLE_DPORT_LO.Set(d, r.DportLo);
        NezhaFields.ACL_TABLE_DPORT_HI.Set(d, r.DportHi);
        return TableStatus.Ok;
    }
}
