# Two commands on a fresh machine: `make run` and `make test`. Everything is installed by these rules.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := service/static/vendor/swagger-ui/swagger-ui-bundle.js
export IBM_TELEMETRY_DISABLED := true

.PHONY: run test install assets lint bench worker demo-round clean

$(STAMP): setup.cfg
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) $(ASSETS)

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p service/static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	   service/static/vendor/swagger-ui/

assets: $(ASSETS)

run: install
	DEMO_DATA=$${DEMO_DATA:-1} $(BIN)/python run.py

# One whole award round through the HTTP API as the demo users (self-started service, temporary SQLite).
demo-round: install
	$(BIN)/python -m service.nomination.demo_round $(DEMO_ROUND_ARGS)

worker: install
	$(BIN)/vinhdanh worker

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check service tests bench

bench: install
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) node_modules service/static/vendor
