namespace CloudWg.Functions.Auth;

/// <summary>Claim types beyond the standard name/role/name-identifier ones.</summary>
public static class CloudWgClaims
{
    /// <summary>API tokens carry <c>read</c> or <c>write</c>; sessions carry none and act with their role.</summary>
    public const string Scope = "cloudwg:scope";

    /// <summary><c>session</c> or <c>token</c>: how the request authenticated.</summary>
    public const string Method = "cloudwg:auth-method";

    public const string ScopeRead = "read";
    public const string ScopeWrite = "write";
}
