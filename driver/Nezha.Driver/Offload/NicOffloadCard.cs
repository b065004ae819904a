namespace Nezha.Driver.Offload;

/// <summary>
/// The OFFLOAD and FE_GROUP register blocks of one card (docs/nezha-offload.md section 6), over the card's
/// register transport, with the indirect-table protocol of docs/datapath-spec.md section 7.
/// (Interim: written against the addresses of the spec until the generated register names and the
/// NicDriver methods for these blocks exist; then it forwards to those.)
/// </summary>
public sealed class NicOffloadCard : IOffloadCard
{
    private const uint OffloadBase = 0x0A00, GroupBase = 0x0B00;
    private const uint TblIndex = 0x0C, TblCmd = 0x10, TblData = 0x20;
    private const uint ProbeInterval = 0x60, ProbeTimeout = 0x64;

    private readonly IRegisterTransport _t;

    public NicOffloadCard(IRegisterTransport transport, int groups = 4)
    {
        _t = transport;
        Groups = groups;
    }

    public int Groups { get; }

    public OffloadState ReadOffload(int vnic)
    {
        W(OffloadBase + TblIndex, (uint)vnic);
        W(OffloadBase + TblCmd, 2);
        uint d0 = R(OffloadBase + TblData), d1 = R(OffloadBase + TblData + 4);
        return new OffloadState((int)(d0 & 3), (int)(d0 >> 8 & 0xFF), (int)(d0 >> 16 & 0xFF), (int)(d0 >> 24), d1);
    }

    public void WriteOffload(int vnic, OffloadState e)
    {
        W(OffloadBase + TblData, (uint)(e.Mode & 3) | (uint)(e.Group & 0xFF) << 8 | (uint)(e.Version & 0xFF) << 16 | (uint)(e.BeVnic & 0xFF) << 24);
        W(OffloadBase + TblData + 4, e.BeVtep);
        W(OffloadBase + TblIndex, (uint)vnic);
        W(OffloadBase + TblCmd, 1);
    }

    public FeGroupState ReadFeGroup(int group)
    {
        W(GroupBase + TblIndex, (uint)group);
        W(GroupBase + TblCmd, 2);
        uint d0 = R(GroupBase + TblData);
        int count = (int)(d0 & 7);
        var members = new uint[count];
        for (int m = 0; m < count; m++) members[m] = R(GroupBase + TblData + 4 + 4 * (uint)m);
        return new FeGroupState(members, (int)(d0 >> 8 & 0xF));
    }

    public void WriteFeGroup(int group, FeGroupState g)
    {
        if (g.Members.Count > 4) throw new ArgumentException("an FE group holds at most 4 members");
        W(GroupBase + TblData, (uint)g.Members.Count);
        for (int m = 0; m < 4; m++) W(GroupBase + TblData + 4 + 4 * (uint)m, m < g.Members.Count ? g.Members[m] : 0);
        W(GroupBase + TblIndex, (uint)group);
        W(GroupBase + TblCmd, 1);
    }

    public void SetLiveness(int intervalTicks, int timeoutTicks)
    {
        W(GroupBase + ProbeInterval, (uint)intervalTicks);
        W(GroupBase + ProbeTimeout, (uint)timeoutTicks);
    }

    private void W(uint a, uint d)
    {
        if (_t.Write32(a, d) != RegResp.Okay) throw new NicRegisterException(a, d, isWrite: true);
    }

    private uint R(uint a)
    {
        if (_t.Read32(a, out uint d) != RegResp.Okay) throw new NicRegisterException(a, 0, isWrite: false);
        return d;
    }
}
