using Azure.Core;

using CloudWg.Tests.Shared.Azure;

namespace CloudWg.Functions.Tests.KeyVault;

/// <summary>A credential that always returns the fake vault's token (no identity provider in tests).</summary>
public sealed class StaticTokenCredential : TokenCredential
{
    public List<string> RequestedScopes { get; } = [];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (RequestedScopes)
        {
            RequestedScopes.AddRange(requestContext.Scopes);
        }

        return new AccessToken(FakeKeyVault.Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
