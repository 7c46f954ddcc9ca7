# Two commands a newcomer needs: `make run` and `make test`. Both create .venv when needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast chat lint bench bench-10m loadtest longrun eval-languages catalogs clean

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
	$(BIN)/lint-imports

# pytest exits 5 when it collected no tests: treat that as a failure like any other.
test: lint
	$(BIN)/python -m pytest -q

# The fast loop: everything but the end-to-end runs of the bot (about a third of the time).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not e2e"

# The scale benchmark: 1,000,000 synthetic passages, as one document each and in articles,
# sourcebot beside its peers.
bench: $(STAMP)
	$(BIN)/sourcebot bench --passages 1000000

# Ten million passages in articles, sourcebot beside tantivy (about an hour on 2 cores; bm25s
# would need some 26 GB here). Not part of `make test` or CI.
bench-10m: $(STAMP)
	$(BIN)/sourcebot bench --passages 10000000 --shape articles --systems tantivy,sourcebot

# Answer quality per language on the shared XQuAD dev set, beside bm25s and rank-bm25.
XQUAD ?= ../shared/data/xquad-dev
eval-languages: $(STAMP)
	$(BIN)/python -m retrieval.evaluate.multilingual $(XQUAD)

# 50 users asking at once through the real bot and the local Bot API stand-in.
loadtest: $(STAMP)
	$(BIN)/python -m tests.support.load_test --users 50 --questions 20

# 20,000 questions through the real bot, its memory sampled: RSS must stay flat (minutes).
longrun: $(STAMP)
	$(BIN)/python -m pytest -q --longrun -m longrun

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The bot's texts: the template (bot/locales/sourcebot.pot) from bot/wording.py's N_ and NP_
# marks, then every catalog brought up to it (new texts untranslated, changed ones fuzzy).
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F bot/locales/babel.cfg --no-default-keywords -k N_ -k NP_:1,2 \
		--no-location --sort-output --omit-header -w 100 -o bot/locales/sourcebot.pot bot
	$(BIN)/pybabel update -i bot/locales/sourcebot.pot -d bot/locales -D sourcebot \
		--ignore-obsolete -w 100
