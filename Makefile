# Thin wrapper: every target first makes sure the Debian packages are present.
# `make demo` builds and analyzes a bundled example; `make test` builds and runs the suite.
BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
# Recursive (=), so it is evaluated when a recipe runs, i.e. after `deps` has installed ninja.
CMAKE_GEN   = $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all deps build demo test asan bench approve clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@if [ ! -f $(BUILD)/CMakeCache.txt ]; then cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release; fi
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/ipsec-doctor analyze examples/ticket-4711 ; test $$? -le 1

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Tests to leave out under ASan/UBSan (a ctest regex; none today: no test asserts a wall-clock limit,
# speed is measured by `make bench`).
ASAN_SKIP ?= ^$$^

asan: deps
	@if [ ! -f build-asan/CMakeCache.txt ]; then cmake -S . -B build-asan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DIPSEC_DOCTOR_SANITIZE=ON; fi
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) -LE slow -E '$(ASAN_SKIP)'

bench: build
	cmake --build $(BUILD) --target bench

# Re-write golden files from the current binary; review the result with `git diff`.
approve: build
	IPSEC_DOCTOR_APPROVE=1 $(BUILD)/tests/unit_tests -tc="golden*"
	@git status --short corpus/golden && echo "review with: git diff corpus/golden"

clean:
	rm -rf $(BUILD) build-asan
