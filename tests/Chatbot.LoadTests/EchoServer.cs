using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.LoadTests;

/// <summary>
/// The baseline: a bare SignalR hub in a minimal Kestrel process that streams back a given number of pieces at once,
/// with no work behind them. What the chat server does beyond this is our own cost.
/// </summary>
internal static class EchoServer
{
    /// <summary>The subcommand that runs this server instead of the load.</summary>
    public const string Command = "echo-server";

    public const string HubPath = "/echo";

    public const string HealthPath = "/health";

    public const string EchoMethod = "Echo";

    public static async Task RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapGet(HealthPath, () => "ok");
        app.MapHub<EchoHub>(HubPath);
        await app.RunAsync();
    }
}

/// <summary>Streams <c>pieces</c> pieces of <c>pieceLength</c> characters made from the question.</summary>
internal sealed class EchoHub : Hub
{
    private const int MaxPieces = 100_000;
    private const int MaxPieceLength = 10_000;

    [HubMethodName(EchoServer.EchoMethod)]
#pragma warning disable CA1822 // SignalR only dispatches to instance methods.
    public async IAsyncEnumerable<string> EchoAsync(string message, int pieces, int pieceLength, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        pieces = Math.Clamp(pieces, 0, MaxPieces);
        pieceLength = Math.Clamp(pieceLength, 1, MaxPieceLength);
        var text = new StringBuilder(pieceLength);
        while (text.Length < pieceLength)
        {
            text.Append(message.Length > 0 ? message : "에코");
        }

        var piece = text.ToString(0, pieceLength);
        for (var i = 0; i < pieces && !cancellationToken.IsCancellationRequested; i++)
        {
            yield return piece;
        }

        await Task.CompletedTask;
    }
#pragma warning restore CA1822
}
