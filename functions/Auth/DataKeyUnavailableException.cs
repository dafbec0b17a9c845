namespace CloudWg.Functions.Auth;

/// <summary>
/// The data key that protects TOTP secrets cannot be had (its Key Vault key is missing, disabled or not allowed to the
/// app). An operator must act; the message says what to check and never holds key material. Answered as 503.
/// </summary>
public sealed class DataKeyUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
