using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Functions.Tests.Pki;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Enrollment;

/// <summary>
/// The commands the enrollment page prints: with the root pin when nodes reach this process's own HTTPS listener with
/// its fleet-CA certificate (local mode), without it otherwise.
/// </summary>
public sealed class EnrollmentCommandTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task On_the_fleet_certificate_both_commands_pin_the_root_and_curl_pins_the_server_key()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        var token = await PkiHttp.CreateTokenAsync(admin, await app.CreateNodeAsync());
        var url = app.BaseAddress.AbsoluteUri.TrimEnd('/');

        Assert.Equal($"sudo cloudwg-agent enroll --control-url {url} --token {token.Token} --root-sha256 {token.RootCertificateSha256}", token.EnrollCommand);
        Assert.EndsWith($"| sudo sh -s -- --control-url {url} --token {token.Token} --root-sha256 {token.RootCertificateSha256}", token.InstallCommand, StringComparison.Ordinal);

        // The curl half really fetches the script over the fleet certificate, which no system store trusts ...
        var curl = token.InstallCommand[..token.InstallCommand.IndexOf(" | ", StringComparison.Ordinal)];
        Assert.StartsWith("curl -fsSL --insecure --pinnedpubkey sha256//", curl, StringComparison.Ordinal);
        var (code, script) = await ShAsync(curl);
        Assert.True(code == 0, script);
        Assert.Contains("--root-sha256", script, StringComparison.Ordinal);
        Assert.NotEqual(0, (await ShAsync($"curl -fsSL {url}/api/agent/install.sh")).Code);

        // ... and only from the server whose key it names.
        var otherKey = "sha256//" + Convert.ToBase64String(SHA256.HashData(RandomNumberGenerator.GetBytes(32)));
        var pinned = curl.Split(' ').Single(p => p.StartsWith("sha256//", StringComparison.Ordinal));
        Assert.NotEqual(0, (await ShAsync(curl.Replace(pinned, otherKey, StringComparison.Ordinal))).Code);
    }

    [Fact]
    public async Task Behind_a_url_this_process_does_not_serve_with_the_fleet_certificate_the_commands_carry_no_pin()
    {
        var settings = new Dictionary<string, string?> { ["CloudWg:Enrollment:PublicControlUrl"] = "https://cloudwg.example.com" };
        await using var app = await new PkiApp(azurite.ConnectionString, settings).StartAsync();
        using var admin = app.NewClient(admin: "alice");

        var token = await PkiHttp.CreateTokenAsync(admin, await app.CreateNodeAsync());

        Assert.Equal($"sudo cloudwg-agent enroll --control-url https://cloudwg.example.com --token {token.Token}", token.EnrollCommand);
        Assert.Equal($"curl -fsSL https://cloudwg.example.com/api/agent/install.sh | sudo sh -s -- --control-url https://cloudwg.example.com --token {token.Token}", token.InstallCommand);
        Assert.Equal(64, token.RootCertificateSha256.Length);
    }

    [Fact]
    public async Task The_root_certificate_is_served_anonymously_and_matches_the_fingerprint_on_the_page()
    {
        await using var app = await new PkiApp(azurite.ConnectionString).StartAsync();
        using var admin = app.NewClient(admin: "alice");
        using var anonymous = app.NewClient();
        var token = await PkiHttp.CreateTokenAsync(admin, await app.CreateNodeAsync());

        var response = await anonymous.GetAsync("/api/agent/root-certificate", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-pem-file", response.Content.Headers.ContentType?.MediaType);
        using var root = X509Certificate2.CreateFromPem(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(token.RootCertificateSha256, root.GetCertHashString(HashAlgorithmName.SHA256));
        Assert.Equal(root.Subject, root.Issuer);
    }

    private static async Task<(int Code, string Output)> ShAsync(string command)
    {
        var start = new ProcessStartInfo("sh") { ArgumentList = { "-c", command }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await output + await error);
    }
}
