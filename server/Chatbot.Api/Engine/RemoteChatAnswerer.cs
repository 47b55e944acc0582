using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Chatbot.Ai.Contracts;
using Chatbot.Rag.Answering;
using Microsoft.Extensions.Options;
using Polly;

namespace Chatbot.Api.Engine;

/// <summary>
/// Answers through the AI service's NDJSON answer stream. Each line is passed on as soon as it arrives (the response
/// is read from its headers on, never buffered). Its HttpClient's resilience pipeline covers the call up to the
/// response headers only, so a stream that breaks after bytes arrived is never retried: it surfaces as
/// <see cref="AiServiceUnavailableException"/> and the chat marks the answer interrupted.
/// </summary>
internal sealed class RemoteChatAnswerer(HttpClient http, IOptions<AiServiceOptions> options) : IChatAnswerer
{
    public async IAsyncEnumerable<AnswerUpdate> AnswerAsync(string question, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, AiEndpoints.AnswerStream.TrimStart('/'))
        {
            Content = JsonContent.Create(new AnswerRequest(question), options: JsonSerializerOptions.Web),
        };
        request.Headers.Accept.ParseAdd(AiEndpoints.NdjsonMediaType);

        using var response = await SendAsync(request, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body);
        var idle = TimeSpan.FromSeconds(options.Value.StreamIdleTimeoutSeconds);
        var finished = false;
        while (!finished)
        {
            var line = await ReadLineAsync(reader, idle, cancellationToken);
            if (line is null)
            {
                throw new AiServiceUnavailableException("The AI service ended the answer stream before the answer was finished.");
            }

            if (line.Length == 0)
            {
                continue;
            }

            switch (JsonSerializer.Deserialize<AnswerStreamEvent>(line, JsonSerializerOptions.Web))
            {
                case AnswerDeltaEvent delta:
                    yield return new AnswerDelta(delta.Text);
                    break;
                case AnswerCitationsEvent citations:
                    yield return new AnswerCitations(citations.Citations);
                    break;
                case AnswerFinishedEvent done:
                    finished = true;
                    yield return new AnswerFinished(done.Grounded, done.Suggestions) { OffersHandoff = done.OffersHandoff };
                    break;
                case AnswerErrorEvent error:
                    throw new AiServiceUnavailableException($"The AI service failed mid-answer: {error.Code}: {error.Message}");
                default:
                    throw new AiServiceUnavailableException($"The AI service sent an unreadable line: {line}");
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        // ExecutionRejectedException covers the pipeline's own refusals: an open circuit (BrokenCircuitException) and
        // an attempt that ran out of time (TimeoutRejectedException, which is not a TimeoutException).
        catch (Exception e) when (e is HttpRequestException or ExecutionRejectedException or TimeoutException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AiServiceUnavailableException($"The AI service at {http.BaseAddress} cannot be reached: {e.Message}", e);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new AiServiceUnavailableException(status == StatusCodes.Status401Unauthorized
                ? "The AI service refused the service key (401): Ai:ServiceKey must be the same on the api and the ai."
                : $"The AI service answered {status}.");
        }

        return response;
    }

    private static async Task<string?> ReadLineAsync(StreamReader reader, TimeSpan idle, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(idle);
        try
        {
            return await reader.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AiServiceUnavailableException($"The AI service sent nothing for {idle.TotalSeconds:0} s mid-answer.");
        }
        catch (IOException e)
        {
            throw new AiServiceUnavailableException("The AI service connection broke mid-answer.", e);
        }
        catch (HttpRequestException e)
        {
            throw new AiServiceUnavailableException("The AI service connection broke mid-answer.", e);
        }
    }
}
