"""Importers: spec parts written from what other tools produce (NEAR ABI files, and contract
projects whose SDK writes one)."""
