#!/usr/bin/env bash
# Installs what reformkg and its tests need, where it is missing:
#   libclang-dev     RocksDB's build script runs bindgen (Oxigraph's store)
#   graphviz         the real `dot` that renders diagrams
#   fonts-noto-cjk   a font with Chinese glyphs for PNG/SVG/PDF diagrams
#   tmux             drives the REPL in a terminal for manual checks
#   strace           injects SIGKILL at a build's renames (tests/store_safety.rs)
#   chromium, chromium-driver
#                    headless browser and its WebDriver (tests/browser.rs)
#   virtuoso-opensource-7-bin
#                    Virtuoso 7.2 for tests/remote.rs (only the binaries: the
#                    virtuoso-opensource metapackage would start a system
#                    service on every interface; the tests start their own on
#                    127.0.0.1 and stop it)
#   rdflib, pyshacl  (pip) independent RDF parser and SHACL validator for the tests
#   oxigraph 0.5.13  (pip, in a venv at $REFORMKG_TOOLS/venv, default
#                    /var/tmp/reformkg-tools) its wheel carries the Oxigraph
#                    server binary, for tests/remote.rs
# Usage: scripts/deps.sh [--with-test-tools]
set -euo pipefail

need_apt=()
have_pkg() { dpkg -s "$1" >/dev/null 2>&1; }
have_pkg libclang-dev || need_apt+=(libclang-dev)
if [[ "${1:-}" == "--with-test-tools" ]]; then
  command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
  have_pkg fonts-noto-cjk || need_apt+=(fonts-noto-cjk)
  command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-pip)
  command -v strace >/dev/null 2>&1 || need_apt+=(strace)
  command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium chromium-driver)
  command -v virtuoso-t >/dev/null 2>&1 || need_apt+=(virtuoso-opensource-7-bin)
fi

if ((${#need_apt[@]})); then
  echo "Installing system packages: ${need_apt[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [[ "${1:-}" == "--with-test-tools" ]]; then
  if ! python3 -c 'import rdflib, pyshacl' >/dev/null 2>&1; then
    echo "Installing rdflib and pyshacl (pip)" >&2
    python3 -m pip install --quiet rdflib pyshacl 2>/dev/null \
      || python3 -m pip install --quiet --break-system-packages rdflib pyshacl
  fi
fi

if [[ "${1:-}" == "--with-test-tools" ]]; then
  tools="${REFORMKG_TOOLS:-/var/tmp/reformkg-tools}"
  if [[ ! -x "$tools/venv/bin/oxigraph" ]]; then
    echo "Installing the Oxigraph server (pip oxigraph==0.5.13) into $tools/venv" >&2
    if ! python3 -m venv "$tools/venv" 2>/dev/null; then
      # Debian's python3 keeps venv in a package of its own.
      sudo_cmd=()
      [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
      DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv "$tools/venv"
    fi
    "$tools/venv/bin/pip" install --quiet oxigraph==0.5.13
  fi
fi
