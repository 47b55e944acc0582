# syntax=docker/dockerfile:1
# Chatbot.Ai: the AI service (RAG engine over HTTP) on port 8000. Build from the repository root:
#   docker build -f deploy/docker/ai.Dockerfile -t chatbot-ai .

# Restore first, from the project files only, so that layer stays cached until a dependency changes. The
# 'projects' stage keeps just those files (whatever projects the solution grows), with their folders.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS projects
WORKDIR /src
COPY . .
RUN find . -type f ! \( -name '*.csproj' -o -name 'Directory.Build.props' -o -name 'Directory.Packages.props' \
      -o -name 'global.json' -o -name 'nuget.config' \) -delete \
 && find . -type d -empty -delete

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY --from=projects /src/ ./
RUN dotnet restore server/Chatbot.Ai/Chatbot.Ai.csproj
COPY . .
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
