#!/usr/bin/env bash
# The step of action.yml that runs leakdiff: inputs from INPUT_* variables, the report and JSON written
# where asked, annotations and the job summary from leakdiff itself (GITHUB_ACTIONS, GITHUB_STEP_SUMMARY),
# and the verdict and exit code as step outputs. The step fails with leakdiff's exit code.
set -u
cli="${GITHUB_ACTION_PATH:?run from action.yml}/dist/src/cli.js"
# Snapshots and extra args split on spaces on purpose: a list of paths or globs, and a list of options.
# shellcheck disable=SC2206
snapshots=(${INPUT_SNAPSHOTS:?the snapshots input is required})
# shellcheck disable=SC2206
extra=(${INPUT_ARGS:-})
config=()
if [ -n "${INPUT_CONFIG:-}" ]; then config=(--config "$INPUT_CONFIG"); fi
json="${INPUT_JSON:-leakdiff-result.json}"
node "$cli" "${snapshots[@]}" "${config[@]}" --out "${INPUT_REPORT:-leakdiff-report.md}" --json "$json" "${extra[@]}"
code=$?
verdict=none
# Exit 2 writes nothing: a JSON file there is an earlier run's, not this one's.
if [ "$code" -le 1 ] && [ -f "$json" ]; then
  verdict=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).verdict)' "$json" 2>/dev/null || echo none)
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "verdict=$verdict"; echo "exit-code=$code"; } >> "$GITHUB_OUTPUT"
fi
exit "$code"
