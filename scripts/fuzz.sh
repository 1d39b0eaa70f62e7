#!/usr/bin/env bash
# fuzz.sh runs every Fuzz* target of the module, one after the other, for
# FUZZTIME each (default 10s). New crashers land in the package's
# testdata/fuzz/ as go test writes them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fuzztime=${FUZZTIME:-10s}
count=0
while read -r pkg dir; do
	targets=$(find "$dir" -maxdepth 1 -name '*_test.go' -print0 |
		xargs -0 -r grep -hoE '^func Fuzz[A-Za-z0-9_]*\(' |
		sed -E 's/^func (Fuzz[A-Za-z0-9_]*)\(/\1/' | sort -u) || true # grep finds none in most packages
	for target in $targets; do
		echo "fuzz: $pkg $target for $fuzztime"
		go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg"
		count=$((count + 1))
	done
done < <(go list -f '{{.ImportPath}} {{.Dir}}' ./...)
echo "fuzz: $count targets ran for $fuzztime each, no failure"
