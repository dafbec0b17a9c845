using System.Net;
using Azure.Data.Tables;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Setup;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OtpNet;

namespace CloudWg.Functions.Tests.Auth;

public sealed class SecretsAtRestTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task No_table_or_log_holds_a_token_totp_secret_recovery_code_or_password_in_plain_text()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var logs = new CapturedLogs();
        var app = cloudWg.WithClock(clock).WithWebHostBuilder(b => b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)));
        using var client = MfaTests.NewClient(app);
        var secrets = new List<string> { AuthenticatedClients.Password };

        var path = Path.Combine(cloudWg.StateDirectory, SetupTokenService.FileName);
        Assert.True(await AuthTestSupport.EventuallyAsync(() => Task.FromResult(File.Exists(path)), TimeSpan.FromSeconds(60)));
        var setupToken = (await File.ReadAllTextAsync(path, ct)).Trim();
        secrets.Add(setupToken);
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/setup", new { token = setupToken, username = "root", password = AuthenticatedClients.Password })).StatusCode);

        var login = await client.PostJsonAsync("/api/auth/login", new { username = "root", password = AuthenticatedClients.Password });
        secrets.Add(SessionToken(login));
        var setup = await (await client.PostJsonAsync("/api/auth/totp/setup", new { })).JsonAsync();
        var base32 = setup.GetProperty("secret").GetString()!;
        var seed = Base32Encoding.ToBytes(base32);
        secrets.AddRange([base32, Convert.ToBase64String(seed), Convert.ToHexString(seed), Convert.ToHexStringLower(seed)]);
        var confirm = await client.PostJsonAsync("/api/auth/totp/confirm", new { code = TotpService.Code(seed, clock.GetUtcNow()) });
        var recovery = (await confirm.JsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        secrets.AddRange(recovery);
        secrets.AddRange(recovery.Select(c => c.Replace("-", "", StringComparison.Ordinal)));
        await client.PostJsonAsync("/api/auth/logout", new { });

        var mfaToken = await MfaTests.PasswordStepAsync(client, "root");
        secrets.Add(mfaToken);
        clock.Advance(TimeSpan.FromSeconds(30));
        var mfa = await client.PostJsonAsync("/api/auth/mfa", new { mfaToken, code = TotpService.Code(seed, clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.OK, mfa.StatusCode);
        secrets.Add(SessionToken(mfa));
        using var pendingStep = MfaTests.NewClient(app);
        secrets.Add(await MfaTests.PasswordStepAsync(pendingStep, "root"));

        var created = await (await client.PostJsonAsync("/api/tokens", new { name = "ci", scope = "write", expiresInDays = 7 })).JsonAsync();
        var apiToken = created.GetProperty("token").GetString()!;
        Assert.StartsWith("cwg_", apiToken);
        secrets.Add(apiToken);
        secrets.Add(apiToken[(apiToken.LastIndexOf('_') + 1)..]);

        var storage = app.Services.GetRequiredService<StorageClients>();
        var scanned = new Dictionary<string, int>();
        var leaks = new List<string>();
        await foreach (var table in storage.Tables.QueryAsync(cancellationToken: ct))
        {
            if (!table.Name.StartsWith(cloudWg.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var count = 0;
            await foreach (var entity in storage.Tables.GetTableClient(table.Name).QueryAsync<TableEntity>(cancellationToken: ct))
            {
                count++;
                foreach (var (key, value) in entity)
                {
                    var text = value switch
                    {
                        byte[] bytes => Convert.ToBase64String(bytes) + " " + Convert.ToHexString(bytes),
                        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
                    };
                    foreach (var secret in secrets.Where(s => text.Contains(s, StringComparison.OrdinalIgnoreCase)))
                    {
                        leaks.Add($"{table.Name} {entity.PartitionKey}/{entity.RowKey} {key} holds a secret ({secret.Length} chars)");
                    }
                }
            }

            scanned[table.Name[cloudWg.Prefix.Length..]] = count;
        }

        foreach (var message in logs.Messages)
        {
            foreach (var secret in secrets.Where(s => message.Contains(s, StringComparison.OrdinalIgnoreCase)))
            {
                leaks.Add($"log message holds a secret ({secret.Length} chars): {message[..Math.Min(120, message.Length)]}");
            }
        }

        Assert.Contains(logs.Messages, m => m.Contains(path, StringComparison.Ordinal)); // where the setup token is, not what
        Assert.Empty(leaks);
        Assert.True(scanned.GetValueOrDefault("sessions") >= 2, "the scan saw no sessions");
        Assert.True(scanned.GetValueOrDefault("tokens") >= 1, "the scan saw no tokens");
        Assert.True(scanned.GetValueOrDefault("admins") >= 2, "the scan saw no admins");
        Assert.True(scanned.GetValueOrDefault("audit") >= 5, "the scan saw no audit entries");
    }

    private static string SessionToken(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(CloudWgAuthenticationDefaults.CookieName + "=", StringComparison.Ordinal));
        return cookie[(CloudWgAuthenticationDefaults.CookieName.Length + 1)..cookie.IndexOf(';', StringComparison.Ordinal)];
    }
}
