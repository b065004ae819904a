using Nezha.Common.Hashing;
using Nezha.Verify.ModuleBench;
using NUnit.Framework;

namespace Nezha.Tests.Modules;

/// <summary>rtl/crc32c.v (16-byte session key) against the host's CRC-32C.</summary>
public class Crc32cBench
{
    [Test]
    public void MatchesTheReferenceOnRandomKeys()
    {
        using var m = new ModuleSim("crc32c_16");
        var rnd = new Random(7);
        var key = new byte[16];
        for (int i = 0; i < 5000; i++)
        {
            rnd.NextBytes(key);
            if (i == 0) Array.Clear(key);
            // the module takes the first wire byte in the most significant lane
            var lanes = key.Reverse().ToArray();
            m.SetBytes("data", lanes);
            m.Eval();
            Assert.That((uint)m.Get("crc"), Is.EqualTo(Crc32C.Compute(key)), $"key {Convert.ToHexString(key)}");
        }
    }

    [Test]
    public void KnownCheckValue() => Assert.That(Crc32C.Compute("123456789"u8), Is.EqualTo(0xE3069283u));
}
