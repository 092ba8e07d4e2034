# Quick start: `make run` and `make test`. Each installs what it needs first.
BUILD      ?= build
FUZZ_BUILD ?= build-fuzz
BUILD_TYPE ?= Release
FUZZ_SECONDS ?= 30
SIGV4_FUZZ_SECONDS ?= 15
PROTOCOL_FUZZ_SECONDS ?= 15
DISPATCHER_FUZZ_SECONDS ?= 15
JWT_FUZZ_SECONDS ?= 15
SAML_FUZZ_SECONDS ?= 15
CREDENTIAL_FUZZ_SECONDS ?= 15
JOBS       ?= $(shell nproc)
ARGS       ?= serve --data ./data

.PHONY: all deps configure build test unit fuzz bench run format clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DGATEHOUSE_WERROR=ON \
	  -DGATEHOUSE_UNITY_BUILD=ON

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# A failed run ends with what failed (tests/support/failure_digest.py): a log read by its tail
# then says more than the names of the failing tests.
unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) || \
	  { python3 $(CURDIR)/tests/support/failure_digest.py .; exit 1; }

# libFuzzer with ASan and UBSan needs clang; it gets a build tree of its own. -O1 with line
# tables only, as libFuzzer advises: stack traces keep their lines, and the tree compiles in
# about four fifths of the time -O2 -g takes (full debug info is most of a sanitized build).
FUZZ_FLAGS ?= -O1 -gline-tables-only -DNDEBUG
$(FUZZ_BUILD)/build.ninja:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$(FUZZ_FLAGS)" \
	  -DGATEHOUSE_FUZZ=ON -DGATEHOUSE_WERROR=ON -DGATEHOUSE_UNITY_BUILD=ON

fuzz: deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target policy_fuzz sigv4_fuzz protocol_fuzz \
	  dispatcher_fuzz jwt_fuzz saml_fuzz credential_fuzz
	tests/fuzz/run-fuzzer $(FUZZ_BUILD)/tests/fuzz/policy_fuzz $(FUZZ_SECONDS)
	tests/fuzz/run-fuzzer $(FUZZ_BUILD)/tests/fuzz/sigv4_fuzz $(SIGV4_FUZZ_SECONDS)
	tests/fuzz/run-fuzzer $(FUZZ_BUILD)/tests/fuzz/protocol_fuzz $(PROTOCOL_FUZZ_SECONDS)
	tests/fuzz/run-fuzzer $(FUZZ_BUILD)/tests/fuzz/dispatcher_fuzz $(DISPATCHER_FUZZ_SECONDS)
	tests/fuzz/run-fuzzer $(FUZZ_BUILD)/tests/fuzz/jwt_fuzz $(JWT_FUZZ_SECONDS)
	tests/fuzz/run-fuzzer $(FUZZ_BUILD)/tests/fuzz/saml_fuzz $(SAML_FUZZ_SECONDS)
	tests/fuzz/run-fuzzer $(FUZZ_BUILD)/tests/fuzz/credential_fuzz $(CREDENTIAL_FUZZ_SECONDS)

test: fuzz unit

bench: configure
	cmake --build $(BUILD) -j $(JOBS) --target policy_bench store_bench audit_event_bench
	$(BUILD)/bench/policy_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	$(BUILD)/bench/store_bench
	$(BUILD)/bench/audit_event_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	cmake --build $(BUILD) -j $(JOBS) --target gatehouse iam_load org_load audit_fill
	bench/server_bench.sh $(BUILD)
	bench/organizations_bench.sh $(BUILD)
	bench/rcp_bench.sh $(BUILD)
	bench/web_identity_bench.sh $(BUILD)
	bench/console_bench.py $(BUILD)
	bench/audit_bench.sh $(BUILD)
	bench/audit_instructions.sh $(BUILD)
	bench/postgres_bench.sh $(BUILD)

run: build
	$(BUILD)/gatehouse $(ARGS)

format:
	find src tests bench \( -name '*.h' -o -name '*.cc' \) -not -path '*/node_modules/*' | xargs clang-format-14 -i

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
