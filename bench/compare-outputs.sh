#!/usr/bin/env bash
# Results unchanged? Runs two built checkouts of leakdiff on every fixture series (each variant's protobuf
# forms, then all its profile forms) and compares their JSON results byte for byte, the leakdiff version
# field aside. For a change meant to keep results (performance, refactoring): it must print "differing 0".
#
#   bench/compare-outputs.sh BASE_CHECKOUT [NEW_CHECKOUT]     # NEW defaults to this checkout
#
# A checkout is built first (`npx tsc -p tsconfig.json` in it; a worktree of an older commit:
# `git worktree add /tmp/base <rev> && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npx tsc -p tsconfig.json)`).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
base=${1:?usage: bench/compare-outputs.sh BASE_CHECKOUT [NEW_CHECKOUT]}
new=${2:-$here}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { (cd "$work" && node "$1/dist/src/cli.js" analyze --out /dev/null --json - "${@:2}" 2>/dev/null | sed 's/"leakdiff": *"[^"]*"//'); }
n=0 differing=0
for dir in "$here"/fixtures/matrix/*/*/ "$here"/fixtures/{cache-warm,grpc-close,grpc-leak,http-body-leak,map-leak,worker-leak}/; do
  [ -d "$dir" ] || continue
  for forms in protobuf all; do
    if [ "$forms" = protobuf ]; then pattern='^(heap|goroutine)[-_].*\.pb\.gz$'; else pattern='^(heap|goroutine|goroutineleak)[-_].*\.(pb\.gz|txt\.gz|txt)$'; fi
    mapfile -t files < <(ls "$dir" | grep -E "$pattern" | sed "s|^|$dir|")
    [ "${#files[@]}" -eq 0 ] && continue
    n=$((n + 1))
    if ! cmp -s <(run "$base" "${files[@]}") <(run "$new" "${files[@]}"); then
      differing=$((differing + 1))
      echo "differs: $forms forms of ${dir#"$here"/}"
    fi
  done
done
echo "compared $n runs, differing $differing"
