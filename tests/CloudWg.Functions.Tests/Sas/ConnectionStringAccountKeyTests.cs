using CloudWg.Functions.Sas;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Sas;

public sealed class ConnectionStringAccountKeyTests
{
    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;")]
    public async Task Reads_the_account_from_local_connection_strings(string connectionString)
    {
        var credential = await new ConnectionStringAccountKey(connectionString).GetAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Azurite.AccountName, credential.AccountName);
    }

    [Fact]
    public void A_connection_string_without_a_key_is_refused_with_a_reason()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new ConnectionStringAccountKey("BlobEndpoint=https://x.blob.core.windows.net;SharedAccessSignature=sv=1"));

        Assert.Contains("AccountKey", e.Message, StringComparison.Ordinal);
    }
}
