using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chatbot.Ai.Contracts;
using Chatbot.Privacy;
using Polly;

namespace Chatbot.Api.Engine;

/// <summary>
/// The knowledge base of the AI service, over its <see cref="AiEndpoints.Ingestion"/>, <see cref="AiEndpoints.Documents"/>
/// and <see cref="AiEndpoints.Chunks"/> endpoints with the service key. The ai's knowledge base makes every decision;
/// its problem documents are read back into the same <see cref="KnowledgeProblem"/> codes, so the admin API answers
/// alike in both modes. A name holding personal data is refused here already, so it never reaches the ai's request
/// log. An ai that cannot be reached (connection refused, the circuit open, the <c>Ai:KnowledgeTimeoutSeconds</c>
/// timeout), that fails, or that refuses the service key, throws <see cref="AiServiceUnavailableException"/>.
/// </summary>
internal sealed class RemoteKnowledgeBase(HttpClient http, PersonalDataMasker masker) : IKnowledgeBase
{
    public Task<KnowledgeChange> SyncAsync(IProgress<KnowledgeProgress>? progress, CancellationToken cancellationToken) =>
        ChangeAsync(new HttpRequestMessage(HttpMethod.Post, Relative(AiEndpoints.Ingestion)), cancellationToken);

    public async Task<KnowledgeChange> PutAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (Refusal(path) is { } refused)
        {
            return refused;
        }

        // Buffered, so a retry of a connection that was never made can send the body again.
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var body = new ByteArrayContent(buffer.ToArray());
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        return await ChangeAsync(new HttpRequestMessage(HttpMethod.Put, DocumentUri(path)) { Content = body }, cancellationToken);
    }

    public Task<KnowledgeChange> DeleteAsync(string path, CancellationToken cancellationToken) =>
        Refusal(path) is { } refused
            ? Task.FromResult(refused)
            : ChangeAsync(new HttpRequestMessage(HttpMethod.Delete, DocumentUri(path)), cancellationToken);

    public async Task<IReadOnlyList<KnowledgeDocument>> ListAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative(AiEndpoints.Documents));
        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<List<KnowledgeDocument>>(JsonSerializerOptions.Web, cancellationToken) ?? [];
    }

    public async Task<IReadOnlyList<KnowledgeChunk>?> GetChunksAsync(string documentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative($"{AiEndpoints.Chunks}?documentId={Uri.EscapeDataString(documentId)}"));
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<List<KnowledgeChunk>>(JsonSerializerOptions.Web, cancellationToken);
    }

    private KnowledgeChange? Refusal(string path) => masker.ContainsPersonalData(path ?? "")
        ? KnowledgeChange.Refused(
            KnowledgeProblems.PersonalDataInFileName,
            "The document name holds personal data (a registration, phone, card or account number, an e-mail address); rename it.")
        : null;

    private async Task<KnowledgeChange> ChangeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var report = await response.Content.ReadFromJsonAsync<IngestionReport>(JsonSerializerOptions.Web, cancellationToken)
                    ?? throw new AiServiceUnavailableException("The AI service answered a knowledge change without a report.");
                return KnowledgeChange.Done(report);
            }

            return new KnowledgeChange(null, await ProblemOfAsync(response, cancellationToken));
        }
    }

    /// <summary>The ai's refusal as the code the in-process knowledge base gives; an ai that failed throws.</summary>
    private static async Task<KnowledgeProblem> ProblemOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status is 401 or 403 || status >= 500)
        {
            throw Failed(status);
        }

        string? code = null, detail = null;
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = problem.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                detail = problem.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                if (detail is null && problem.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                {
                    detail = string.Join(" ", errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray()).Select(e => e.GetString()));
                }
            }
        }
        catch (JsonException)
        {
            // A refusal without a problem document (a proxy's 413, say) is read by its status alone.
        }

        code ??= status switch
        {
            404 => KnowledgeProblems.DocumentNotFound,
            413 => KnowledgeProblems.DocumentTooLarge,
            409 => KnowledgeProblems.IngestionRunning,
            422 => KnowledgeProblems.UnreadableDocument,
            _ => KnowledgeProblems.InvalidFileName,
        };
        return new KnowledgeProblem(code, string.IsNullOrWhiteSpace(detail) ? $"The AI service refused the change ({status})." : detail);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or ExecutionRejectedException or TimeoutException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AiServiceUnavailableException($"The AI service at {http.BaseAddress} cannot be reached: {e.Message}", e);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var problem = await ProblemOfAsync(response, cancellationToken);
            throw new AiServiceUnavailableException($"The AI service answered {(int)response.StatusCode}: {problem.Code}: {problem.Detail}");
        }
    }

    private static AiServiceUnavailableException Failed(int status) => new(status is 401 or 403
        ? $"The AI service refused the service key ({status}): Ai:ServiceKey must be the same on the api and the ai."
        : $"The AI service answered {status}.");

    /// <summary>The document's address under <see cref="AiEndpoints.Documents"/>, each segment escaped.</summary>
    private static Uri DocumentUri(string path) =>
        Relative($"{AiEndpoints.Documents}/{string.Join('/', (path ?? "").Replace('\\', '/').Split('/').Select(Uri.EscapeDataString))}");

    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);
}
