using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Hosting;

/// <summary>The local state directory (keys, local CA, setup token), created 0700 on first use.</summary>
public sealed class StateDirectory(IOptions<CloudWgOptions> options)
{
    public string Path { get; } = options.Value.StateDirectory;

    /// <summary>Full path of <paramref name="name"/> inside the directory, creating the directory if needed.</summary>
    public string File(string name)
    {
        if (!Directory.Exists(Path))
        {
            Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return System.IO.Path.Combine(Path, name);
    }

    /// <summary>Writes a secret file readable by the owner only (0600), replacing it atomically.</summary>
    public void WriteSecret(string name, ReadOnlySpan<byte> content)
    {
        var target = File(name);
        var temp = target + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(content);
        }

        System.IO.File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        System.IO.File.Move(temp, target, overwrite: true);
    }
}
