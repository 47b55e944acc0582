using Chatbot.Ai.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chatbot.Hosting;

/// <summary>
/// How an HTTP endpoint answers a knowledge-base change, the same in the Api's admin API and the AI service: the
/// report, or a problem document with the <see cref="KnowledgeProblems"/> code and its status.
/// </summary>
public static class KnowledgeResults
{
    /// <summary>The problem document of a refusal: <c>{status, title, detail, code}</c>.</summary>
    public static ProblemHttpResult Problem(KnowledgeProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return TypedResults.Problem(
            statusCode: problem.StatusCode,
            title: problem.Title,
            detail: problem.Detail,
            extensions: new Dictionary<string, object?> { ["code"] = problem.Code });
    }

    /// <summary>A refusal as <see cref="Problem(KnowledgeProblem)"/>; a change that was made as <paramref name="done"/> says.</summary>
    public static IResult Answer(KnowledgeChange change, Func<IngestionReport, IResult> done)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(done);
        return change.Problem is { } problem ? Problem(problem) : done(change.Report!);
    }
}
