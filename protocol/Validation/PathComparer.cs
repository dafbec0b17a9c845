namespace CloudWg.Protocol.Validation;

/// <summary>Orders paths like <c>a[2]</c> before <c>a[10]</c> (numeric indexes), so errors read in document order.</summary>
internal sealed class PathComparer : IComparer<string>
{
    public static readonly PathComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return string.CompareOrdinal(x, y);
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var si = i;
                var sj = j;
                while (i < x.Length && char.IsAsciiDigit(x[i]))
                {
                    i++;
                }

                while (j < y.Length && char.IsAsciiDigit(y[j]))
                {
                    j++;
                }

                var byLength = (i - si).CompareTo(j - sj);
                if (byLength != 0)
                {
                    return byLength;
                }

                var byDigits = x.AsSpan(si, i - si).SequenceCompareTo(y.AsSpan(sj, j - sj));
                if (byDigits != 0)
                {
                    return byDigits;
                }

                continue;
            }

            if (x[i] != y[j])
            {
                return x[i].CompareTo(y[j]);
            }

            i++;
            j++;
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }
}
