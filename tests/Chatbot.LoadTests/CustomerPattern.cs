using System.Collections.Concurrent;
using System.Diagnostics;

namespace Chatbot.LoadTests;

/// <summary>One customer's connection: its own client, its own conversation.</summary>
internal interface ICustomerConnection : IAsyncDisposable
{
    /// <summary>Times the connection was lost and the client reconnected by itself.</summary>
    int Reconnects { get; }

    /// <summary>Asks one question and times it; failures come back as <see cref="AnswerSample.Error"/>, not exceptions.</summary>
    Task<AnswerSample> AskAsync(string question, CancellationToken cancellationToken);
}

/// <summary>One question as the customer saw it.</summary>
/// <param name="FirstPiece">From the ask to the first piece of answer text, when one came.</param>
/// <param name="Complete">From the ask to the completed answer, when it completed.</param>
/// <param name="Error">The kind of failure (an error code, "answer_timeout", an exception type), or null.</param>
internal sealed record AnswerSample(TimeSpan? FirstPiece, TimeSpan? Complete, string? Error, int Pieces, int Characters);

/// <summary>What one run of the pattern measured.</summary>
internal sealed class PatternResult
{
    public required int Customers { get; init; }

    public required int Connected { get; init; }

    public required IReadOnlyList<AnswerSample> Answers { get; init; }

    public required IReadOnlyDictionary<string, int> ConnectionFailures { get; init; }

    public required int Reconnects { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public int Completed => Answers.Count(a => a.Complete is not null);

    public double AnswersPerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;

    public IReadOnlyDictionary<string, int> Errors => Answers.Where(a => a.Error is not null)
        .GroupBy(a => a.Error!).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());

    public double MeanPieces => Answers.Where(a => a.Complete is not null).Select(a => (double)a.Pieces).DefaultIfEmpty(0).Average();

    public double MeanCharacters => Answers.Where(a => a.Complete is not null).Select(a => (double)a.Characters).DefaultIfEmpty(0).Average();

    public IReadOnlyList<double> FirstPieceMilliseconds => Sorted(Answers.Select(a => a.FirstPiece));

    public IReadOnlyList<double> CompleteMilliseconds => Sorted(Answers.Select(a => a.Complete));

    private static List<double> Sorted(IEnumerable<TimeSpan?> times) => [.. times.OfType<TimeSpan>().Select(t => t.TotalMilliseconds).Order()];
}

/// <summary>
/// N customers, each asking M questions with seeded think times, started evenly over the ramp. Customer c draws its
/// questions and think times from its own seeded generator, so the same options replay the same pattern against any server.
/// </summary>
internal sealed class CustomerPattern(LoadOptions options, IReadOnlyList<string> questions)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public async Task<PatternResult> RunAsync(Func<CancellationToken, Task<ICustomerConnection>> connect, CancellationToken hardStop)
    {
        var answers = new ConcurrentQueue<AnswerSample>();
        var failures = new ConcurrentDictionary<string, int>();
        var connected = 0;
        var reconnects = 0;
        var clock = Stopwatch.StartNew();

        async Task CustomerAsync(int customer)
        {
            var random = new Random(unchecked((options.Seed * 100_003) + customer));
            await Task.Delay(options.Ramp * customer / options.Customers, hardStop);
            ICustomerConnection connection;
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(hardStop))
            {
                connectTimeout.CancelAfter(ConnectTimeout);
                try
                {
                    connection = await connect(connectTimeout.Token);
                }
                catch (OperationCanceledException) when (!hardStop.IsCancellationRequested)
                {
                    failures.AddOrUpdate("connect_timeout", 1, (_, n) => n + 1);
                    return;
                }
                catch (Exception e) when (!hardStop.IsCancellationRequested)
                {
                    failures.AddOrUpdate(Kind(e), 1, (_, n) => n + 1);
                    return;
                }
            }

            Interlocked.Increment(ref connected);
            await using (connection)
            {
                for (var i = 0; i < options.Questions && clock.Elapsed < options.Duration; i++)
                {
                    var question = questions[random.Next(questions.Count)];
                    using (var answerTimeout = CancellationTokenSource.CreateLinkedTokenSource(hardStop))
                    {
                        answerTimeout.CancelAfter(options.AnswerTimeout);
                        answers.Enqueue(await connection.AskAsync(question, answerTimeout.Token));
                    }

                    if (i + 1 < options.Questions)
                    {
                        var think = options.ThinkMin + ((options.ThinkMax - options.ThinkMin) * random.NextDouble());
                        await Task.Delay(think, hardStop);
                    }
                }

                Interlocked.Add(ref reconnects, connection.Reconnects);
            }
        }

        async Task GuardedAsync(int customer)
        {
            try
            {
                await CustomerAsync(customer);
            }
            catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
            {
                // The hard timeout ends the run; what was measured so far is reported.
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Customers).Select(GuardedAsync));
        return new PatternResult
        {
            Customers = options.Customers,
            Connected = connected,
            Answers = [.. answers],
            ConnectionFailures = failures.ToDictionary(),
            Reconnects = reconnects,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>A short name for a failure: the HTTP status when there is one, else the exception type.</summary>
    public static string Kind(Exception e) => e switch
    {
        HttpRequestException { StatusCode: { } status } => $"http_{(int)status}",
        HttpRequestException { HttpRequestError: var error } => $"http_{error}",
        Microsoft.AspNetCore.SignalR.HubException hub => $"HubException: {(hub.Message.Length > 100 ? hub.Message[..100] : hub.Message)}",
        _ => e.GetType().Name,
    };
}
