# Two commands on a fresh machine with Python 3.11 and git:  make site  /  make test
# Each creates the virtual environment it needs (.venv) from the pinned requirements.lock.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Everything the site is made from: a change to any of these rebuilds it.
SITE_INPUTS := mkdocs.yml $(shell find stats content site_config scripts -type f -not -name '*.mo' -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: site test serve bench validate status lock clean
.DEFAULT_GOAL := site

# Every package is checked against the sha256 in requirements.lock (pip itself and setuptools
# included); nothing is resolved or fetched unpinned. The project's own editable install has no
# hash to check, so it adds no dependency (--no-deps) and builds with the locked setuptools.
$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

site: site/.built

site/.built: $(INSTALLED) $(SITE_INPUTS)
	$(BIN)/digest build

# axe-core for the browser tests, pinned in tests/package-lock.json (npm ci: exactly the lock).
AXE := tests/node_modules/axe-core/axe.min.js
$(AXE): tests/package.json tests/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd tests && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/axe-core/axe.min.js; \
	else echo "npm not found: the accessibility tests will skip (apt-get install npm; .ci/run does)"; fi

test: $(INSTALLED) $(AXE)
	$(BIN)/python -m pytest

# `make serve LANG=da` previews one language (LANG from the command line only: the
# environment's LANG is the locale, e.g. C.UTF-8, and is passed on unchanged).
serve: $(INSTALLED)
	$(if $(filter command line,$(origin LANG)),env LANG=C.UTF-8 )$(BIN)/digest serve$(if $(filter command line,$(origin LANG)), --lang $(LANG))

bench: $(INSTALLED)
	$(BIN)/digest bench

validate: $(INSTALLED)
	$(BIN)/digest validate

status: $(INSTALLED)
	$(BIN)/digest i18n status

# Re-resolve within pyproject.toml's ranges (keeping the current pins; add --upgrade to move)
# with hashes, in a throwaway venv so pip-tools never enters the project's environment.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet pip==26.3 pip-tools==7.6.2
	.lockenv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra test \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml requirements-tools.in
	rm -rf .lockenv

clean:
	rm -rf site .site-* .cache .stamps
