using Nezha.Common.Registers;

namespace Nezha.Driver.Offload;

/// <summary>
/// The OFFLOAD and FE_GROUP register blocks of one card (docs/nezha-offload.md section 6) as the controller
/// sees them, over the card's <see cref="NicDriver"/> (which checks the values and uses the generated register
/// layout).
/// </summary>
public sealed class NicOffloadCard(NicDriver driver) : IOffloadCard
{
    public int Groups => driver.FeGroupCount;

    public OffloadState ReadOffload(int vnic)
    {
        var e = driver.ReadOffload(vnic);
        return new OffloadState((int)e.Mode, e.Group, e.Version, e.BeVnic, e.BeVtep, e.Compact);
    }

    public void WriteOffload(int vnic, OffloadState e) =>
        driver.WriteOffload(vnic, new OffloadEntry((OffloadMode)e.Mode, e.Group, (byte)e.Version, e.BeVnic, e.BeVtep, e.Compact));

    public FeGroupState ReadFeGroup(int group)
    {
        var g = driver.ReadFeGroup(group);
        return new FeGroupState(g.Entry.Members, g.AliveMask);
    }

    public void WriteFeGroup(int group, FeGroupState g) => driver.WriteFeGroup(group, FeGroupEntry.Of(g.Members.ToArray()));

    public void SetLiveness(int intervalTicks, int timeoutTicks) => driver.SetProbeTiming(intervalTicks, timeoutTicks);
}
