using System.Reflection;
using System.Xml.Linq;
using Nezha.Common;
using Nezha.Tests.Driver;
using Nezha.Verify.Model;
using NUnit.Framework;

namespace Nezha.Tests.Build;

/// <summary>
/// The golden model's independence (docs/architecture.md, "Projects"): Nezha.Model references Nezha.Common only
/// and Nezha.Common nothing of ours, so the model cannot use the driver, the simulator binding or the testbench.
/// Checked in the project files (what the compiler is given; Directory.Build.targets fails the build on the same
/// rule) and in the built assemblies (what the compiler bound).
/// </summary>
[TestFixture]
public class ProjectGraphTests
{
    /// <summary>The references of one kind in a project file, by their Include attribute.</summary>
    private static List<string> References(string project, string kind) =>
        XDocument.Load(TestFiles.Find(Path.Combine("src", project, project + ".csproj")))
            .Descendants(kind).Select(e => (string?)e.Attribute("Include") ?? "").ToList();

    /// <summary>Names of the assemblies an assembly was compiled against, other than the .NET runtime's.</summary>
    private static List<string> NonFrameworkReferences(Assembly a) =>
        a.GetReferencedAssemblies().Select(n => n.Name!)
            .Where(n => !(n is "netstandard" or "mscorlib" || n == "System" || n.StartsWith("System.", StringComparison.Ordinal)))
            .ToList();

    [Test]
    public void ModelProjectReferencesOnlyTheSharedProject()
    {
        Assert.That(References("Nezha.Model", "ProjectReference").Select(p => Path.GetFileName(p.Replace('\\', '/'))).ToList(),
                    Is.EqualTo(new[] { "Nezha.Common.csproj" }));
        Assert.That(References("Nezha.Model", "PackageReference"), Is.Empty);
        Assert.That(References("Nezha.Model", "Reference"), Is.Empty);
    }

    [Test]
    public void SharedProjectReferencesNothing()
    {
        Assert.That(References("Nezha.Common", "ProjectReference"), Is.Empty);
        Assert.That(References("Nezha.Common", "PackageReference"), Is.Empty);
        Assert.That(References("Nezha.Common", "Reference"), Is.Empty);
    }

    [Test]
    public void BuiltModelUsesOnlyTheSharedAssembly()
    {
        Assembly model = typeof(NicModel).Assembly;
        Assert.That(model.GetName().Name, Is.EqualTo("Nezha.Model"));
        Assert.That(NonFrameworkReferences(model), Is.EqualTo(new[] { "Nezha.Common" }));
    }

    [Test]
    public void BuiltSharedAssemblyUsesOnlyTheRuntime()
    {
        Assembly common = typeof(NicParams).Assembly;
        Assert.That(common.GetName().Name, Is.EqualTo("Nezha.Common"));
        Assert.That(NonFrameworkReferences(common), Is.Empty);
    }
}
