# The two entry points the README starts with. Both install everything they need (idempotently),
# so they work on a fresh Debian machine that reaches only the package registries.
PYTHON ?= python3
XCCGEN := $(PYTHON) -m xccgen
DEMO_SPEC := specs/advanced_xcc.yaml

.PHONY: install setup setup-demo demo test lint format

install:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[dev]'

## Every toolchain: contract builds, the sandbox, cargo-near (ABI import) and Graphviz (SVG).
setup: install
	$(XCCGEN) toolchain install all

## What the demo needs (no cargo-near, which only `xccgen import-abi` of a Rust project uses).
setup-demo: install
	$(XCCGEN) toolchain install rust ts sandbox

## Generate, build and sandbox-test the example spec, printing the scenario table.
demo: setup-demo
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
