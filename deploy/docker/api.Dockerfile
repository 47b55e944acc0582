# syntax=docker/dockerfile:1
# Chatbot.Api: the chat web host (REST, SignalR hub). Build from the repository root:
#   docker build -f deploy/docker/api.Dockerfile -t chatbot-api .

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
RUN dotnet restore server/Chatbot.Api/Chatbot.Api.csproj
COPY . .
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
