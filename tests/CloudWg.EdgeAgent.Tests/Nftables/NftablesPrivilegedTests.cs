using CloudWg.EdgeAgent.Nftables;

namespace CloudWg.EdgeAgent.Tests.Nftables;

[Trait("Category", "Privileged")]
public sealed class NftablesPrivilegedTests : IDisposable
{
    private readonly NetworkNamespace _ns = NetworkNamespace.Create("cwg-nft");

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Apply_then_drift_check_is_clean()
    {
        var spec = NftablesRendererTests.SampleSpec();
        var context = NftablesRendererTests.SampleContext();
        var report = _ns.Run(() =>
        {
            using var driver = new NftablesDriver();
            driver.Apply(spec, context);
            return driver.CheckDrift(spec, context);
        });
        Assert.False(report.HasDrift, report.ToString());
    }
}
