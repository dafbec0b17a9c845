namespace CloudWg.EdgeAgent.State;

/// <summary>The agent's state directory (default <c>/var/lib/cloudwg</c>): 0700, every file in it 0600.</summary>
public static class StateDirectory
{
    public const string Default = "/var/lib/cloudwg";

    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode SecretFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the directory (0700) when missing; fails with a clear message when it cannot.</summary>
    public static void Ensure(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(path, DirectoryMode);
            }
            else
            {
                File.SetUnixFileMode(path, DirectoryMode);
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot create or secure the state directory {path}: permission denied. Run as root or pass --state-dir.", e);
        }
        catch (IOException e)
        {
            throw new IOException($"Cannot create the state directory {path}: {e.Message} Pass a writable --state-dir.", e);
        }
    }

    /// <summary>Sets 0600 on <paramref name="path"/> if it exists.</summary>
    public static void RestrictFile(string path)
    {
        if (File.Exists(path) && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, SecretFileMode);
        }
    }

    /// <summary>Writes a secret file atomically, created 0600 from the start (never briefly world-readable).</summary>
    public static void WriteSecret(string path, string contents)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = SecretFileMode;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
        }

        File.Move(temp, path, overwrite: true);
    }
}
