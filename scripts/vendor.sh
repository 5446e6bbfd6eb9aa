#!/usr/bin/env bash
# Copies the front-end libraries pinned in package.json / package-lock.json into static/vendor/.
# Control-center networks are closed (no CDN), so the built files are committed and `make run`
# never needs npm; run this only when a pinned version changes, then commit static/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null 2>&1 || { echo "[vendor] npm not found; install Node.js 18+" >&2; exit 1; }

# Install in a throw-away directory so the repo never holds node_modules.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp package.json "$work/"
if [ -f package-lock.json ]; then
  cp package-lock.json "$work/"
  (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
else
  # First run only: create the lock file, which is then committed.
  (cd "$work" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$work/package-lock.json" package-lock.json
fi

# Leaflet: the script, its stylesheet and the marker/layer images the stylesheet refers to.
src="$work/node_modules/leaflet/dist"
dest=static/vendor/leaflet
rm -rf "$dest"
mkdir -p "$dest/images"
cp "$src/leaflet.js" "$src/leaflet.js.map" "$src/leaflet.css" "$dest/"
cp "$src"/images/*.png "$dest/images/"
cp "$work/node_modules/leaflet/LICENSE" "$dest/LICENSE"
version=$(node -p "require('$work/node_modules/leaflet/package.json').version")
echo "$version" > "$dest/VERSION"
echo "[vendor] leaflet $version -> $dest"

# hls.js: HLS in browsers without native HLS (Chromium on Linux). The minified UMD build only;
# the console uses the browser's own HLS where it has one (Safari, some Chromium builds).
src="$work/node_modules/hls.js/dist"
dest=static/vendor/hls.js
rm -rf "$dest"
mkdir -p "$dest"
# Without its source map (not shipped): the reference would break collectstatic's hashing.
sed '/^\/\/# sourceMappingURL=/d' "$src/hls.min.js" > "$dest/hls.min.js"
cp "$work/node_modules/hls.js/LICENSE" "$dest/LICENSE"
version=$(node -p "require('$work/node_modules/hls.js/package.json').version")
echo "$version" > "$dest/VERSION"
echo "[vendor] hls.js $version -> $dest"
