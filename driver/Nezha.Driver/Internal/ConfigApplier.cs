using Microsoft.Extensions.Logging;
using Nezha.Driver.Config;

namespace Nezha.Driver.Internal;

/// <summary>
/// Programs a whole <see cref="NicConfig"/> in an order that never exposes a half-written configuration:
/// vNICs off, global settings, ACLs, mappings, routes, then vNICs (enables last).
/// </summary>
internal sealed class ConfigApplier(NicDriver driver, ILogger logger)
{
    public void Apply(NicConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        NicInfo info = driver.Info;
        Log.ApplyStart(logger, config.Vnics.Count, config.Routes.Count, config.Mappings.Count, config.Acls.Count);

        Log.Step(logger, "disable enabled vNICs");
        for (int v = 0; v < info.NVnic; v++)
        {
            VnicEntry current = driver.ReadVnic(v);
            if (current.Enabled) driver.WriteVnic(v, current with { Enabled = false });
        }

        Log.Step(logger, "global settings");
        driver.Configure(config.Global);

        Log.Step(logger, "ACL sets");
        var sets = config.Acls.ToDictionary(a => a.Set);
        for (int set = 0; set < info.AclSets; set++)
        {
            driver.SetAclCount(set, 0);
            if (!sets.TryGetValue(set, out AclSetConfig? acl)) continue;
            for (int r = 0; r < acl.Rules.Count; r++)
                driver.WriteAclRule(set, r, acl.Rules[r]);
            driver.SetAclCount(set, acl.Rules.Count);
        }

        Log.Step(logger, "mappings");
        driver.ClearMappings();
        foreach (MappingEntry m in config.Mappings)
            driver.AddMapping(m);

        Log.Step(logger, "routes");
        for (int i = 0; i < config.Routes.Count; i++)
            driver.WriteRoute(i, config.Routes[i]);
        driver.ClearRoutes(config.Routes.Count);

        Log.Step(logger, "vNICs");
        var vnics = config.Vnics.ToDictionary(v => v.Id);
        var off = new VnicEntry(false, 0, 0, 0, 0, 0);
        foreach (var (id, entry) in Enumerable.Range(0, info.NVnic)
                     .Select(id => (id, vnics.TryGetValue(id, out VnicConfig? c) ? c.Entry : off))
                     .OrderBy(x => x.Item2.Enabled))
            driver.WriteVnic(id, entry);
        Log.ApplyDone(logger, config.Vnics.Count(v => v.Entry.Enabled));
    }
}
