# Sourced by bench-train.sh and bench-distributed.sh: the Multi30k benchmark data and model,
# so that both measure the same thing. Needs PROGRAM (for messages) and BIN (the built
# mt-preprocess); sets CORPUS, MERGES, DATA and BENCH_MODEL.
#
# The model: embedding 256, hidden 512, 2-layer bidirectional LSTM encoder (256 per
# direction), 2-layer LSTM decoder, general attention, input feeding, dropout 0.3, batches
# of 64 sentences. Environment: MULTI30K (corpus directory), BPE_MERGES (default 10000, joint).
CORPUS=${MULTI30K:-}
if [ -z "$CORPUS" ]; then
    # The shared corpora sit beside the checkout (or beside its worktree directory).
    for c in ../shared/corpora/multi30k ../../shared/corpora/multi30k; do
        if [ -f "$c/train.de" ]; then CORPUS=$c; break; fi
    done
fi
[ -n "$CORPUS" ] || { echo "$PROGRAM: no Multi30k corpus; set MULTI30K" >&2; exit 1; }
MERGES=${BPE_MERGES:-10000}

# The preprocessed corpus is cached under .build; no validation data, so a run is updates
# only (no validation pass at the end).
DATA=.build/bench-train/multi30k-de-en-bpe$MERGES
bench_data() {
    if [ ! -f "$DATA/train.bin" ]; then
        rm -rf "$DATA"
        mkdir -p "$DATA"
        "$BIN/mt-preprocess" --train-src "$CORPUS/train.de" --train-tgt "$CORPUS/train.en" \
            --out "$DATA" --vocab-dir "$DATA/vocab" --bpe-merges "$MERGES" --joint-bpe
    fi
}

BENCH_MODEL=(--epochs 0
    --set model.embedding_size=256 --set model.hidden_size=512 --set model.encoder_layers=2
    --set model.decoder_layers=2 --set model.bidirectional_encoder=true --set model.cell=lstm
    --set model.attention=general --set model.input_feeding=true --set model.dropout=0.3
    --set training.max_batch_sentences=64 --set training.batch_tokens=1000000 --log-interval 50)
