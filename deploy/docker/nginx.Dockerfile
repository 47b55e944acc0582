# syntax=docker/dockerfile:1
# nginx with the production config and the static site (sample partner page at /, widget under /widget/,
# precompressed for gzip_static). Build from the repository root:
#   docker build -f deploy/docker/nginx.Dockerfile -t chatbot-nginx .

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
# The publish output holds wwwroot (the widget, with the Blazor build's _framework files and their .gz/.br).
RUN dotnet publish server/Chatbot.Api/Chatbot.Api.csproj --no-restore -c Release -o /app/publish -p:UseAppHost=false \
 && bash deploy/scripts/build-static-site.sh --site /app/publish/samples/site --wwwroot /app/publish/wwwroot --out /site

FROM nginx:1.27-alpine AS runtime
COPY deploy/nginx/nginx.conf /etc/nginx/nginx.conf
COPY deploy/nginx/snippets/ /etc/nginx/snippets/
COPY deploy/nginx/upstreams/ /etc/nginx/upstreams/
COPY deploy/nginx/admin-allow/ /etc/nginx/admin-allow/
COPY deploy/nginx/templates/ /etc/nginx/templates/
COPY --from=build /site/ /usr/share/nginx/html/
# Only ${DOMAIN} is substituted into the templates, so nginx's own $variables stay as they are.
ENV NGINX_ENVSUBST_FILTER=^(DOMAIN|DEMO_SITE_KEY)$
RUN rm -f /etc/nginx/conf.d/default.conf && mkdir -p /var/www/certbot
EXPOSE 80 443
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1/nginx-health"]
