# Everyday commands. CI runs .ci/run, which uses `make test`.
.PHONY: run demo test test-postgres e2e e2e-postgres pg-start pg-stop bench bench-audience format

run:
	swift run tandem serve

demo:
	swift run tandem serve --demo

test:
	swift test

# The Swift tests on SQLite and on a throwaway PostgreSQL (left running for the next time;
# `make pg-stop` stops it).
test-postgres:
	url="$$(scripts/pg-cluster.sh start)" && \
	TANDEM_TEST_POSTGRES_URL="$$url" TANDEM_REQUIRE_POSTGRES=1 swift test

e2e:
	swift build
	bash e2e/run.sh .build/debug/tandem
	bash e2e/crash.sh .build/debug/tandem

e2e-postgres:
	swift build
	url="$$(scripts/pg-cluster.sh start)" && \
	TANDEM_E2E_DATABASE_URL="$$url" bash e2e/run.sh .build/debug/tandem

pg-start:
	scripts/pg-cluster.sh start

pg-stop:
	scripts/pg-cluster.sh stop

bench:
	bash bench/http.sh
	bash bench/import.sh
	bash bench/directory.sh
	swift run -c release tandem-bench audience-count
	swift run -c release tandem-bench delivery

# The audience count at a million employees on SQLite and on the throwaway PostgreSQL.
bench-audience:
	url="$$(scripts/pg-cluster.sh start)" && \
	swift run -c release tandem-bench audience-count --postgres-url "$$url" --explain

format:
	swift format -i -r Sources Tests
