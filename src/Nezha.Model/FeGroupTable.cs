using Nezha.Common;
using Nezha.Common.Registers;

namespace Nezha.Verify.Model;

/// <summary>One FE group (FE_GROUP layout): COUNT members VTEP0..COUNT-1.</summary>
public readonly record struct ModelFeGroup(int Count, uint Vtep0, uint Vtep1, uint Vtep2, uint Vtep3)
{
    public uint Vtep(int m) => m switch { 0 => Vtep0, 1 => Vtep1, 2 => Vtep2, _ => Vtep3 };
}

/// <summary>
/// The FE groups and their liveness (docs/nezha-offload.md sections 4-6): per member an alive flag, a fresh
/// flag and last_seen. Alive changes only at events the testbench sees in order: a group write (members
/// alive and fresh), a refresh by source address (PROBE_REPLY or accepted VERDICT: alive, last_seen = now),
/// and a probe round at tick T (fresh members take last_seen = T; alive members with
/// (T - last_seen) mod 65536 > PROBE_TIMEOUT die: FE_DOWN).
/// </summary>
internal sealed class FeGroupTable
{
    public const int Members = 4;
    public const int ProbeTimeoutReset = 100;

    private readonly ModelFeGroup[] _g;
    private readonly bool[] _alive, _fresh;
    private readonly ushort[] _lastSeen;

    public FeGroupTable(NicParams p)
    {
        _g = new ModelFeGroup[p.FeGroups];
        _alive = new bool[p.FeGroups * Members];
        _fresh = new bool[p.FeGroups * Members];
        _lastSeen = new ushort[p.FeGroups * Members];
    }

    public int Count => _g.Length;
    public ref readonly ModelFeGroup this[int g] => ref _g[g];

    /// <summary>PROBE_INTERVAL (ticks between rounds, 0 = no probes); the RTL counts it, the model only stores it.</summary>
    public uint ProbeInterval { get; set; }

    /// <summary>PROBE_TIMEOUT in ticks.</summary>
    public uint ProbeTimeout { get; set; } = ProbeTimeoutReset;

    public bool Alive(int g, int m) => _alive[g * Members + m];

    /// <summary>Alive mask of group <paramref name="g"/> (bit m = member m).</summary>
    public uint AliveMask(int g)
    {
        uint a = 0;
        for (int m = 0; m < Members; m++)
            if (_alive[g * Members + m]) a |= 1u << m;
        return a;
    }

    /// <summary>The ALIVE_ALL register: bit 4g+m = member m of group g.</summary>
    public uint AliveAll()
    {
        uint a = 0;
        for (int g = 0; g < _g.Length; g++) a |= AliveMask(g) << (Members * g);
        return a;
    }

    /// <summary>Member index of <paramref name="addr"/> in group <paramref name="g"/> (members 0..COUNT-1), or -1.</summary>
    public int MemberOf(int g, uint addr)
    {
        for (int m = 0; m < _g[g].Count; m++)
            if (_g[g].Vtep(m) == addr) return m;
        return -1;
    }

    /// <summary>
    /// FE selection (section 4): primary p = (H[15:0] * n) >> 16 if alive, else the ((H[31:16] * a) >> 16)-th
    /// alive member in index order; -1 when the group is empty or no member is alive.
    /// </summary>
    public int Select(int g, uint hash) => Select(hash, _g[g].Count, AliveMask(g));

    /// <summary>FE selection among members 0..<paramref name="n"/>-1 with alive mask <paramref name="alive"/>.</summary>
    public static int Select(uint hash, int n, uint alive)
    {
        if (n == 0) return -1;
        int p = (int)(((hash & 0xFFFF) * (uint)n) >> 16);
        if ((alive >> p & 1) != 0) return p;
        int a = 0;
        for (int m = 0; m < n; m++) if ((alive >> m & 1) != 0) a++;
        if (a == 0) return -1;
        int k = (int)(((hash >> 16) * (uint)a) >> 16);
        for (int m = 0; m < n; m++)
        {
            if ((alive >> m & 1) == 0) continue;
            if (k == 0) return m;
            k--;
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>A PROBE_REPLY or an accepted VERDICT from <paramref name="addr"/> at <paramref name="now"/>.</summary>
    public void Refresh(uint addr, ushort now)
    {
        for (int g = 0; g < _g.Length; g++)
            for (int m = 0; m < _g[g].Count; m++)
                if (_g[g].Vtep(m) == addr)
                {
                    int i = g * Members + m;
                    _alive[i] = true;
                    _fresh[i] = false;
                    _lastSeen[i] = now;
                }
    }

    /// <summary>A probe round at tick <paramref name="t"/>; returns the members that died (FE_DOWN).</summary>
    public int Round(ushort t)
    {
        int down = 0;
        for (int g = 0; g < _g.Length; g++)
            for (int m = 0; m < _g[g].Count; m++)
            {
                int i = g * Members + m;
                if (_fresh[i])
                {
                    _fresh[i] = false;
                    _lastSeen[i] = t;
                }
                else if (_alive[i] && (ushort)(t - _lastSeen[i]) > ProbeTimeout)
                {
                    _alive[i] = false;
                    down++;
                }
            }
        return down;
    }

    /// <summary>CMD 1: validate and write; the members 0..COUNT-1 become alive and fresh.</summary>
    public TableStatus Write(uint index, ReadOnlySpan<uint> d)
    {
        if (index >= (uint)_g.Length) return TableStatus.BadIndex;
        uint count = NezhaFields.FE_GROUP_COUNT.Get(d);
        if (count > Members) return TableStatus.BadValue;
        _g[index] = new ModelFeGroup((int)count, NezhaFields.FE_GROUP_VTEP0.Get(d), NezhaFields.FE_GROUP_VTEP1.Get(d),
                                     NezhaFields.FE_GROUP_VTEP2.Get(d), NezhaFields.FE_GROUP_VTEP3.Get(d));
        for (int m = 0; m < Members; m++)
        {
            int i = (int)index * Members + m;
            _alive[i] = _fresh[i] = m < count;
        }
        return TableStatus.Ok;
    }

    /// <summary>CMD 2: encode group <paramref name="index"/> (with its alive mask) into DATA0..4.</summary>
    public TableStatus Read(uint index, Span<uint> d)
    {
        if (index >= (uint)_g.Length) return TableStatus.BadIndex;
        ref readonly var e = ref _g[index];
        for (int w = 0; w < 5; w++) d[w] = 0;
        NezhaFields.FE_GROUP_COUNT.Set(d, (uint)e.Count);
        NezhaFields.FE_GROUP_ALIVE.Set(d, AliveMask((int)index));
        NezhaFields.FE_GROUP_VTEP0.Set(d, e.Vtep0);
        NezhaFields.FE_GROUP_VTEP1.Set(d, e.Vtep1);
        NezhaFields.FE_GROUP_VTEP2.Set(d, e.Vtep2);
        NezhaFields.FE_GROUP_VTEP3.Set(d, e.Vtep3);
        return TableStatus.Ok;
    }
}
