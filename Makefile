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

$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

site: site/.built

site/.built: $(INSTALLED) $(SITE_INPUTS)
	$(BIN)/digest build

test: $(INSTALLED)
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

lock: $(INSTALLED)
	{ head -2 requirements.lock; $(BIN)/python -m pip freeze --exclude-editable; } > requirements.lock.new && mv requirements.lock.new requirements.lock

clean:
	rm -rf site .cache .stamps
