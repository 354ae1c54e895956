# The two set-up commands of the README:
#   make demo   installs rashomon and analyses the bundled example corpus, printing where the report is
#   make test   installs rashomon with its test dependencies and runs the tests
PYTHON ?= python3
OUT ?= out/example

.PHONY: install install-test demo test bench

install:
	$(PYTHON) -m pip install --quiet -e .

install-test:
	$(PYTHON) -m pip install --quiet -e '.[test]'

demo: install
	$(PYTHON) -m rashomon.cli analyze examples/corpus --out $(OUT)
	@echo "report: $(abspath $(OUT))/index.html"

test: install-test
	$(PYTHON) -m pytest -q

bench: install-test
	$(PYTHON) benchmarks/bench_ingest.py
