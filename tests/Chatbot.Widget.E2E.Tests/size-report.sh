#!/usr/bin/env bash
# Prints the widget size report twice: against a Release publish of the chat server (trimmed, precompressed, as
# deployed), then against the Debug build output that 'dotnet run --project server/Chatbot.Api' serves. Each report
# has the loader's bytes (raw, gzip, brotli), the bytes Chromium fetches before and after the first open, and the
# median click-to-input time of a few cold opens (each in a fresh browser context).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$PWD/artifacts/size-report/api"
report() {
  dotnet test tests/Chatbot.Widget.E2E.Tests --no-build --filter "FullyQualifiedName~SizeReport" \
    --logger "console;verbosity=detailed" 2>&1 | awk '/widget size report/ && !done { show = 1 } show && /xUnit|Passed|Failed/ { show = 0; done = 1 } show'
}
dotnet publish server/Chatbot.Api -c Release -o "$out" -v quiet -nologo >/dev/null
dotnet build tests/Chatbot.Widget.E2E.Tests -v quiet -nologo >/dev/null
CHATBOT_API_PUBLISHED="$out" report
CHATBOT_API_PUBLISHED="" report
