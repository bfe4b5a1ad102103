#!/bin/sh
# Obtains the ISNet background-removal model used by the Studio module (docs/studio.md).
# Source: npm package @imgly/background-removal-data 1.4.5 (AGPL-3.0). The package ships each model as 4 MiB
# chunks named by their SHA-256 and listed in dist/resources.json; this script packs the package with npm into a
# cache outside git, checks the tarball's SHA-256, checks every chunk against its listed hash, and concatenates the
# chunks of one model into OUT. Never committed: the build runs this when OUT is missing.
# Usage: fetch-model.sh OUT [medium|small]  (medium: ISNet fp16, 88 MB; small: quint8, 44 MB, visibly noisier)
set -eu
OUT="$1"
MODEL="${2:-medium}"
VERSION=1.4.5
TARBALL_SHA256=ca7789abb39370727c9a098310b53bce41518d200000423c7107f8c01bbce946
CACHE="${PITLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pitlane}/imgly-$VERSION"
TGZ="$CACHE/imgly-background-removal-data-$VERSION.tgz"

mkdir -p "$CACHE" "$(dirname "$OUT")"
if [ ! -f "$TGZ" ] || ! echo "$TARBALL_SHA256  $TGZ" | sha256sum -c --status; then
  rm -f "$TGZ"
  (cd "$CACHE" && npm pack "@imgly/background-removal-data@$VERSION" --silent >/dev/null)
fi
echo "$TARBALL_SHA256  $TGZ" | sha256sum -c --status || { echo "fetch-model: SHA-256 of $TGZ does not match $TARBALL_SHA256" >&2; exit 1; }
if [ ! -f "$CACHE/package/dist/resources.json" ]; then
  tar -xzf "$TGZ" -C "$CACHE"
fi
# resources.json: { "/models/small": { "chunks": [ { "hash": "...", "offsets": [a, b] }, ... ], "size": N } }
node -e '
const fs = require("fs"), crypto = require("crypto"), path = require("path");
const [dist, key, out] = process.argv.slice(1);
const entry = JSON.parse(fs.readFileSync(path.join(dist, "resources.json"), "utf8"))["/models/" + key];
if (!entry) { console.error("fetch-model: no /models/" + key + " in resources.json"); process.exit(1); }
const tmp = out + ".part"; const fd = fs.openSync(tmp, "w"); let size = 0;
for (const c of entry.chunks) {
  const bytes = fs.readFileSync(path.join(dist, c.hash));
  const h = crypto.createHash("sha256").update(bytes).digest("hex");
  if (h !== c.hash) { console.error("fetch-model: chunk " + c.hash + " has SHA-256 " + h); process.exit(1); }
  fs.writeSync(fd, bytes); size += bytes.length;
}
fs.closeSync(fd);
if (size !== entry.size) { console.error("fetch-model: model is " + size + " bytes, resources.json says " + entry.size); process.exit(1); }
fs.renameSync(tmp, out);
' "$CACHE/package/dist" "$MODEL" "$OUT"
echo "fetch-model: $OUT ($MODEL) ready"
