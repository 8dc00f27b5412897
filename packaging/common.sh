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
