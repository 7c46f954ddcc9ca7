# Two commands a newcomer needs: `make run` and `make test`. Both create .venv when needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test chat lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/sourcebot run

chat: $(STAMP)
	$(BIN)/sourcebot chat

lint: $(STAMP)
	$(BIN)/ruff check bot retrieval tests
	$(BIN)/ruff format --check bot retrieval tests
	$(BIN)/mypy

# pytest exits 5 when it collected no tests: treat that as a failure like any other.
test: lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
