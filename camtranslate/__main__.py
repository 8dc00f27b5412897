"""`python -m camtranslate` and the frozen app's entry point: both run the CLI (GUI by default)."""

from __future__ import annotations

import sys

from camtranslate.cli import main

if __name__ == "__main__":
    sys.exit(main())
