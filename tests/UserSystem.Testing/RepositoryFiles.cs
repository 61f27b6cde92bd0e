namespace UserSystem.Testing;

/// <summary>Files of the repository the tests run from (scripts, examples), found from the test binaries upwards.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "UserSystem.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("UserSystem.slnx not found above " + AppContext.BaseDirectory);
    }
}
