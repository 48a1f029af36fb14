# The steps the corpus recipes share (multi30k.sh, tatoeba-zh-en.sh): their options,
# the release build, preprocessing, training within a time budget (one model, or the
# members of an ensemble one after the other), checkpoint averaging chosen on the
# validation set, and scoring. Sourced, not run: the recipe
# sets recipe_name and its defaults (src, tgt, budget, merges, joint, config,
# average, ensemble), defines usage, and calls the steps in order.

say() { printf '\n\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { echo "$recipe_name: error: $1${2:+ ($2)}" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="" work="" threads="" workers="" bin="" resume=0 train=1 sets=()
average="${average:-0}" ensemble="${ensemble:-1}"

# Seconds of a duration as mt-train reads it: 3600, 90m, 2h, 1h30m, 45s.
recipe_seconds() {
  local t="$1" total=0
  [[ "$t" =~ ^[0-9]+$ ]] && { echo "$t"; return; }
  [[ "$t" =~ ^([0-9]+h)?([0-9]+m)?([0-9]+s)?$ ]] && [ -n "$t" ] || return 1
  [ -n "${BASH_REMATCH[1]}" ] && total=$(( total + 3600 * ${BASH_REMATCH[1]%h} ))
  [ -n "${BASH_REMATCH[2]}" ] && total=$(( total + 60 * ${BASH_REMATCH[2]%m} ))
  [ -n "${BASH_REMATCH[3]}" ] && total=$(( total + ${BASH_REMATCH[3]%s} ))
  echo "$total"
}

# The options every recipe takes; anything else is an error.
recipe_parse() {
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) usage; exit 0 ;;
      --corpus) [ $# -ge 2 ] || die "$1 needs a value"; corpus="$2"; shift 2 ;;
      --src) [ $# -ge 2 ] || die "$1 needs a value"; src="$2"; shift 2 ;;
      --tgt) [ $# -ge 2 ] || die "$1 needs a value"; tgt="$2"; shift 2 ;;
      --time-budget) [ $# -ge 2 ] || die "$1 needs a value"; budget="$2"; shift 2 ;;
      --bpe-merges) [ $# -ge 2 ] || die "$1 needs a value"; merges="$2"; shift 2 ;;
      --joint-bpe) joint=1; shift ;;
      --separate-bpe) joint=0; shift ;;
      --config) [ $# -ge 2 ] || die "$1 needs a value"; config="$2"; shift 2 ;;
      --average) [ $# -ge 2 ] || die "$1 needs a value"; average="$2"; shift 2 ;;
      --ensemble) [ $# -ge 2 ] || die "$1 needs a value"; ensemble="$2"; shift 2 ;;
      --work) [ $# -ge 2 ] || die "$1 needs a value"; work="$2"; shift 2 ;;
      --threads) [ $# -ge 2 ] || die "$1 needs a value"; threads="$2"; shift 2 ;;
      --workers) [ $# -ge 2 ] || die "$1 needs a value"; workers="$2"; shift 2 ;;
      --bin) [ $# -ge 2 ] || die "$1 needs a value"; bin="$2"; shift 2 ;;
      --set) [ $# -ge 2 ] || die "$1 needs a value"; sets+=(--set "$2"); shift 2 ;;
      --resume) resume=1; shift ;;
      --skip-train) train=0; shift ;;
      *) die "unknown argument $1 (see --help)" ;;
    esac
  done
  [[ "$merges" =~ ^[0-9]+$ ]] || die "--bpe-merges must be a number" "$merges"
  [[ "$average" =~ ^[0-9]+$ ]] || die "--average must be a number" "$average"
  [[ "$ensemble" =~ ^[1-9][0-9]*$ ]] || die "--ensemble must be a number from 1" "$ensemble"
  # One data-parallel worker per core (or per --threads): the fastest on 2 cores.
  workers="${workers:-${threads:-$(nproc)}}"
  [[ "$workers" =~ ^[1-9][0-9]*$ ]] || die "--workers must be a number from 1" "$workers"
  budget_seconds="$(recipe_seconds "$budget")" || die "--time-budget must be seconds or like 90m, 2h, 1h30m" "$budget"
  [ "$src" != "$tgt" ] || die "source and target language are the same" "$src"
  [ -r "$config" ] || die "cannot read the configuration" "$config"
  config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
  threads_args=()
  [ -n "$threads" ] && threads_args=(--threads "$threads")
  start=$(date +%s)
}

