#!/usr/bin/env bash
# Background removal on real photographs (docs/studio.md, "Real photos"): the sample photos of scikit-image's Debian
# package (a motorcycle from the Middlebury 2014 stereo set, a Falcon 9 launch, a cat, an espresso cup, an astronaut;
# public domain or CC0 except the motorcycle), run through the studio pipeline, then one strip per photo:
# before | alpha matte | the cut-out on the studio-floor backdrop. Needs apt (for the .deb only) and ffmpeg.
#   bash bench/studio-real-photos.sh [OUTDIR]
set -euo pipefail
out=${1:-/tmp/studio-real-photos}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/in"
(cd "$work" && apt-get download python3-skimage >/dev/null && dpkg -x python3-skimage_*.deb x)
data="$work/x/usr/lib/python3/dist-packages/skimage/data"
for f in motorcycle_left.png rocket.jpg chelsea.png coffee.png astronaut.png; do cp "$data/$f" "$work/in/"; done
dotnet build -c Release bench/Pitlane.StudioBench >/dev/null
bench=bench/Pitlane.StudioBench/bin/Release/net10.0/Pitlane.StudioBench.dll
dotnet "$bench" shots "$work/shots" "$work"/in/*
dotnet "$bench" time --threads 2 --runs 2 "$work"/in/*
for f in "$work"/in/*; do
  n=$(basename "${f%.*}")
  ffmpeg -loglevel error -y -i "$f" -i "$work/shots/$n-mask.png" -i "$work/shots/$n-studio-1200x900.jpg" \
    -filter_complex "[0]scale=-2:300,format=rgb24[a];[1]scale=-2:300,format=rgb24[b];[2]scale=-2:300,format=rgb24[c];[a][b][c]hstack=3" \
    -q:v 4 "$out/row_$n.jpg"
done
echo "strips in $out"
