#!/usr/bin/env bash
# Prints the widget size report against a Release publish of the chat server (trimmed, precompressed, as deployed):
# loader bytes (raw, gzip, brotli) and bytes Chromium fetches before and after the first open.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$PWD/artifacts/size-report/api"
dotnet publish server/Chatbot.Api -c Release -o "$out" -v quiet -nologo >/dev/null
CHATBOT_API_PUBLISHED="$out" dotnet test tests/Chatbot.Widget.E2E.Tests --filter "FullyQualifiedName~SizeReport" \
  --logger "console;verbosity=detailed" 2>&1 | awk '/widget size report/ && !done { show = 1 } show && /xUnit|Passed|Failed/ { show = 0; done = 1 } show'
