# Shell helpers shared by the packaging build steps (sourced, not run).

# check_sha FILE SHA256: stop with both sums when a pinned input is not the file it should be.
check_sha() {
  local got
  got="$(sha256sum "$1")"
  got="${got%% *}"
  if [ "$got" != "$2" ]; then
    echo "sha256 mismatch for $1: $got, expected $2" >&2
    return 1
  fi
}

# cache_key LINE...: 12 hex digits naming a cached build output after every input that shapes it.
cache_key() {
  local key
  key="$(printf '%s\n' "$@" | sha256sum)"
  echo "${key:0:12}"
}

# python_version PY: the version of the build venv's Python; stops with a hint when it is missing.
python_version() {
  [ -x "$1" ] || { echo "no python at $1 (run packaging/build.sh once, or pass --python)" >&2; return 1; }
  "$1" -c 'import sys; print(sys.version.split()[0])'
}

# exit_if_cached DIR PATTERN: when a finished build left a wheel named PATTERN in DIR, log it,
# print its path (the step's result) and end the calling script (which defines `log`).
exit_if_cached() {
  local wheel
  wheel="$(find "$1" -maxdepth 1 -name "$2" -print -quit 2>/dev/null || true)"
  if [ -n "$wheel" ]; then
    log "cached: $wheel"
    echo "$wheel"
    exit 0
  fi
}

# run_logged LOG CMD...: run one build step with all its output in LOG; when it fails, show the
# log's last 40 lines and stop the calling script (which defines `log`).
run_logged() {
  local file="$1"
  shift
  "$@" >"$file" 2>&1 || { tail -40 "$file" >&2; log "failed (log: $file)"; exit 1; }
}
