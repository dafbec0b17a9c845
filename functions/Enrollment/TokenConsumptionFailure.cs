namespace CloudWg.Functions.Enrollment;

public enum TokenConsumptionFailure
{
    Unknown,
    Expired,
    Used,
}
