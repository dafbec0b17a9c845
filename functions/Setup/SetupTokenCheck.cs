namespace CloudWg.Functions.Setup;

public enum SetupTokenCheck
{
    Accepted,
    Invalid,
    Used,
}
