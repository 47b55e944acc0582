using System.Diagnostics;
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.LoadTests;

/// <summary>A customer of the chat server through the SDK, as a partner's .NET app would talk to it.</summary>
internal sealed class ChatCustomer : ICustomerConnection
{
    private readonly DongyangChatClient client;
    private int reconnects;

    private ChatCustomer(DongyangChatClient client)
    {
        this.client = client;
        client.StateChanged += (_, e) =>
        {
            if (e.State == ChatConnectionState.Reconnecting)
            {
                Interlocked.Increment(ref reconnects);
            }
        };
    }

    public int Reconnects => reconnects;

    public static async Task<ICustomerConnection> ConnectAsync(Uri server, string siteKey, CancellationToken cancellationToken)
    {
        var customer = new ChatCustomer(new DongyangChatClient(new DongyangChatOptions { ServerUrl = server, SiteKey = siteKey }));
        try
        {
            await customer.client.ConnectAsync(cancellationToken);
        }
        catch
        {
            await customer.DisposeAsync();
            throw;
        }

        return customer;
    }

    public async Task<AnswerSample> AskAsync(string question, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        var pieces = 0;
        var characters = 0;
        try
        {
            await foreach (var e in client.AskAsync(question, cancellationToken: cancellationToken))
            {
                switch (e)
                {
                    case DeltaEvent delta:
                        first ??= clock.Elapsed;
                        pieces++;
                        characters += delta.Text.Length;
                        break;
                    case CompletedEvent:
                        return new AnswerSample(first, clock.Elapsed, null, pieces, characters);
                    case ErrorEvent error:
                        return new AnswerSample(first, null, error.Code, pieces, characters);
                }
            }

            return new AnswerSample(first, null, "ended_without_completion", pieces, characters);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new AnswerSample(first, null, "answer_timeout", pieces, characters);
        }
        catch (Exception e)
        {
            return new AnswerSample(first, null, CustomerPattern.Kind(e), pieces, characters);
        }
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();
}

/// <summary>A customer of the echo baseline through the plain SignalR client.</summary>
internal sealed class EchoCustomer(HubConnection connection, int pieces, int pieceLength) : ICustomerConnection
{
    public int Reconnects => 0;

    public static async Task<ICustomerConnection> ConnectAsync(Uri server, int pieces, int pieceLength, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(server, EchoServer.HubPath.TrimStart('/'))).Build();
        try
        {
            await connection.StartAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return new EchoCustomer(connection, pieces, pieceLength);
    }

    public async Task<AnswerSample> AskAsync(string question, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        var received = 0;
        var characters = 0;
        try
        {
            await foreach (var piece in connection.StreamAsync<string>(EchoServer.EchoMethod, question, pieces, pieceLength, cancellationToken))
            {
                first ??= clock.Elapsed;
                received++;
                characters += piece.Length;
            }

            return received == pieces
                ? new AnswerSample(first, clock.Elapsed, null, received, characters)
                : new AnswerSample(first, null, "short_stream", received, characters);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new AnswerSample(first, null, "answer_timeout", received, characters);
        }
        catch (Exception e)
        {
            return new AnswerSample(first, null, CustomerPattern.Kind(e), received, characters);
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
