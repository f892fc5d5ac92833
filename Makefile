# Two commands on a fresh machine: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: run test eval bench setup clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Extract every document in corpus/ into out/
run: $(STAMP)
	$(BIN)/alkextract batch corpus/*.txt corpus/*/*.txt -o out

## Run the test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## Score extraction against the hand-annotated gold set
eval: $(STAMP)
	$(BIN)/alkextract evaluate --gold gold --markdown out/eval.md --html out/eval.html

## Throughput, start-up and memory, side by side with the bare floor
bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) out .pytest_cache
