namespace CloudWg.Infra.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void RepositoryHasInfraFolder() => Assert.True(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "../../../../../infra")));
}
