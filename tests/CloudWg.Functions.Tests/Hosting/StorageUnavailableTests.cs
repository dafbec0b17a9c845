using System.Net;
using Azure;
using CloudWg.Functions.Hosting;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Hosting;

public sealed class StorageUnavailableTests
{
    [Theory]
    [InlineData(0, null, true)]
    [InlineData(404, "TableNotFound", true)]
    [InlineData(503, null, true)]
    [InlineData(404, "ResourceNotFound", false)]
    [InlineData(409, "EntityAlreadyExists", false)]
    [InlineData(412, "UpdateConditionNotSatisfied", false)]
    public void Only_unreachable_or_unready_storage_counts_as_unavailable(int status, string? code, bool expected) =>
        Assert.Equal(expected, StorageUnavailableExceptionHandler.IsStorageUnavailable(new RequestFailedException(status, "x", code, null)));

    [Fact]
    public async Task A_request_that_needs_unreachable_storage_gets_503_problem_json_with_retry_after()
    {
        // Nothing listens on port 9 (discard) on loopback: every storage call fails at once.
        await using var app = new CloudWgApp(Azurite.ConnectionStringFor(9, 9, 9), new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        using var client = app.CreateClient();

        var response = await client.PostAsync("/api/auth/login", new StringContent("""{"username":"alice","password":"correct horse battery staple"}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }
}
