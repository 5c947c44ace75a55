#!/usr/bin/env bash
# Copies the page's third-party files from npm into wwwroot/vendor, with their licences.
# The copies are committed, so a build (and the page) needs no network; run this only to
# change a version: edit package.json (exact versions), then `bash scripts/vendor.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm ci when the lock file exists (reproducible); npm install writes the lock file the first time.
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund --save-exact; fi

dest=wwwroot/vendor/uplot
rm -rf "$dest"
mkdir -p "$dest"
cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css node_modules/uplot/LICENSE "$dest/"
version=$(node -p "require('./node_modules/uplot/package.json').version")
echo "uPlot $version from npm (package uplot), copied by scripts/vendor.sh" > "$dest/VERSION"
echo "vendored uPlot $version into $dest"