# corpus: the first of the given directories holding train.SRC and train.TGT, unless
# --corpus named one; then every SPLIT.LANG file must be readable.
recipe_find_corpus() { # SPLITS CANDIDATE_DIR...
  local splits="$1" d split l; shift
  if [ -z "$corpus" ]; then
    for d in "$@"; do
      if [ -f "$d/train.$src" ] && [ -f "$d/train.$tgt" ]; then corpus="$d"; break; fi
    done
  fi
  [ -n "$corpus" ] || return 1
  corpus="$(cd "$corpus" && pwd)" || die "no such directory" "$corpus"
  for split in $splits; do
    for l in "$src" "$tgt"; do
      [ -r "$corpus/$split.$l" ] || die "missing corpus file" "$corpus/$split.$l"
    done
  done
  echo "corpus: $corpus ($(wc -l < "$corpus/train.$src") training pairs, $src -> $tgt)" >&2
}

recipe_build() { # DEFAULT_WORK_DIR
  work="${work:-$1}"
  mkdir -p "$work" || die "cannot create the work directory" "$work"
  work="$(cd "$work" && pwd)"
  model="$work/model.safetensors"
  if [ -n "$bin" ]; then
    bin="$(cd "$bin" && pwd)" || die "no such directory" "$bin"
    local tool
    for tool in mt-preprocess mt-train mt-translate mt-bleu mt-average; do
      [ -x "$bin/$tool" ] || die "$tool is not in the --bin directory" "$bin"
    done
  fi
  cd "$root"
  if [ -z "$bin" ]; then
    say "Building the release binaries"
    swift build -c release >&2 || die "swift build failed (see the messages above)"
    bin="$(swift build -c release --show-bin-path)"
  fi
}

# Preprocessed data in WORK/data, redone only when the corpus, languages or BPE change.
recipe_preprocess() { # VALID_SPLIT
  data="$work/data"
  local bpe_args=(--bpe-merges "$merges") stamp="$corpus $src $tgt $merges joint=$joint"
  [ "$joint" = 1 ] && bpe_args+=(--joint-bpe)
  if [ -f "$data/.done" ] && [ "$(cat "$data/.done")" = "$stamp" ]; then
    say "Preprocessed data is up to date ($data)"
    return
  fi
  say "Preprocessing: $([ "$joint" = 1 ] && echo "joint BPE" || echo "BPE per side") with $merges merges"
  rm -rf "$data"
  "$bin/mt-preprocess" prepare \
    --train-src "$corpus/train.$src" --train-tgt "$corpus/train.$tgt" \
    --valid-src "$corpus/$1.$src" --valid-tgt "$corpus/$1.$tgt" \
    --out "$data" --vocab-dir "$data/vocab" \
    --src-lang "$src" --tgt-lang "$tgt" "${bpe_args[@]}"
  echo "$stamp" > "$data/.done"
}

# Trains one model in DIR for BUDGET seconds; a seed other than the config's if given.
recipe_train_one() { # DIR BUDGET_SECONDS [SEED]
  local dir="$1" seconds="$2" seed="${3:-}"
  local m="$dir/model.safetensors"
  [ "$train" = 1 ] || { [ -f "$m" ] || die "no model to evaluate" "$m"; return 0; }
  mkdir -p "$dir"
  local args=(--data "$data" --save "$m" --config "$config" --time-budget "$seconds"
              --set "training.workers=$workers")
  # Numbered checkpoints for the average; a --set of the user's comes later and wins.
  [ "$average" -gt 1 ] && args+=(--set "training.keep_checkpoints=$average")
  [ -n "$seed" ] && args+=(--set "training.seed=$seed")
  if [ "$resume" = 1 ]; then
    say "Resuming training in $dir (time budget $seconds s)"
    args+=(--resume)
  else
    say "Training in $dir ($(basename "$config")${seed:+, seed $seed}, time budget $seconds s)"
    rm -f "$dir"/model.*
  fi
  local train_start=$(date +%s)
  "$bin/mt-train" "${args[@]}" "${threads_args[@]}" "${sets[@]}"
  echo "training took $(( $(date +%s) - train_start )) s" >&2
  [ -f "$m" ] || die "training wrote no model" "$m"
}

