namespace CloudWg.Functions.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Builds() => Assert.Equal(1, CloudWg.Protocol.ProtocolInfo.CurrentSchema);
}
