# Two entry points for a fresh machine with Python 3.10+ and make:
#   make demo   install into .venv and run the checker on the bundled example notes
#   make test   install into .venv (with test extras) and run lint + the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/locaudit batch fixtures/examples/notes.jsonl -o out/examples.jsonl
	@$(BIN)/python -c "import json; [print(f\"{r['id']:<18} {r['verdict']:<15} 19284 x{r['units_19284']}\") for r in map(json.loads, open('out/examples.jsonl'))]"

test: $(STAMP)
	$(BIN)/ruff check locaudit tests benchmarks
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) out