# Trains the model (WORK), or with --ensemble N the N members (WORK/member-K, seeds 1..N,
# the budget shared out evenly), each averaged if that helps on VALID_SPLIT; finals: the
# model file of each member that the test set is scored with.
recipe_train() { # VALID_SPLIT [MT-BLEU-OPTIONS ...]
  finals=()
  if [ "$ensemble" = 1 ]; then
    recipe_train_one "$work" "$budget_seconds"
    recipe_choose_model "$work" "$@"
    finals=("$final")
    return 0
  fi
  local k
  for k in $(seq 1 "$ensemble"); do
    recipe_train_one "$work/member-$k" $(( budget_seconds / ensemble )) "$k"
    recipe_choose_model "$work/member-$k" "$@"
    finals+=("$final")
  done
  model="$work/member-1/model.safetensors"
}

# Greedy validation BLEU of a model file, for choosing between models.
recipe_valid_bleu() { # MODEL VALID_SPLIT [MT-BLEU-OPTIONS ...]
  local m="$1" split="$2"; shift 2
  "$bin/mt-translate" --model "$m" --beam-size 1 "${threads_args[@]}" \
    < "$corpus/$split.$src" > "$work/$split.greedy.tmp" || die "mt-translate failed" "$m"
  "$bin/mt-bleu" "$corpus/$split.$tgt" -i "$work/$split.greedy.tmp" -m bleu -f json "$@" |
    sed -n 's/^ *"score": \([0-9.]*\),*$/\1/p'
  rm -f "$work/$split.greedy.tmp"
}

# final: the model of DIR the test set is scored with. The average of the last AVERAGE
# numbered checkpoints when its validation BLEU beats the best checkpoint's, else the
# best checkpoint; the choice never looks at the test set.
recipe_choose_model() { # DIR VALID_SPLIT [MT-BLEU-OPTIONS ...]
  local dir="$1"; shift
  final="$dir/model.safetensors"
  [ "$average" -gt 1 ] || return 0
  local ckpts=()
  mapfile -t ckpts < <(ls "$dir"/model.step-*.safetensors 2>/dev/null |
    sed 's/.*\.step-\([0-9]*\)\.safetensors$/\1 &/' | sort -n | tail -n "$average" | cut -d' ' -f2-)
  if [ ${#ckpts[@]} -lt 2 ]; then
    echo "fewer than 2 numbered checkpoints in $dir: no average" >&2
    return 0
  fi
  say "Averaging the last ${#ckpts[@]} checkpoints in $dir"
  "$bin/mt-average" "${ckpts[@]}" --output "$dir/model.avg.safetensors"
  local best avg
  best="$(recipe_valid_bleu "$dir/model.safetensors" "$@")"
  avg="$(recipe_valid_bleu "$dir/model.avg.safetensors" "$@")"
  echo "validation BLEU, greedy: best checkpoint $best, average of ${#ckpts[@]} $avg" | tee "$dir/average.scores" >&2
  if awk -v a="$avg" -v b="$best" 'BEGIN { exit !(a > b) }'; then
    final="$dir/model.avg.safetensors"
  fi
  echo "scoring the test set with $final" | tee -a "$dir/average.scores" >&2
}

# Translates SPLIT.SRC with the chosen model (or the members' ensemble) and scores it;
# NAME names the outputs.
recipe_score() { # SPLIT NAME EVALUATE-OPTIONS ... [-- MT-BLEU-OPTIONS ...]
  local split="$1" name="$2"; shift 2
  local eval_args=() bleu_args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do eval_args+=("$1"); shift; done
  [ $# -gt 0 ] && { shift; bleu_args=(-- "$@"); }
  say "$split, $name (${#finals[@]} model$([ ${#finals[@]} = 1 ] || echo "s, an ensemble"): ${finals[*]})"
  local m members=()
  for m in "${finals[@]:1}"; do members+=(--ensemble "$m"); done
  "$root/scripts/evaluate.sh" --bin "$bin" "${eval_args[@]}" "${members[@]}" -o "$work/$split.$name.$tgt" \
    "${finals[0]}" "$corpus/$split.$src" "$corpus/$split.$tgt" "${bleu_args[@]}" | tee "$work/$split.$name.scores"
}

recipe_plot() { # TITLE
  log="$(ls "$(dirname "$model")"/model*.tsv 2>/dev/null | head -1 || true)"
  if [ -n "$log" ] && command -v python3 >/dev/null 2>&1; then
    python3 "$root/scripts/plot-training.py" "$log" -o "$work/training-curve.svg" --title "$1" || true
  fi
}
