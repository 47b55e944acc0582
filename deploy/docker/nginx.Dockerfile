# syntax=docker/dockerfile:1
# nginx with the production config and the static site (sample partner page at /, widget under /widget/,
# precompressed for gzip_static). Build from the repository root:
#   docker build -f deploy/docker/nginx.Dockerfile -t chatbot-nginx .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
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
COPY deploy/scripts/build-static-site.sh deploy/scripts/
# The publish output holds wwwroot (the widget, with the Blazor build's _framework files and their .gz/.br).
RUN dotnet publish server/Chatbot.Api/Chatbot.Api.csproj --no-restore -c Release -o /app/publish -p:UseAppHost=false \
 && bash deploy/scripts/build-static-site.sh --site /app/publish/samples/site --wwwroot /app/publish/wwwroot --out /site

FROM nginx:1.27-alpine AS runtime
COPY deploy/nginx/nginx.conf /etc/nginx/nginx.conf
COPY deploy/nginx/snippets/ /etc/nginx/snippets/
COPY deploy/nginx/upstreams/ /etc/nginx/upstreams/
COPY deploy/nginx/templates/ /etc/nginx/templates/
COPY --from=build /site/ /usr/share/nginx/html/
# Only ${DOMAIN} is substituted into the templates, so nginx's own $variables stay as they are.
ENV NGINX_ENVSUBST_FILTER=^DOMAIN$
RUN rm -f /etc/nginx/conf.d/default.conf && mkdir -p /var/www/certbot
EXPOSE 80 443
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1/nginx-health"]
