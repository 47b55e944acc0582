using System.Globalization;

namespace Chatbot.LoadTests;

/// <summary>Which answerer the chat server the tool starts uses.</summary>
internal enum AnswererMode
{
    /// <summary>The embedded default: offline, extractive answers.</summary>
    Offline,

    /// <summary>A local fake OpenAI-wire model that streams tokens at <see cref="LoadOptions.TokenRate"/>.</summary>
    FakeLlm,
}

/// <summary>The command line of the load tool.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        Usage: Chatbot.LoadTests [options]
          --customers N          concurrent customers, each its own connection and conversation (default 50)
          --questions M          questions per customer (default 5)
          --think-ms MIN-MAX     think time between questions, uniform, seeded (default 1000-3000)
          --ramp-seconds S       customers start evenly over S seconds (default 5)
          --seed N               seed of questions and think times (default 7)
          --answerer MODE        offline (default) | fake-llm (a local fake OpenAI-wire model)
          --token-rate R         fake-llm tokens per second, one token = 2 characters (default 50)
          --url URL              an already running chat server instead of starting one (the answerer is then its own)
          --server-pid PID       with --url: the server's process id, for its memory
          --site-key KEY         the site key (default pk_local_dev, the one the embedded default seeds)
          --questions-file FILE  JSON lines with a "question" field (default samples/eval/questions.jsonl)
          --duration S           no new question starts after S seconds (default 600)
          --answer-timeout S     an answer not complete after S seconds counts as an error (default 120)
          --timeout S            hard limit of the whole run, servers included (default 1200)
          --database DB          sqlite (default, the embedded default) | postgres (a fresh database on the PostgreSQL test
                                 server: CHATBOT_TEST_POSTGRES or deploy/scripts/postgres-test-server.sh; dropped afterwards)
          --set KEY=VALUE        a setting for the chat server the tool starts (environment style, e.g. Database__Provider=Postgres); repeatable
          --server-log FILE      write the chat server's console output there after the run (e.g. with
                                 --set Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Information)
          --no-baseline          skip the SignalR echo baseline
        """;

    public int Customers { get; private set; } = 50;

    public int Questions { get; private set; } = 5;

    public TimeSpan ThinkMin { get; private set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ThinkMax { get; private set; } = TimeSpan.FromSeconds(3);

    public TimeSpan Ramp { get; private set; } = TimeSpan.FromSeconds(5);

    public int Seed { get; private set; } = 7;

    public AnswererMode Answerer { get; private set; } = AnswererMode.Offline;

    public double TokenRate { get; private set; } = 50;

    public Uri? Url { get; private set; }

    public int? ServerPid { get; private set; }

    public string SiteKey { get; private set; } = Chatbot.Testing.ChatServer.LocalSiteKey;

    public string? QuestionsFile { get; private set; }

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(600);

    public TimeSpan AnswerTimeout { get; private set; } = TimeSpan.FromSeconds(120);

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(1200);

    public bool Baseline { get; private set; } = true;

    /// <summary>Extra settings for the chat server the tool starts, as environment variables.</summary>
    public Dictionary<string, string> ServerSettings { get; } = new(StringComparer.Ordinal);

    /// <summary>True to run the chat server on a fresh PostgreSQL database instead of the embedded SQLite.</summary>
    public bool Postgres { get; private set; }

    /// <summary>Where to write the chat server's console output after the run, or null.</summary>
    public string? ServerLog { get; private set; }

    public static bool TryParse(string[] args, out LoadOptions options, out string problem)
    {
        var parsed = new LoadOptions();
        options = parsed;
        problem = "";
        return parsed.TryRead(args, out problem);
    }

    private bool TryRead(string[] args, out string problem)
    {
        var options = this;
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--no-baseline")
            {
                options.Baseline = false;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                problem = $"{name} needs a value.";
                return false;
            }

            var value = args[++i];
            var ok = name switch
            {
                "--customers" => TryPositive(value, 100_000, v => options.Customers = v),
                "--questions" => TryPositive(value, 10_000, v => options.Questions = v),
                "--think-ms" => TryRange(value),
                "--ramp-seconds" => TrySeconds(value, allowZero: true, v => options.Ramp = v),
                "--seed" => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) && Set(() => options.Seed = seed),
                "--answerer" => value switch
                {
                    "offline" => Set(() => options.Answerer = AnswererMode.Offline),
                    "fake-llm" => Set(() => options.Answerer = AnswererMode.FakeLlm),
                    _ => false,
                },
                "--token-rate" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is > 0 and <= 100_000 && Set(() => options.TokenRate = rate),
                "--url" => Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && Set(() => options.Url = url),
                "--server-pid" => TryPositive(value, int.MaxValue, v => options.ServerPid = v),
                "--site-key" => value.Length > 0 && Set(() => options.SiteKey = value),
                "--questions-file" => File.Exists(value) && Set(() => options.QuestionsFile = Path.GetFullPath(value)),
                "--duration" => TrySeconds(value, allowZero: false, v => options.Duration = v),
                "--answer-timeout" => TrySeconds(value, allowZero: false, v => options.AnswerTimeout = v),
                "--timeout" => TrySeconds(value, allowZero: false, v => options.Timeout = v),
                "--database" => value switch
                {
                    "sqlite" => Set(() => options.Postgres = false),
                    "postgres" => Set(() => options.Postgres = true),
                    _ => false,
                },
                "--server-log" => value.Length > 0 && Set(() => options.ServerLog = Path.GetFullPath(value)),
                "--set" => value.IndexOf('=', StringComparison.Ordinal) > 0 && Set(() => options.ServerSettings[value[..value.IndexOf('=', StringComparison.Ordinal)]] = value[(value.IndexOf('=', StringComparison.Ordinal) + 1)..]),
                _ => false,
            };
            if (!ok)
            {
                problem = name.StartsWith("--", StringComparison.Ordinal) && Usage.Contains(name + " ", StringComparison.Ordinal)
                    ? $"{name} {value}: not a valid value."
                    : $"Unknown option {name}.";
                return false;
            }
        }

        if ((options.ServerSettings.Count > 0 || options.Postgres) && options.Url is not null)
        {
            problem = "--set and --database configure a server the tool starts; they cannot change one given with --url.";
            return false;
        }

        if (options.ServerPid is not null && options.Url is null)
        {
            problem = "--server-pid goes with --url (a server the tool starts is measured anyway).";
            return false;
        }

        return true;
    }

    private static bool Set(Action set)
    {
        set();
        return true;
    }

    private static bool TryPositive(string value, int max, Action<int> set) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1 && parsed <= max && Set(() => set(parsed));

    private static bool TrySeconds(string value, bool allowZero, Action<TimeSpan> set) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && (seconds > 0 || (allowZero && seconds == 0)) && seconds <= 86_400
        && Set(() => set(TimeSpan.FromSeconds(seconds)));

    private bool TryRange(string value)
    {
        var parts = value.Split('-');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max)
            || min > max || max > 600_000)
        {
            return false;
        }

        ThinkMin = TimeSpan.FromMilliseconds(min);
        ThinkMax = TimeSpan.FromMilliseconds(max);
        return true;
    }
}
