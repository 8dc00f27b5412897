"""Live-loop benchmark: a thin wrapper over ``camtranslate bench live``.

    python benchmarks/bench_live.py --make pan --seconds 20
    python benchmarks/bench_live.py --make hands --seconds 30 --json [--ocr-mode full]
    python benchmarks/bench_live.py --make textchange --seconds 40 --json
    python benchmarks/bench_live.py --video clip.mp4 --seconds 20 --json

Prints the table (or JSON) of source vs display fps, OCR passes/s, UI stall p99, overlay
churn and time to the first overlay; the OCR pass against a plain full-frame read, CPU share and
(textchange) change-to-translation latency. See camtranslate/bench/live.py for each number.
"""

from __future__ import annotations

import sys

from camtranslate.cli import main as cli_main


def main(argv: list[str] | None = None) -> int:
    return cli_main(["bench", "live", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
