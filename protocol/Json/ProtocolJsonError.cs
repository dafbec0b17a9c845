namespace CloudWg.Protocol.Json;

/// <summary>Why a wire document could not be read; agents count rejections by this.</summary>
public enum ProtocolJsonError
{
    /// <summary>Not well-formed JSON, wrong value types, invalid UTF-8/UTF-16, or too deep.</summary>
    Malformed,

    /// <summary>An object repeats a member name (a classic signature-confusion trick).</summary>
    DuplicateMemberNames,

    /// <summary>A member this schema does not define.</summary>
    UnknownMember,

    /// <summary>A required member is missing or null.</summary>
    MissingMember,

    /// <summary>The document declares a <c>schema</c> this build does not understand.</summary>
    UnknownSchema,

    /// <summary>A number with a fraction or exponent, or outside the 64-bit integer range: the protocol only has integers.</summary>
    UnsupportedNumber,
}
