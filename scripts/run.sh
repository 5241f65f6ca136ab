#!/usr/bin/env bash
# Installs what is missing, then runs the site with live reload at http://127.0.0.1:3000.
# Content comes from content/, data (the SQLite file) goes to data/. Settings: docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
# Development shows drafts and scheduled articles (with a notice); production hides them.
export NV_SHOW_DRAFTS="${NV_SHOW_DRAFTS:-true}"
# Edits under content/ are reloaded at once and open pages reload by themselves; a mistake
# keeps the last good content and shows a banner listing each problem (see docs/content.md).
export NV_WATCH_CONTENT="${NV_WATCH_CONTENT:-true}"
exec cargo leptos watch "$@"
