"""Measurement harnesses behind ``camtranslate bench ...`` (the live loop, headless).

Only the CLI imports this package; the product (core, live, gui, distill) never does (an
import-linter contract in pyproject.toml). Scripts that measure outside the CLI live in
``benchmarks/``.
"""
