using System.Net.Http.Json;
using CloudWg.Functions.Enrollment;

namespace CloudWg.Functions.Tests.Pki;

/// <summary>Admin calls the PKI tests make.</summary>
public static class PkiHttp
{
    public static async Task<EnrollmentTokenResponse> CreateTokenAsync(HttpClient admin, string nodeId)
    {
        var response = await admin.PostAsync($"/api/nodes/{nodeId}/enrollment", null, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EnrollmentTokenResponse>(TestContext.Current.CancellationToken))!;
    }
}
