# One task runner for newcomers, developers and CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= ./crmkg-data

.PHONY: install run test eval bench bench-quick clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: install  ## build the graph from corpus/ and serve the API on http://127.0.0.1:8000
	$(BIN)/crmkg ingest --store $(STORE) corpus/
	$(BIN)/crmkg import-table --store $(STORE) data/usgs_mcs2026_world_production.csv --mapping mappings/usgs_mcs2026.yaml
	$(BIN)/crmkg serve --store $(STORE) --host 127.0.0.1 --port 8000

test: install  ## the whole suite, on the real spaCy pipeline and the real embedded store
	$(BIN)/python -m pytest -q

eval: install  ## the black-box scorer and the fact-level scores on the dev set (needs ../shared/eval)
	rm -rf .eval-store
	$(BIN)/crmkg ingest --store .eval-store ../shared/eval/dev/docs
	$(BIN)/python ../shared/eval/evaluate.py ../shared/eval/dev --store .eval-store -v
	$(BIN)/crmkg eval-facts --store .eval-store ../shared/eval/dev

bench: install  ## every benchmark at full size (1M triples; under 20 min on 2 cores): ratios, bench/results.json
	$(BIN)/python -m bench.run --out bench/results.json

bench-quick: install  ## the same benchmarks and keys at small sizes (under 3 min)
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache
