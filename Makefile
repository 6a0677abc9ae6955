# Two entry points, both creating the project's virtual environment when it is missing:
#   make site   builds the documentation site into site/
#   make test   runs every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: site test clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[docs,test,capstone]"
	@touch $(STAMP)

site: $(STAMP)
	$(PY) scripts/build_site.py

test: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf site docs/generated .cache
