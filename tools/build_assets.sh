#!/usr/bin/env bash
# Rebuild the vendored GOV.UK Frontend assets in surveyapp/web/static/govuk/.
#
# - Installs pinned govuk-frontend + sass from the npm registry into a scratch
#   directory OUTSIDE the repo (nothing is added to the repo except outputs).
# - Compiles govuk-frontend's Sass with a system font stack, no GDS Transport
#   @font-face, and WITHOUT the footer component (its CSS references the
#   GOV.UK crest image). The crown/crest images and the fonts are never copied.
# - Copies the prebuilt ES module JS and writes the MIT licence.
# - Verifies the result and fails loudly if anything GOV.UK-branded leaks in.
#
# Usage: tools/build_assets.sh [scratch-dir]   (default: /tmp/assets-build)
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.6.0"
SASS_VERSION="1.108.2"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="$REPO_ROOT/surveyapp/web/static/govuk"
BUILD_DIR="${1:-/tmp/assets-build}"

case "$BUILD_DIR/" in
  "$REPO_ROOT"/*) echo "error: scratch dir must be outside the repo" >&2; exit 1 ;;
esac

mkdir -p "$BUILD_DIR" "$OUT_DIR"
cd "$BUILD_DIR"

# --- 1. Install pinned packages ---------------------------------------------
if [ ! -f package.json ]; then
  printf '{\n  "name": "surveyapp-assets-build",\n  "private": true\n}\n' > package.json
fi
npm install --save-exact --no-audit --no-fund --ignore-scripts \
  "govuk-frontend@${GOVUK_FRONTEND_VERSION}" "sass@${SASS_VERSION}"

PKG="$BUILD_DIR/node_modules/govuk-frontend"
installed="$(node -p "require('$PKG/package.json').version")"
licence="$(node -p "require('$PKG/package.json').license")"
[ "$installed" = "$GOVUK_FRONTEND_VERSION" ] || { echo "error: got govuk-frontend $installed" >&2; exit 1; }
[ "$licence" = "MIT" ] || { echo "error: govuk-frontend licence is '$licence', expected MIT" >&2; exit 1; }

# --- 2. Sass entry point ----------------------------------------------------
# Mirrors dist/govuk/index.scss + components/_index.scss, minus "footer".
cat > surveyapp-govuk.scss <<'SCSS'
@use "govuk-frontend/dist/govuk/base" with (
  $govuk-font-family: (system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", arial, sans-serif),
  $govuk-include-default-font-face: false,
  $govuk-assets-path: "/static/govuk/"
);

@use "govuk-frontend/dist/govuk/core";
@use "govuk-frontend/dist/govuk/objects";

// Components: everything except "footer" (references govuk-crest.svg).
@use "govuk-frontend/dist/govuk/components/accordion";
@use "govuk-frontend/dist/govuk/components/back-link";
@use "govuk-frontend/dist/govuk/components/breadcrumbs";
@use "govuk-frontend/dist/govuk/components/button";
@use "govuk-frontend/dist/govuk/components/character-count";
@use "govuk-frontend/dist/govuk/components/checkboxes";
@use "govuk-frontend/dist/govuk/components/cookie-banner";
@use "govuk-frontend/dist/govuk/components/date-input";
@use "govuk-frontend/dist/govuk/components/details";
@use "govuk-frontend/dist/govuk/components/error-message";
@use "govuk-frontend/dist/govuk/components/error-summary";
@use "govuk-frontend/dist/govuk/components/exit-this-page";
@use "govuk-frontend/dist/govuk/components/feedback";
@use "govuk-frontend/dist/govuk/components/fieldset";
@use "govuk-frontend/dist/govuk/components/file-upload";
@use "govuk-frontend/dist/govuk/components/generic-header";
@use "govuk-frontend/dist/govuk/components/header";
@use "govuk-frontend/dist/govuk/components/hint";
@use "govuk-frontend/dist/govuk/components/input";
@use "govuk-frontend/dist/govuk/components/inset-text";
@use "govuk-frontend/dist/govuk/components/label";
@use "govuk-frontend/dist/govuk/components/language-navigation";
@use "govuk-frontend/dist/govuk/components/notification-banner";
@use "govuk-frontend/dist/govuk/components/pagination";
@use "govuk-frontend/dist/govuk/components/panel";
@use "govuk-frontend/dist/govuk/components/password-input";
@use "govuk-frontend/dist/govuk/components/phase-banner";
@use "govuk-frontend/dist/govuk/components/radios";
@use "govuk-frontend/dist/govuk/components/select";
@use "govuk-frontend/dist/govuk/components/service-navigation";
@use "govuk-frontend/dist/govuk/components/skip-link";
@use "govuk-frontend/dist/govuk/components/summary-list";
@use "govuk-frontend/dist/govuk/components/table";
@use "govuk-frontend/dist/govuk/components/tabs";
@use "govuk-frontend/dist/govuk/components/tag";
@use "govuk-frontend/dist/govuk/components/task-list";
@use "govuk-frontend/dist/govuk/components/textarea";
@use "govuk-frontend/dist/govuk/components/warning-text";

@use "govuk-frontend/dist/govuk/utilities";
@use "govuk-frontend/dist/govuk/overrides";
SCSS

# --- 3. Compile -------------------------------------------------------------
CSS_OUT="$OUT_DIR/govuk-frontend.min.css"
node_modules/.bin/sass --load-path=node_modules --style=compressed \
  --no-source-map --quiet-deps surveyapp-govuk.scss "$CSS_OUT"

# --- 4. Copy JS + licence (no fonts, no images) -----------------------------
cp "$PKG/dist/govuk/govuk-frontend.min.js" "$OUT_DIR/govuk-frontend.min.js"

# The npm tarball ships no LICENSE file (package.json says "MIT"); this is the
# upstream LICENSE.txt from https://github.com/alphagov/govuk-frontend
cat > "$OUT_DIR/LICENSE.txt" <<'LICENCE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE

# --- 5. Verify --------------------------------------------------------------
fail() { echo "VERIFY FAILED: $*" >&2; exit 1; }
grep -q  '\.govuk-radios'        "$CSS_OUT" || fail ".govuk-radios missing"
grep -q  '\.govuk-error-summary' "$CSS_OUT" || fail ".govuk-error-summary missing"
grep -qi 'GDS Transport'         "$CSS_OUT" && fail "'GDS Transport' found in CSS"
grep -qi '@font-face'            "$CSS_OUT" && fail "@font-face found in CSS"
grep -qiE 'crown|crest'          "$CSS_OUT" && fail "crown/crest reference found in CSS"
grep -qiE '\.woff2?'             "$CSS_OUT" && fail "font file reference found in CSS"
grep -q  'url('                  "$CSS_OUT" && fail "CSS references an asset via url(); review and copy it deliberately"
[ "$(wc -l < "$CSS_OUT")" -le 2 ] || fail "CSS is not minified"
grep -q 'initAll' "$OUT_DIR/govuk-frontend.min.js" || fail "initAll not exported by JS"
if find "$OUT_DIR" \( -name '*.woff*' -o -name '*.svg' -o -name '*.png' -o -name '*.ico' \) | grep -q .; then
  fail "font/image files present in $OUT_DIR"
fi

echo "OK: govuk-frontend ${GOVUK_FRONTEND_VERSION} (sass ${SASS_VERSION}) -> $OUT_DIR"
ls -l "$OUT_DIR"
