#!/usr/bin/env bash
# Download a public parallel corpus into a directory of plain-text files
# (one sentence per line, line N of one language translates line N of another).
#
#   scripts/download-corpus.sh multi30k [DIR]
#
# See corpora/README.md for the corpora, their licences and other sources.
set -euo pipefail

PROG=$(basename "$0")

# Multi30k task 1, raw (untokenised) text. The commit is pinned so that the files
# are always the same; override MULTI30K_REF or MULTI30K_BASE_URL to use another
# revision or a mirror.
MULTI30K_REF=${MULTI30K_REF:-a3d2e0d26b56f3846f66a952536ffed4e401d05a}
MULTI30K_BASE_URL=${MULTI30K_BASE_URL:-https://raw.githubusercontent.com/multi30k/dataset/$MULTI30K_REF/data/task1/raw}
MULTI30K_LANGS="en de fr cs"
# local split name : file name in the repository (without .LANG.gz)
MULTI30K_SPLITS="train:train val:val test2016:test_2016_flickr"

usage() {
  cat <<EOF
Usage: $PROG CORPUS [DIR]

Download a parallel corpus into DIR.

Corpora:
  multi30k   Multi30k task 1 (image captions), English, German, French, Czech:
             train (29000 lines), val (1014), test2016 (1000), files
             SPLIT.LANG for LANG in en de fr cs. DIR defaults to corpora/multi30k.
             Licence: for non-commercial research and educational use (see
             corpora/README.md).

Options:
  -h, --help   show this help and exit

Environment:
  MULTI30K_REF       git revision of github.com/multi30k/dataset (default: a pinned commit)
  MULTI30K_BASE_URL  base URL of the .gz files (default: raw files of that revision;
                     a file:// URL of a local copy works too with curl)

Needs curl or wget, and gunzip.
EOF
}

die() {
  echo "$PROG: error: $*" >&2
  exit 1
}

# fetch URL FILE: download URL to FILE with curl or wget, whichever exists.
fetch() {
  local url=$1 out=$2
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 2 --connect-timeout 20 -o "$out" "$url" 2>/dev/null
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --tries=2 --timeout=20 -O "$out" "$url"
  else
    die "neither curl nor wget is installed; install one of them (e.g. apt-get install curl)"
  fi
}

download_multi30k() {
  local dir=$1 split local_name remote_name lang url tmp
  command -v gunzip >/dev/null 2>&1 || die "gunzip is not installed (package gzip)"
  command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 ||
    die "neither curl nor wget is installed; install one of them (e.g. apt-get install curl)"
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/multi30k.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT

  for split in $MULTI30K_SPLITS; do
    local_name=${split%%:*}
    remote_name=${split#*:}
    for lang in $MULTI30K_LANGS; do
      url="$MULTI30K_BASE_URL/$remote_name.$lang.gz"
      echo "downloading $url" >&2
      fetch "$url" "$tmp/$local_name.$lang.gz" || die "download failed: $url"
      gunzip -c "$tmp/$local_name.$lang.gz" >"$tmp/$local_name.$lang" ||
        die "not a gzip file: $url"
    done
  done

  # the languages of each split must be line-aligned
  for split in $MULTI30K_SPLITS; do
    local_name=${split%%:*}
    local first="" n
    for lang in $MULTI30K_LANGS; do
      n=$(wc -l <"$tmp/$local_name.$lang")
      [ "$n" -gt 0 ] || die "$local_name.$lang is empty"
      if [ -z "$first" ]; then
        first=$n
      elif [ "$n" != "$first" ]; then
        die "$local_name: line counts differ between languages ($first vs $n in $local_name.$lang)"
      fi
    done
  done

  mkdir -p "$dir" || die "cannot create directory $dir"
  for split in $MULTI30K_SPLITS; do
    local_name=${split%%:*}
    for lang in $MULTI30K_LANGS; do
      mv "$tmp/$local_name.$lang" "$dir/$local_name.$lang"
    done
  done
  echo "Multi30k task 1 written to $dir:" >&2
  (cd "$dir" && wc -l train.* val.* test2016.* >&2)
}

main() {
  case "${1:-}" in
    -h | --help)
      usage
      return 0
      ;;
    "")
      usage >&2
      return 2
      ;;
  esac
  local corpus=$1
  shift
  [ $# -le 1 ] || die "too many arguments (see $PROG --help)"
  case "$corpus" in
    multi30k)
      download_multi30k "${1:-corpora/multi30k}"
      ;;
    *)
      die "unknown corpus '$corpus' (known: multi30k; see $PROG --help)"
      ;;
  esac
}

main "$@"
