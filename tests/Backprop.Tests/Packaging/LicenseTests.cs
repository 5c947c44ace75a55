using System.Text.Json;
using System.Xml.Linq;
using Backprop.Tests.Support;

namespace Backprop.Tests.Packaging;

/// <summary>The project's licence, stated in three places (docs/packaging.md): the LICENSE file, the packages' metadata and the page's package manifest.</summary>
public class LicenseTests
{
    [Fact]
    public void TheLicenseFileThePackagesAndThePagesManifestAllSayMit()
    {
        string license = File.ReadAllText(Path.Combine(Reference.RepositoryRoot, "LICENSE"));
        Assert.StartsWith("MIT License", license);
        Assert.Contains("The Backprop maintainers", license);

        XDocument props = XDocument.Load(Path.Combine(Reference.RepositoryRoot, "src", "Directory.Build.props"));
        Assert.Equal("MIT", props.Descendants("PackageLicenseExpression").Single().Value);
        Assert.Contains("The Backprop maintainers", props.Descendants("Copyright").Single().Value);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Reference.RepositoryRoot, "src", "Backprop.Playground", "package.json")));
        Assert.Equal("MIT", manifest.RootElement.GetProperty("license").GetString());
    }
}
