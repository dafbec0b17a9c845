namespace CloudWg.Functions.Hosting;

/// <summary>Finds the repository root when the app runs from a checkout (<c>make up</c>, tests).</summary>
public static class RepositoryLayout
{
    /// <summary>The nearest directory at or above <paramref name="start"/> holding CloudWg.sln, or null when deployed.</summary>
    public static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudWg.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
