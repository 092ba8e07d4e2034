#!/usr/bin/env bash
# check_test_names.sh UNIT_TESTS BUILD_DIR: the unit tests' names depend on nothing but the
# source. Two listings (two processes: under address-space randomization, heap addresses
# differ) are identical, no parameter prints as raw bytes, and no ctest name carries a printed
# parameter value.
set -euo pipefail
bin=$1
build=$2
first=$("$bin" --gtest_list_tests)
second=$("$bin" --gtest_list_tests)
if [ "$first" != "$second" ]; then
  echo "check_test_names: two listings differ:" >&2
  diff <(echo "$first") <(echo "$second") | head -20 >&2
  exit 1
fi
if grep -n -- '-byte object <' <<<"$first" >&2; then
  echo "check_test_names: a test parameter prints as bytes; give its type a PrintTo" >&2
  exit 1
fi
names=$(cd "$build" && ctest -N)
if grep -n 'GetParam()' <<<"$names" | head -5 >&2; then
  echo "check_test_names: a ctest name carries a parameter value" >&2
  exit 1
fi
count=$(grep -c 'Test *#' <<<"$names")
echo "check_test_names: $(grep -c '^  ' <<<"$first") unit tests listed twice alike; $count ctest names"
