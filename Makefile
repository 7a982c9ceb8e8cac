# convscope set-up and everyday commands.
#
#   make serve   install what the app needs, then run it on http://127.0.0.1:8000
#   make test    install the app + test tools (+ Chromium if missing), run the whole suite
#
# Both work on a fresh Debian 12 machine with python3 (3.11, venv + pip) and
# node/npm, and are quick no-ops for steps already done (stamp files in .venv/
# and static/vendor/ are rebuilt when pyproject.toml or package*.json change).

PYTHON ?= python3
VENV ?= .venv
CHROMIUM ?= /usr/bin/chromium
SERVE_ARGS ?=
PYTEST_ARGS ?=

BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.convscope-app.stamp
TEST_STAMP := $(VENV)/.convscope-test.stamp
VENDOR_STAMP := static/vendor/.convscope-vendor.stamp

.DEFAULT_GOAL := help
.PHONY: help serve test install install-test vendor chromium screenshot clean

help:
	@echo "make serve    install, then start convscope on http://127.0.0.1:8000 (SERVE_ARGS='--port 9000')"
	@echo "make test     install app, test tools and Chromium, then run the full pytest suite (PYTEST_ARGS='-k health')"
	@echo "make vendor   npm ci + copy the pinned browser libraries into static/vendor/"
	@echo "make clean    remove .venv, node_modules and static/vendor"

serve: install vendor
	$(BIN)/convscope serve $(SERVE_ARGS)

test: install-test vendor chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(APP_STAMP)
install-test: $(TEST_STAMP)
vendor: $(VENDOR_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(APP_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing convscope and its dependencies into $(VENV) (the first time takes a few minutes)"
	$(BIN)/python -m pip install --disable-pip-version-check -q -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing convscope with its test tools into $(VENV) (the first time takes a few minutes)"
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[test]'
	@touch $@ $(APP_STAMP)

$(VENDOR_STAMP): package.json package-lock.json scripts/vendor.mjs
	@command -v npm >/dev/null || { echo "error: npm not found; install Node.js 18+ with npm" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	node scripts/vendor.mjs
	@mkdir -p $(@D) && touch $@

# Debian packages the tests need: the system Chromium (Playwright never downloads a browser),
# Fashion-MNIST (the dataset tests), and for the distributed mode's tests a real Redis, a real
# PostgreSQL (the tests start their own servers on free ports) and docker-compose (it checks
# compose.yaml; no daemon needed). Installed with apt-get when running as root; otherwise the
# tests that need them are skipped (and fail when CI=true).
TEST_DEBS := chromium dataset-fashion-mnist redis-server postgresql docker-compose
TEST_DEB_FILES := $(CHROMIUM) /usr/share/datasets/fashion-mnist /usr/bin/redis-server \
	/usr/lib/postgresql/15/bin/initdb /usr/bin/docker-compose

chromium:
	@missing=""; set -- $(TEST_DEB_FILES); for pkg in $(TEST_DEBS); do \
		[ -e "$$1" ] || missing="$$missing $$pkg"; shift; \
	done; \
	if [ -z "$$missing" ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing the Debian packages the tests need:$$missing"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	else \
		echo "warning: missing Debian packages:$$missing; the tests that need them will be skipped" >&2; \
		echo "         (or fail when CI=true). Install them with: sudo apt-get install -y$$missing" >&2; \
	fi

# Regenerate docs/screenshot-landing.png (and a phone-sized one in /tmp).
screenshot: install-test vendor chromium
	$(BIN)/python scripts/screenshot.py

clean:
	rm -rf $(VENV) node_modules static/vendor
