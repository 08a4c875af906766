#!/usr/bin/env bash
# Sets up Frameline in .venv: CPU torch first (so pip never pulls a CUDA build), then the
# project with its dev extras. Idempotent: a second run with an unchanged pyproject.toml is a
# few checks. `scripts/setup.sh --services` also installs the Debian packages the services and
# browser tests use (redis-server, postgresql, chromium) and the animatic's scratch audio
# (espeak-ng).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
if ! .venv/bin/python -c 'import torch' >/dev/null 2>&1; then
    .venv/bin/pip install --quiet --upgrade pip
    .venv/bin/pip install --quiet torch==2.13.0
fi
stamp=.venv/.frameline-installed
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    .venv/bin/pip install --quiet -e ".[dev]"
    echo "$wanted" > "$stamp"
fi

if [ "${1:-}" = "--services" ]; then
    missing=()
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
    if [ "${#missing[@]}" -gt 0 ]; then
        SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
fi
