#!/usr/bin/env bash
# Sets Frameline up and serves the API and storyboard page on http://127.0.0.1:8000 with the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/frameline serve "$@"
