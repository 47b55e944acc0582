# syntax=docker/dockerfile:1
# Chatbot.Api: the chat web host (REST, SignalR hub). Build from the repository root:
#   docker build -f deploy/docker/api.Dockerfile -t chatbot-api .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so this layer stays cached until a dependency changes.
COPY global.json nuget.config Directory.Build.props Directory.Packages.props .editorconfig ./
COPY sdk/Dongyang.Chat.Protocol/Dongyang.Chat.Protocol.csproj sdk/Dongyang.Chat.Protocol/
COPY server/Chatbot.Rag/Chatbot.Rag.csproj server/Chatbot.Rag/
COPY server/Chatbot.Data/Chatbot.Data.csproj server/Chatbot.Data/
COPY server/Chatbot.Ai.Contracts/Chatbot.Ai.Contracts.csproj server/Chatbot.Ai.Contracts/
COPY server/Chatbot.Hosting/Chatbot.Hosting.csproj server/Chatbot.Hosting/
COPY server/Chatbot.Api/Chatbot.Api.csproj server/Chatbot.Api/
RUN dotnet restore server/Chatbot.Api/Chatbot.Api.csproj
COPY sdk/ sdk/
COPY server/ server/
COPY samples/ samples/
RUN dotnet publish server/Chatbot.Api/Chatbot.Api.csproj --no-restore -c Release -o /app/publish -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# The image's non-root user 'app' owns only the data folder.
RUN mkdir -p /app/data && chown app:app /app/data
COPY --from=build /app/publish .
ENV Urls=http://+:8080 \
    Storage__DataDirectory=/app/data \
    HEALTHCHECK_URL=http://127.0.0.1:8080/api/health \
    DOTNET_NOLOGO=1
USER app
EXPOSE 8080
# The image has no HTTP client: the app probes itself.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["dotnet", "/app/Chatbot.Api.dll", "--healthcheck"]
ENTRYPOINT ["dotnet", "/app/Chatbot.Api.dll"]
