namespace CloudWg.Functions.Nodes;

/// <summary>Lifecycle of a node. Enrollment sets <see cref="Enrolled"/>; revocation sets <see cref="Revoked"/>, which stops publishing.</summary>
public static class NodeStatuses
{
    public const string Pending = "pending";
    public const string Enrolled = "enrolled";
    public const string Revoked = "revoked";
}
