#!/usr/bin/env bash
# Runs every Go fuzz target of the repository (func FuzzXxx in a _test.go file) for FUZZTIME
# each (default 15s), one after the other, and prints a summary. `make fuzz` calls it.
#
#   FUZZTIME=1m scripts/fuzz.sh            # longer runs
#   FUZZ_MATCH=pricing scripts/fuzz.sh     # only targets whose package path contains "pricing"
#   scripts/fuzz.sh -l                     # list the targets and exit
#
# A failing target leaves its crasher in <package>/testdata/fuzz/<Target>/ (go test's own
# behaviour): commit it with the fix, it becomes a regression seed.
set -uo pipefail

FUZZTIME="${FUZZTIME:-15s}"
FUZZ_MATCH="${FUZZ_MATCH:-}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# "dir target" pairs, sorted; generated code and node_modules are skipped.
targets="$(grep -rEo --include='*_test.go' --exclude-dir=node_modules --exclude-dir=.git \
	'^func Fuzz[A-Za-z0-9_]+\(' . | sed -E 's#^\./(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]+)\($#\1 \2#' | sort -u)"

if [[ -n "$FUZZ_MATCH" ]]; then
	targets="$(grep -- "$FUZZ_MATCH" <<<"$targets" || true)"
fi
if [[ -z "$targets" ]]; then
	echo "fuzz.sh: no fuzz target found" >&2
	exit 1
fi
if [[ "${1:-}" == "-l" ]]; then
	echo "$targets"
	exit 0
fi

count="$(wc -l <<<"$targets")"
echo "fuzz.sh: $count targets, $FUZZTIME each"
pass=0
failed=()
while read -r dir target; do
	start=$(date +%s)
	log="$(mktemp)"
	if (cd "$dir" && go test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" . >"$log" 2>&1); then
		pass=$((pass + 1))
		printf '  ok    %-60s %ss\n' "$dir $target" "$(($(date +%s) - start))"
	else
		failed+=("$dir $target")
		printf '  FAIL  %-60s %ss\n' "$dir $target" "$(($(date +%s) - start))"
		sed 's/^/        /' "$log" | tail -n 40
	fi
	rm -f "$log"
done <<<"$targets"

echo "fuzz.sh: $pass passed, ${#failed[@]} failed"
if ((${#failed[@]} > 0)); then
	printf '  failed: %s\n' "${failed[@]}"
	exit 1
fi
