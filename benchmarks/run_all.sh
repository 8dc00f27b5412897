#!/usr/bin/env bash
# Every benchmark, one after another, printing its tables (Markdown). The results quoted in the
# README and docs/results/ come from these commands. Needs ../shared for the evaluation sets.
#   bash benchmarks/run_all.sh            # the standard run (~25-40 min on 2 cores)
#   QUICK=1 bash benchmarks/run_all.sh    # smaller samples (~10 min)
#   SOAK_MINUTES=10 bash benchmarks/run_all.sh   # add the 10-minute soak of the live loop
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
if [ -n "${QUICK:-}" ]; then LIMIT=10; SECONDS_LIVE=10; else LIMIT=30; SECONDS_LIVE=20; fi
export CAMTRANSLATE_HOME=${CAMTRANSLATE_HOME:-$(mktemp -d)}
status=0
run() {
  echo; echo "## $*"; echo
  "$@" || { echo "FAILED: $*"; status=1; }
}
run $PY benchmarks/bench_ocr.py --engines rapid@736,rapid@960,rapid@1280 --limit "$LIMIT"
run $PY benchmarks/bench_ocr.py --engines rapid@1280,easy@1280 --limit 10
run $PY benchmarks/bench_translate.py quality
run $PY benchmarks/bench_translate.py speed --threads 1
run $PY benchmarks/bench_translate.py langid
run $PY benchmarks/bench_models.py --teacher --threads 1
run $PY benchmarks/bench_cache.py
run $PY benchmarks/bench_overlay.py
run $PY benchmarks/bench_pipeline.py --limit "$LIMIT"
for motion in still pan zoom shake; do
  run $PY -m camtranslate bench live --make "$motion" --seconds "$SECONDS_LIVE" --json
done
if [ -n "${SOAK_MINUTES:-}" ]; then
  run $PY benchmarks/soak_live.py --minutes "$SOAK_MINUTES"
fi
exit $status
