using Nezha.Common;
using Nezha.Common.Registers;
using Nezha.Verify.Model;
using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>rtl/route_lpm.v (16 entries) against the model's route table: random tables, random lookups,
/// one lookup issued per cycle, answers exactly two cycles later.</summary>
public class RouteLpmBench
{
    [Test]
    public void LongestPrefixMatchAgreesWithTheModelAtOneLookupPerCycle()
    {
        using var m = new ModuleSim("route_lpm_16");
        var p = NicParams.W64 with { Routes = 16 };
        var table = new RouteTable(p);
        var rnd = new Random(11);
        m.Reset();
        uint[] vnis = { 1, 2, 0xABCDE };
        for (int round = 0; round < 40; round++)
        {
            for (int i = 0; i < 16; i++)
            {
                if (round > 0 && rnd.Next(3) != 0) continue;
                bool valid = rnd.Next(5) != 0;
                uint vni = vnis[rnd.Next(vnis.Length)];
                int plen = rnd.Next(9) == 0 ? 0 : rnd.Next(8, 33);
                uint prefix = 0x0A000000u | (uint)rnd.Next(1 << 16) << 8 | (uint)rnd.Next(256);
                var type = (RouteType)rnd.Next(4);
                uint value = type == RouteType.Local ? (uint)rnd.Next(16) : (uint)rnd.Next();
                var tunnel = (TunnelType)rnd.Next(2);
                var d = new uint[16];
                NezhaFields.ROUTE_TABLE_VALID.Set(d, valid ? 1u : 0u);
                NezhaFields.ROUTE_TABLE_TYPE.Set(d, (uint)type);
                NezhaFields.ROUTE_TABLE_GENEVE.Set(d, (uint)tunnel);
                NezhaFields.ROUTE_TABLE_PLEN.Set(d, (uint)plen);
                NezhaFields.ROUTE_TABLE_VNI.Set(d, vni);
                NezhaFields.ROUTE_TABLE_PREFIX.Set(d, prefix);
                NezhaFields.ROUTE_TABLE_VALUE.Set(d, value);
                Assert.That(table.Write((uint)i, d), Is.EqualTo(TableStatus.Ok));
                m.Set("wr_en", 1); m.Set("wr_idx", (ulong)i); m.Set("wr_valid", valid); m.Set("wr_type", (ulong)type);
                m.Set("wr_geneve", (ulong)tunnel);
                m.Set("wr_plen", (ulong)plen); m.Set("wr_vni", vni); m.Set("wr_prefix", prefix); m.Set("wr_value", value);
                m.Tick();
            }
            m.Set("wr_en", 0);
            // a burst of back-to-back lookups; compare each answer two cycles after its request
            var pending = new Queue<(uint Vni, uint Ip)>();
            for (int c = 0; c < 200 + 2; c++)
            {
                bool req = c < 200;
                uint vni = vnis[rnd.Next(vnis.Length)];
                uint ip = 0x0A000000u | (uint)rnd.Next(1 << 24);
                m.Set("rt_req_valid", req); m.Set("rt_req_vni", vni); m.Set("rt_req_ip", ip);
                m.Tick();
                if (req) pending.Enqueue((vni, ip));
                if (c >= 1 && c <= 200)
                {
                    Assert.That(m.GetBool("rt_resp_valid"), Is.True, "answer exactly two cycles after the request");
                    var (qv, qi) = pending.Dequeue();
                    int hit = table.Lookup(qv, qi);
                    Assert.That(m.GetBool("rt_resp_hit"), Is.EqualTo(hit >= 0), $"vni {qv} ip {qi:X8}");
                    if (hit >= 0)
                    {
                        Assert.That((RouteType)m.Get("rt_resp_type"), Is.EqualTo(table[hit].Type));
                        Assert.That((uint)m.Get("rt_resp_value"), Is.EqualTo(table[hit].Value));
                        Assert.That((TunnelType)m.Get("rt_resp_geneve"), Is.EqualTo(table[hit].Tunnel));
                    }
                }
            }
        }
    }
}
