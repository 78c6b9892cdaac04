# The two entry points the README starts with. Both install everything they need (idempotently),
# so they work on a fresh Debian machine that reaches only the package registries.
PYTHON ?= python3
XCCGEN := $(PYTHON) -m xccgen
DEMO_SPEC := specs/advanced_xcc.yaml

.PHONY: setup demo test lint format

setup:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(XCCGEN) toolchain install all

## Generate, build and sandbox-test the example spec, printing the scenario table.
demo: setup
	$(XCCGEN) check $(DEMO_SPEC)
	$(XCCGEN) test $(DEMO_SPEC)

## The whole test suite (generator, builds, sandbox, checks).
test: setup
	$(PYTHON) -m pytest

lint:
	$(PYTHON) -m ruff check xccgen tests benchmarks
	$(PYTHON) -m black --check xccgen tests benchmarks

format:
	$(PYTHON) -m ruff check --fix xccgen tests benchmarks
	$(PYTHON) -m black xccgen tests benchmarks
