using System.Text.Json.Serialization;
using CloudWg.Protocol.DesiredStates;
using CloudWg.Protocol.Jws;
using CloudWg.Protocol.Messages;

namespace CloudWg.Protocol.Json;

/// <summary>
/// Source-generated (trimming/NativeAOT-safe) metadata for every CloudWg wire type: camelCase, nulls omitted,
/// unknown members rejected, nullability enforced, UTC date-times. Missing members are caught by
/// <see cref="CanonicalJson"/>'s strict reader (nullable constructor parameters are optional on the wire).
/// Write canonical bytes with <see cref="CanonicalJson"/>, not with this context directly.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DictionaryKeyPolicy = JsonKnownNamingPolicy.Unspecified,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    MaxDepth = CanonicalJson.MaxDepth,
    Converters = [typeof(UtcDateTimeOffsetConverter), typeof(StrictStringConverter)])]
[JsonSerializable(typeof(DesiredState))]
[JsonSerializable(typeof(JwsHeader))]
[JsonSerializable(typeof(Jwk))]
[JsonSerializable(typeof(TrustBundle))]
[JsonSerializable(typeof(QueueNotification))]
[JsonSerializable(typeof(EnrollmentRequest))]
[JsonSerializable(typeof(EnrollmentResponse))]
[JsonSerializable(typeof(SasGrant))]
[JsonSerializable(typeof(RenewalRequest))]
[JsonSerializable(typeof(RenewalResponse))]
[JsonSerializable(typeof(NodeReport))]
[JsonSerializable(typeof(PeerStats))]
[JsonSerializable(typeof(RejectionCounters))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
