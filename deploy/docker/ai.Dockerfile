# syntax=docker/dockerfile:1
# Chatbot.Ai: the AI service (RAG engine over HTTP) on port 8000. Build from the repository root:
#   docker build -f deploy/docker/ai.Dockerfile -t chatbot-ai .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so this layer stays cached until a dependency changes.
COPY global.json nuget.config Directory.Build.props Directory.Packages.props .editorconfig ./
COPY sdk/Dongyang.Chat.Protocol/Dongyang.Chat.Protocol.csproj sdk/Dongyang.Chat.Protocol/
COPY server/Chatbot.Rag/Chatbot.Rag.csproj server/Chatbot.Rag/
COPY server/Chatbot.Ai.Contracts/Chatbot.Ai.Contracts.csproj server/Chatbot.Ai.Contracts/
COPY server/Chatbot.Hosting/Chatbot.Hosting.csproj server/Chatbot.Hosting/
COPY server/Chatbot.Ai/Chatbot.Ai.csproj server/Chatbot.Ai/
RUN dotnet restore server/Chatbot.Ai/Chatbot.Ai.csproj
COPY sdk/ sdk/
COPY server/ server/
COPY samples/ samples/
RUN dotnet publish server/Chatbot.Ai/Chatbot.Ai.csproj --no-restore -c Release -o /app/publish -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# /app/data is the vector_store volume: the index and the knowledge documents. Only it is writable by 'app'.
RUN mkdir -p /app/data && chown app:app /app/data
COPY --from=build /app/publish .
ENV Urls=http://+:8000 \
    Rag__DataDirectory=/app/data \
    Rag__KnowledgePath=/app/data/knowledge \
    HEALTHCHECK_URL=http://127.0.0.1:8000/ \
    DOTNET_NOLOGO=1
USER app
EXPOSE 8000
# The image has no HTTP client: the app probes itself.
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 CMD ["dotnet", "/app/Chatbot.Ai.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "/app/Chatbot.Ai.dll"]
