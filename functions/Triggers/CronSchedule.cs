using System.Globalization;

namespace CloudWg.Functions.Triggers;

/// <summary>
/// A six-field NCRONTAB schedule as Azure Functions timer triggers use it: <c>second minute hour day month
/// day-of-week</c>, each field <c>*</c>, a number, a range <c>a-b</c>, a list <c>a,b</c> or a step <c>*/n</c> /
/// <c>a-b/n</c>. Times are UTC (the Functions default).
/// </summary>
public sealed class CronSchedule
{
    private static readonly (int Min, int Max)[] Bounds = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
    private readonly bool[][] fields;

    private CronSchedule(bool[][] fields, string text)
    {
        this.fields = fields;
        Text = text;
    }

    public string Text { get; }

    public static CronSchedule Parse(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new FormatException($"'{text}' must have six fields: second minute hour day month day-of-week.");
        }

        var fields = new bool[6][];
        for (var i = 0; i < 6; i++)
        {
            fields[i] = ParseField(parts[i], Bounds[i].Min, Bounds[i].Max)
                ?? throw new FormatException($"Field {i + 1} ('{parts[i]}') of '{text}' is not valid.");
        }

        return new CronSchedule(fields, text);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none within five years (29 February needs four).</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var start = after.UtcDateTime;
        var t = new DateTime(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, DateTimeKind.Utc).AddSeconds(1);
        var end = t.AddYears(5);
        while (t < end)
        {
            if (!fields[4][t.Month] || !fields[3][t.Day] || !fields[5][(int)t.DayOfWeek])
            {
                t = t.Date.AddDays(1);
                continue;
            }

            if (!fields[2][t.Hour])
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
                continue;
            }

            if (!fields[1][t.Minute])
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
                continue;
            }

            if (!fields[0][t.Second])
            {
                t = t.AddSeconds(1);
                continue;
            }

            return new DateTimeOffset(t);
        }

        return null;
    }

    private static bool[]? ParseField(string field, int min, int max)
    {
        var allowed = new bool[max + 1];
        foreach (var part in field.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!int.TryParse(part.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
                {
                    return null;
                }

                range = part[..slash];
            }

            int low, high;
            if (range == "*")
            {
                (low, high) = (min, max);
            }
            else if (range.Split('-') is [var a, var b])
            {
                if (!Number(a, out low) || !Number(b, out high))
                {
                    return null;
                }
            }
            else if (Number(range, out low))
            {
                high = slash >= 0 ? max : low;
            }
            else
            {
                return null;
            }

            if (low < min || high > max || low > high)
            {
                return null;
            }

            for (var v = low; v <= high; v += step)
            {
                allowed[v] = true;
            }
        }

        return allowed;
    }

    private static bool Number(string text, out int value) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
