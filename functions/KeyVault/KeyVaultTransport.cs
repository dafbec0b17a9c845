using Azure.Core.Pipeline;

namespace CloudWg.Functions.KeyVault;

/// <summary>
/// Optional override of the HTTP transport for every Key Vault client (tests register one that trusts the fake
/// vault's certificate). Without a registration the SDK's default transport is used.
/// </summary>
public sealed record KeyVaultTransport(HttpPipelineTransport Transport);
