namespace CloudWg.Functions.Reports;

/// <summary>Why a report was not stored. Each is counted (<see cref="IngestCounters"/>) and logged.</summary>
public enum ReportRejection
{
    /// <summary>Over the size limit.</summary>
    Oversized,

    /// <summary>Not a readable compact JWS with a report payload.</summary>
    Malformed,

    /// <summary>Names a node that does not exist, has no active certificate, or is revoked.</summary>
    UnknownNode,

    /// <summary>The signature does not verify with any active certificate of the node it names.</summary>
    BadSignature,

    /// <summary>Signed correctly but its fields are invalid.</summary>
    Invalid,

    /// <summary>A sequence not newer than the last stored one: a replay or a late duplicate.</summary>
    Stale,
}
