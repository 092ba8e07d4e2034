#!/usr/bin/env bash
# check_test_names.sh BUILD_DIR TEST_BINARY…: the GoogleTest binaries' test names depend on
# nothing but the source. Two listings (two processes: under address-space randomization, heap addresses
# differ) are identical, no parameter prints as raw bytes, and no ctest name carries a printed
# parameter value.
set -euo pipefail
build=$1
shift
total=0
for bin in "$@"; do
  first=$("$bin" --gtest_list_tests)
  second=$("$bin" --gtest_list_tests)
  if [ "$first" != "$second" ]; then
    echo "check_test_names: two listings of $bin differ:" >&2
    diff <(echo "$first") <(echo "$second") | head -20 >&2
    exit 1
  fi
  if grep -n -- '-byte object <' <<<"$first" >&2; then
    echo "check_test_names: a test parameter of $bin prints as bytes; give its type a PrintTo" >&2
    exit 1
  fi
  total=$((total + $(grep -c '^  ' <<<"$first")))
done
names=$(cd "$build" && ctest -N)
if grep -n 'GetParam()' <<<"$names" | head -5 >&2; then
  echo "check_test_names: a ctest name carries a parameter value" >&2
  exit 1
fi
echo "check_test_names: $total tests listed twice alike; $(grep -c 'Test *#' <<<"$names") ctest names"
