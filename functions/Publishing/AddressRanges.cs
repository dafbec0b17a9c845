using System.Net;
using System.Net.Sockets;
using CloudWg.Protocol.Validation;

namespace CloudWg.Functions.Publishing;

/// <summary>
/// A set of disjoint address ranges per family with O(log n) overlap checks, so that compiling a node with
/// thousands of peers stays fast. Because the stored ranges never overlap, a new range overlaps one of them
/// exactly when the stored range with the greatest start not after the new range's end reaches its start.
/// </summary>
internal sealed class AddressRanges
{
    private static readonly Comparer<(UInt128 First, UInt128 Last)> ByStart = Comparer<(UInt128 First, UInt128 Last)>.Create((a, b) => a.First.CompareTo(b.First));
    private readonly SortedSet<(UInt128 First, UInt128 Last)> v4 = new(ByStart);
    private readonly SortedSet<(UInt128 First, UInt128 Last)> v6 = new(ByStart);

    /// <summary>Adds all of <paramref name="networks"/> when none overlaps a stored range or another of them; otherwise adds none.</summary>
    public bool TryAddAll(IEnumerable<IPNetwork> networks)
    {
        var added = new List<(SortedSet<(UInt128, UInt128)> Set, (UInt128, UInt128) Range)>();
        foreach (var network in networks)
        {
            var set = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? v4 : v6;
            var range = Cidr.Range(network);
            if (Overlaps(set, range))
            {
                foreach (var (s, r) in added)
                {
                    s.Remove(r);
                }

                return false;
            }

            set.Add(range);
            added.Add((set, range));
        }

        return true;
    }

    private static bool Overlaps(SortedSet<(UInt128 First, UInt128 Last)> set, (UInt128 First, UInt128 Last) range)
    {
        if (set.Count == 0 || set.Min.First > range.Last)
        {
            return false;
        }

        var floor = set.GetViewBetween(set.Min, (range.Last, UInt128.MaxValue)).Max;
        return floor.Last >= range.First;
    }
}
