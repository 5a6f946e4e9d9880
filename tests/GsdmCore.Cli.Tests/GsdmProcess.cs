using System.Diagnostics;

namespace GsdmCore.Cli.Tests;

/// <summary>The result of one <c>gsdm</c> run.</summary>
public sealed record GsdmResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the built CLI as a process: <c>dotnet src/Cli/bin/&lt;Configuration&gt;/net10.0/gsdm.dll</c>, found by walking up from
/// the test assembly to the repository root (the folder holding GsdmCore.sln) and using the test's own configuration.
/// </summary>
public static class GsdmProcess
{
    private static readonly Lazy<string> DllPath = new(Locate);

    public static string Dll => DllPath.Value;

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "GsdmCore.sln"))) return dir.FullName;
            throw new InvalidOperationException($"no GsdmCore.sln above {AppContext.BaseDirectory}.");
        }
    }

    private static string Locate()
    {
        // .../tests/GsdmCore.Cli.Tests/bin/<Configuration>/net10.0/
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = tfm.Parent!.Name;
        string path = Path.Combine(RepositoryRoot, "src", "Cli", "bin", configuration, tfm.Name, "gsdm.dll");
        if (File.Exists(path)) return path;
        // The project reference also copies the CLI next to the tests.
        string copy = Path.Combine(AppContext.BaseDirectory, "gsdm.dll");
        if (File.Exists(copy) && File.Exists(Path.Combine(AppContext.BaseDirectory, "gsdm.runtimeconfig.json"))) return copy;
        throw new FileNotFoundException($"the CLI is not built at {path}; build src/Cli first.");
    }

    public static Process Start(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet.");
    }

    public static GsdmResult Run(string workingDirectory, params string[] args) => Run(workingDirectory, TimeSpan.FromSeconds(90), args);

    public static GsdmResult Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"gsdm {string.Join(' ', args)} ran longer than {timeout.TotalSeconds} s.");
        }
        process.WaitForExit();
        return new GsdmResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
