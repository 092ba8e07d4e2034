#!/usr/bin/env bash
# check_format.sh REPO: every C++ file under src/, tests/ and bench/ is as clang-format-14 would
# write it (.clang-format: Google style, 100 columns). `make format` rewrites them.
set -euo pipefail
cd "$1"
mapfile -t files < <(find src tests bench \( -name '*.h' -o -name '*.cc' \) \
  -not -path '*/node_modules/*' | sort)
if [ ${#files[@]} -lt 100 ]; then
  echo "check_format: found only ${#files[@]} C++ files under $1; wrong folder?" >&2
  exit 1
fi
if ! clang-format-14 --dry-run --Werror "${files[@]}"; then
  echo "check_format: the files above differ from .clang-format; run \`make format\`" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files formatted"
