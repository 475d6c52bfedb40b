# One task runner for developers and CI (style habit 12). Every target installs what it needs:
# uv (pinned) when missing, then the locked environment (uv.lock) with `uv sync --frozen`.

UV_VERSION := 0.13.9
UV ?= $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN := $(UV) run --frozen
LOCALE_DIR := src/tilannekuva/web/locale

.DEFAULT_GOAL := help
.PHONY: help uv install browser-deps demo test test-fast lint format docs screenshots check clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

uv: ## Install the pinned uv with pip when no uv is found
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==$(UV_VERSION)"

install: uv ## Create .venv from uv.lock (exactly the locked versions)
	$(UV) sync --frozen --compile-bytecode

# axe-core (the accessibility engine of the browser tests) from package-lock.json; redone
# only when the lock file changes. Chromium itself is Debian's package (.ci/run installs it).
AXE := node_modules/axe-core/axe.min.js

browser-deps: $(AXE) ## Install the browser tests' npm packages (axe-core) from package-lock.json

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

demo: install ## Run the demo: synthetic county → warehouse → quality → indicator scorecard
	$(RUN) tilannekuva demo

test: install browser-deps ## Run every test, the slow and browser ones included
	$(RUN) pytest

test-fast: install browser-deps ## Run the tests not marked slow
	$(RUN) pytest -m "not slow"

lint: install ## ruff lint, ruff format check, mypy, import contracts
	$(RUN) ruff check src tests benchmarks
	$(RUN) ruff format --check src tests benchmarks
	$(RUN) mypy
	$(RUN) lint-imports --no-cache --no-logo

format: install ## Fix what ruff can fix and format the code
	$(RUN) ruff check --fix src tests benchmarks
	$(RUN) ruff format src tests benchmarks

docs: install ## Regenerate the pages made from declarations (indicators.md, quality.md)
	$(RUN) python -c "from pathlib import Path; from tilannekuva.indicators.docs import render_catalogue_markdown as r; Path('docs/indicators.md').write_text(r(), encoding='utf-8')"
	$(RUN) python -m tilannekuva.quality.docs docs/quality.md

screenshots: install ## Save PNGs of the main pages of the demo county to docs/screenshots/
	$(RUN) python -m tests.web.browser.screenshots

translations: install ## Extract the web app's texts into the fi/sv/en catalogues (docs/translations.md)
	$(RUN) pybabel extract -F babel.cfg -k N_ -k translatable --no-location --sort-output --no-wrap -o $(LOCALE_DIR)/messages.pot .
	$(RUN) pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) --no-fuzzy-matching --ignore-obsolete --no-wrap

check: lint test ## Everything CI runs

clean: ## Remove caches and the demo's data folder
	rm -rf .pytest_cache .mypy_cache .ruff_cache .import_linter_cache tilannekuva-data node_modules
