using Nezha.Common;
using Nezha.Driver;

namespace Nezha.Cli.Commands;

/// <summary>Parameters of the three standard builds (rtl/builds.json, via NicParams), for checks without a card.</summary>
public static class KnownBuilds
{
    public static NicInfo For(int width)
    {
        var p = width switch
        {
            8 => NicParams.W8,
            64 => NicParams.W64,
            512 => NicParams.W512,
            _ => throw new UsageException($"--width: {width} is not 8, 64 or 512"),
        };
        return new NicInfo(p.DataW, p.NVnic, p.SessBuckets, p.SessWays, p.AclSets, p.AclRules, p.Routes,
                           p.MapBuckets, p.MapWays, p.HdrBytes, p.MtuMax, p.MaxKicks);
    }
}
