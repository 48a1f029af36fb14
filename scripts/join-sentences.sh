#!/usr/bin/env bash
# Regroups a one-sentence-a-line file into lines of N sentences, for testing translation of
# text rather than sentences: line k of the output joins input lines N(k-1)+1 .. Nk with
# the separator (a space by default; "" for Chinese or Japanese). A last group may be shorter.
#   scripts/join-sentences.sh N FILE [SEPARATOR] > JOINED
set -euo pipefail
die() { echo "join-sentences.sh: error: $1" >&2; exit 1; }
[ $# -ge 2 ] && [ $# -le 3 ] || die "usage: scripts/join-sentences.sh N FILE [SEPARATOR]"
[[ "$1" =~ ^[1-9][0-9]*$ ]] || die "N must be a number from 1 ('$1')"
[ -r "$2" ] || die "cannot read '$2'"
sep="${3- }"
awk -v n="$1" -v sep="$sep" '
  { line = (NR - 1) % n == 0 ? $0 : line sep $0 }
  NR % n == 0 { print line; line = "" }
  END { if (NR % n != 0) print line }' "$2"
