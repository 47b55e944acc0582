#!/usr/bin/env bash
# Regenerates the binary reader fixtures from injury-terms.html with LibreOffice headless and the Noto CJK fonts
# (Debian packages libreoffice-writer-nogui and fonts-noto-cjk). The outputs are committed; tests never run this.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$here")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lo() { soffice --headless "-env:UserInstallation=file://$work/profile" "$@" >/dev/null 2>&1; }

lo --infilter="HTML (StarWriter)" --convert-to docx:"MS Word 2007 XML" --outdir "$work" "$here/injury-terms.html"
lo --convert-to pdf:writer_pdf_Export --outdir "$work" "$work/injury-terms.docx"
mkdir -p "$work/encrypted"
lo --convert-to 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"1234"}}' \
   --outdir "$work/encrypted" "$work/injury-terms.docx"

cp "$work/injury-terms.docx" "$out/injury-terms.docx"
cp "$work/injury-terms.pdf" "$out/injury-terms.pdf"
cp "$work/encrypted/injury-terms.pdf" "$out/encrypted-terms.pdf"
