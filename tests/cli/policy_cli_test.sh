#!/usr/bin/env bash
# Command-line behaviour of `gatehouse policy …`: outputs and exit codes, and the worked
# examples of docs/policy-simulate.md against their .expect files.
# Usage: policy_cli_test.sh GATEHOUSE_BINARY TESTS_CLI_DIR
set -u
bin=$1
here=$2
examples=$(cd "$here/../../docs/examples" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

check() {  # check NAME EXPECTED_EXIT EXPECTED_STDOUT_SUBSTRING -- COMMAND…
  local name=$1 want_exit=$2 want_out=$3
  shift 4
  local out code
  out=$("$@" 2>&1)
  code=$?
  if [ "$code" = "$want_exit" ] && [[ "$out" == *"$want_out"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $code (want $want_exit), output:"
    echo "$out" | head -20
  fi
}

echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}}' >"$tmp/ok.json"
echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"user/x"}}' >"$tmp/badres.json"
echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:GetUser"' >"$tmp/broken.json"
echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}}' >"$tmp/trust.json"

check "validate valid" 0 "valid" -- "$bin" policy validate --kind identity "$tmp/ok.json"
check "validate bad resource" 1 'MalformedPolicyDocument: Resource user/x must be in ARN format or "*".' -- \
  "$bin" policy validate --kind identity "$tmp/badres.json"
check "validate syntax" 1 "MalformedPolicyDocument: Syntax errors in policy." -- \
  "$bin" policy validate --kind identity "$tmp/broken.json"
check "validate trust" 0 "valid" -- "$bin" policy validate --kind trust "$tmp/trust.json"
check "validate trust as identity" 1 "MalformedPolicyDocument" -- \
  "$bin" policy validate --kind identity "$tmp/trust.json"
check "validate unknown kind" 2 "unknown kind" -- "$bin" policy validate --kind nope "$tmp/ok.json"
check "validate missing file" 2 "cannot read" -- "$bin" policy validate --kind identity "$tmp/none.json"

for request in "$examples"/*.json; do
  want=$(cat "${request%.json}.expect")
  check "example $(basename "$request")" 0 "\"decision\": \"$want\"" -- \
    "$bin" policy simulate "$request" --json
  check "example text $(basename "$request")" 0 "Decision: $want" -- \
    "$bin" policy simulate "$request"
done

echo '{"principal":{"arn":"arn:aws:iam::111111111111:user/a"},"action":"iam:GetUser"}' >"$tmp/nopol.json"
check "simulate no policies" 0 "ImplicitDeny" -- "$bin" policy simulate "$tmp/nopol.json"
echo 'not json' >"$tmp/notjson.json"
check "simulate not json" 2 "not valid JSON" -- "$bin" policy simulate "$tmp/notjson.json"
echo '{"principal":{"arn":"bob"},"action":"iam:GetUser"}' >"$tmp/badprincipal.json"
check "simulate bad principal" 2 "Principal ARN bob" -- "$bin" policy simulate "$tmp/badprincipal.json"
echo '{"principal":{"arn":"arn:aws:iam::111111111111:user/a"},"action":"iam:GetUser","policies":{"identity":[{"Statement":[]}]}}' >"$tmp/badpolicy.json"
check "simulate malformed policy" 2 "identity[0]: MalformedPolicyDocument" -- \
  "$bin" policy simulate "$tmp/badpolicy.json"
echo '{"principal":{"arn":"arn:aws:iam::111111111111:user/a"},"action":"iam:GetUser","extra":1}' >"$tmp/extra.json"
check "simulate unknown field" 2 "unknown field extra" -- "$bin" policy simulate "$tmp/extra.json"
check "simulate missing file" 2 "cannot read" -- "$bin" policy simulate "$tmp/none.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
