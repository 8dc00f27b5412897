"""Live-loop benchmark: a thin wrapper over ``camtranslate bench live``.

    python benchmarks/bench_live.py --make pan --seconds 20
    python benchmarks/bench_live.py --video clip.mp4 --seconds 20 --json

Prints the table (or JSON) of source vs display fps, OCR passes/s, UI stall p99, overlay
churn and time to the first overlay. See camtranslate/live/bench.py for what each number means.
"""

from __future__ import annotations

import argparse
import sys

from camtranslate.errors import CamtranslateError
from camtranslate.live.bench import register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_live")
    sub = parser.add_subparsers(dest="bench", required=True)
    register(sub)
    args = parser.parse_args(["live", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.func(args) or 0)
    except CamtranslateError as exc:
        print(f"bench_live: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
