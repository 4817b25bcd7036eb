# Two commands on a fresh machine: `make run` and `make test`. Everything is installed by these rules.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CATALOGUES := service/translations/en/LC_MESSAGES/messages.mo
NODE_STAMP := node_modules/.installed
SWAGGER := service/static/vendor/swagger-ui/swagger-ui-bundle.js
# Front-end bundles (esbuild, frontend/build.mjs): rebuilt when a source under frontend/ or the npm lock changes.
DIST := service/static/dist/manifest.json
FRONTEND_SOURCES := $(shell find frontend -type f -not -name README.md 2>/dev/null)
export IBM_TELEMETRY_DISABLED := true

.PHONY: run test install assets i18n lint bench worker demo-round clean

$(STAMP): setup.cfg
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) assets $(CATALOGUES)

# The pages' and messages' catalogues (Vietnamese is the source language; English is compiled here).
$(CATALOGUES): service/translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d service/translations -D messages

# After adding or changing messages: extract them and merge into the English catalogue, then translate.
i18n: $(STAMP)
	mkdir -p instance
	$(BIN)/pybabel extract -F babel.cfg -k msg -k _ --no-location --omit-header -o instance/messages.pot .
	$(BIN)/pybabel update -i instance/messages.pot -d service/translations -l en --no-fuzzy-matching --ignore-obsolete --width=120

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

$(SWAGGER): $(NODE_STAMP)
	mkdir -p service/static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	   service/static/vendor/swagger-ui/

$(DIST): $(NODE_STAMP) $(FRONTEND_SOURCES)
	node frontend/build.mjs

assets: $(SWAGGER) $(DIST)

run: install
	DEMO_DATA=$${DEMO_DATA:-1} $(BIN)/python run.py

# One whole award round through the HTTP API as the demo users (self-started service, temporary SQLite).
demo-round: install
	$(BIN)/vinhdanh demo-round $(DEMO_ROUND_ARGS)

worker: install
	$(BIN)/vinhdanh worker

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check service tests bench

bench: install
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) node_modules service/static/vendor service/static/dist
