using Nezha.Common;
using Nezha.Cli.Commands;
using Nezha.Driver;
using Nezha.Driver.Config;
using Nezha.Verify.Model;
using NUnit.Framework;

namespace Nezha.Tests.Driver;

/// <summary>The driver against the golden model's register file: the model refuses what the spec refuses.</summary>
[TestFixture]
public class DriverModelTests
{
    private sealed class ModelTransport(NicModel model) : IRegisterTransport
    {
        public RegResp Write32(uint addr, uint data) => (RegResp)model.RegWrite(addr, data);
        public RegResp Read32(uint addr, out uint data) => (RegResp)model.RegRead(addr, out data);
    }

    [TestCase(8)]
    [TestCase(64)]
    [TestCase(512)]
    public void DiscoverMatchesTheKnownBuilds(int width)
    {
        var model = new NicModel(width switch { 8 => NicParams.W8, 64 => NicParams.W64, _ => NicParams.W512 });
        Assert.That(new NicDriver(new ModelTransport(model)).Discover(), Is.EqualTo(KnownBuilds.For(width)));
    }

    [Test]
    public void TheDefaultConfigAppliesToTheW64Model()
    {
        var model = new NicModel(NicParams.W64);
        var d = new NicDriver(new ModelTransport(model));
        NicConfig c = NicConfigLoader.Load(TestFiles.DefaultConfig, d.Discover());
        d.Apply(c);

        foreach (VnicConfig v in c.Vnics)
            Assert.That(d.ReadVnic(v.Id), Is.EqualTo(v.Entry));
        Assert.That(model.AclSetCount(0), Is.EqualTo(5));
        Assert.That(model.AclSetCount(1), Is.EqualTo(2));
        Assert.That(model.AclSetCount(2), Is.EqualTo(0));
        for (int i = 0; i < c.Routes.Count; i++)
            Assert.That(d.ReadRoute(i), Is.EqualTo(c.Routes[i]));
        Assert.That(d.ReadRoute(c.Routes.Count).Valid, Is.False);
        int ways = d.Info.MapWays;
        foreach (MappingEntry m in c.Mappings)
        {
            int first = d.MappingBucket(m.Vni, m.Ip) * ways;
            Assert.That(Enumerable.Range(first, ways).Select(i => model.Mapping(i)),
                Has.Some.EqualTo(new ModelMappingEntry(true, m.Vni, m.Ip, m.Vtep, m.Mac, m.Tunnel)), $"mapping {m} is in its bucket");
        }
        Assert.That(d.ReadGlobalConfig(), Is.EqualTo(c.Global));
    }

    [Test]
    public void ReapplyingReplacesTheOldConfig()
    {
        var model = new NicModel(NicParams.W64);
        var d = new NicDriver(new ModelTransport(model));
        NicConfig c = NicConfigLoader.Load(TestFiles.DefaultConfig, d.Discover());
        d.Apply(c);
        NicConfig smaller = c with { Vnics = c.Vnics.Take(1).ToList(), Mappings = c.Mappings.Take(1).ToList(), Routes = c.Routes.Take(1).ToList() };
        d.Apply(smaller);
        Assert.That(Enumerable.Range(0, 16).Count(i => d.ReadVnic(i).Enabled), Is.EqualTo(1));
        Assert.That(Enumerable.Range(0, d.Info.MapEntries).Count(i => model.Mapping(i).Valid), Is.EqualTo(1));
        Assert.That(Enumerable.Range(0, 16).Count(i => d.ReadRoute(i).Valid), Is.EqualTo(1));
    }
}
