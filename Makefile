# kycloud's entry points. Each one installs missing Debian packages first (scripts/install-deps).
#   make run     build the release binary and the web console, and start `kycloud serve` on
#                ./var/kycloud.db at http://127.0.0.1:8080 (the console is at /)
#   make test    build with ASan+UBSan and run every test (unit, PostgreSQL, end-to-end), then
#                every libFuzzer target for TEST_FUZZ_SECONDS (default 15)
#   make build   release build; the binary is build/release/kycloud
#   make web     build the web console into web/dist (npm ci, vite)
#   make bench   build the benchmarks and print their figures
#   make fuzz    build the libFuzzer targets with clang and run each for FUZZ_SECONDS (default 60)
#   make format  reformat the sources with clang-format
LISTEN ?= 127.0.0.1:8080
DB ?= sqlite:./var/kycloud.db

FUZZ_SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 15

.PHONY: deps build web run test bench fuzz format clean

deps:
	@scripts/install-deps

build: deps
	@cmake --preset release > /dev/null
	@cmake --build --preset release

web: deps
	@scripts/build-web

run: build web
	@echo "Starting kycloud on http://$(LISTEN) (database $(DB)); Ctrl-C stops it."
	@echo "The console is at http://$(LISTEN)/ : sign in with an API key."
	@echo "The first start prints an admin API key once: keep it. Try: curl http://$(LISTEN)/healthz"
	@echo "make run DEMO=1 fills an empty database with a simulated population (kycloud serve --demo):"
	@echo "customers, shell networks, a reseller with hidden end users, screening hits, compute crossings."
	@./build/release/kycloud serve --db "$(DB)" --listen "$(LISTEN)" $(if $(DEMO),--demo)

test: deps web
	@cmake --preset asan > /dev/null
	@cmake --build --preset asan
	@ctest --preset asan
	@echo "Fuzzing each libFuzzer target for $(TEST_FUZZ_SECONDS) s (make fuzz runs longer)"
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)

bench: deps
	@cmake --preset bench > /dev/null
	@cmake --build --preset bench
	@scripts/run-benchmarks build/bench

fuzz: deps
	@cmake --preset fuzz > /dev/null
	@cmake --build --preset fuzz
	@scripts/run-fuzzers build/fuzz $(FUZZ_SECONDS)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
