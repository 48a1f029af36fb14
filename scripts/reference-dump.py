#!/usr/bin/env python3
"""Reference forward and backward passes of the toolkit's encoder-decoder, in PyTorch.

Builds tiny models of the architecture of Sources/MTModel (Seq2Seq.swift) from its
equations and PyTorch's own recurrent modules, runs one padded batch through them in
float64 with dropout 0, and writes one safetensors file per configuration to
Tests/MTModelTests/Fixtures/reference/, which Tests/MTModelTests/ReferenceTests.swift
replays through the Swift model and compares.

Run by hand (not by CI), from the repository root:

    python3 -m venv /tmp/ref-venv
    /tmp/ref-venv/bin/pip install torch==2.13.0+cpu numpy safetensors
    /tmp/ref-venv/bin/python scripts/reference-dump.py [--out DIR]

Each file holds:
  <parameter name>        the weights, under the model's ParameterStore names, as F32
                          (float32 values, exact in float64 on both sides)
  grad.<parameter name>   d(loss / tokens) / d(parameter), F64
  batch.source            [S, B] I32, time-major, <pad> = 0 after each sentence
  batch.source_lengths    [B] I32
  batch.target_input      [T, B] I32: <s> y1 .. yn, then <pad>
  batch.target_output     [T, B] I32: y1 .. yn </s>, then <pad>
  batch.target_lengths    [B] I32: n + 1
  output.logits           [T, B, V] F64, every position (padded steps as described below)
  output.loss             [1] F64: sum over target tokens of the label-smoothed cross-entropy
  output.nll              [1] F64: sum over target tokens of -log p(target)
and metadata "config": the Seq2SeqConfig JSON (snake_case keys). The files are identical
byte for byte on every run with the same PyTorch version.

The model (dropout 0):
  encoder   embedding (the <pad> row is 0 and gets no gradient), then torch.nn.LSTM or
            torch.nn.GRU with num_layers = encoder_layers over a packed batch: each
            direction hidden/2 when bidirectional, outputs and final states concatenated
            [forward; backward], padded steps output 0. Our LSTM has one bias b: it is
            PyTorch's bias_ih with bias_hh = 0.
  init      decoder layer l starts from zeros, from learned vectors, or from
            tanh(Linear(final state of encoder layer max(0, Le - Ld + l))) for h and c.
  decoder   torch.nn.LSTMCell / GRUCell per layer, one step at a time; layer 0 reads
            [emb(y_t); h~_{t-1}] with input feeding (h~_0 = 0), else emb(y_t). A sentence's
            padded steps carry its state and output 0, as the packed encoder does.
  attention Luong global attention on the top output h_t over the encoder outputs, padded
            source positions masked out of the softmax: dot h.s, general h.(W_a s), mlp
            v.tanh(W_q h + W_k s + b); c_t = sum a s; h~_t = tanh(W_c [c_t; h_t]), no bias.
  generator logits = h~ W^T + bias (W is the target embedding when tied).
  loss      OpenNMT-py's label smoothing: q = 1 - eps on the target, 0 on <pad> (id 0),
            eps / (V - 2) on every other class; per position -sum q log softmax(logits),
            <pad> targets ignored; gradients are those of the sum / target tokens.
"""
import argparse
import json
import os

import numpy as np
import torch
from safetensors.numpy import save_file
from torch.func import functional_call

torch.set_default_dtype(torch.float64)
PAD, UNK, BOS, EOS = 0, 1, 2, 3

# Seq2SeqConfig fields (Seq2SeqConfig.swift, CodingKeys); its decoder is strict, so all are set.
BASE = dict(
    embedding_size=4, hidden_size=6, encoder_layers=2, decoder_layers=2, bidirectional=True,
    cell="lstm", attention="general", input_feeding=True, decoder_init="bridge",
    learned_init_uniform=False, param_init=0.1, dropout=0.0, tie_target_embeddings=False,
    label_smoothing=0.1)

CONFIGS = [
    dict(name="bilstm-general-feed-bridge",
         description="bidirectional LSTM encoder, LSTM decoder, general attention, input feeding, "
                     "bridge, 2 + 2 layers",
         config=dict(source_vocabulary_size=13, target_vocabulary_size=12),
         source_lengths=[4, 6, 2], target_lengths=[4, 1, 5], seed=1),
    dict(name="bigru-dot-feed-learned",
         description="bidirectional GRU encoder, GRU decoder, dot attention, input feeding, "
                     "learned initial states, 1 + 2 layers",
         config=dict(source_vocabulary_size=12, target_vocabulary_size=14, cell="gru", attention="dot",
                     decoder_init="learned", learned_init_uniform=True, encoder_layers=1,
                     label_smoothing=0.2),
         source_lengths=[3, 1, 5], target_lengths=[2, 5, 3], seed=2),
    dict(name="lstm-mlp-nofeed-zero",
         description="unidirectional LSTM encoder and decoder, mlp attention, no input feeding, "
                     "zero initial states, 2 + 1 layers, no label smoothing",
         config=dict(source_vocabulary_size=12, target_vocabulary_size=12, bidirectional=False,
                     attention="mlp", input_feeding=False, decoder_init="zero", decoder_layers=1,
                     label_smoothing=0.0),
         source_lengths=[5, 5, 3], target_lengths=[3, 4, 1], seed=3),
    dict(name="lstm-general-feed-bridge-tied",
         description="unidirectional LSTM encoder and decoder, general attention, input feeding, "
                     "bridge from 1 encoder layer to 2 decoder layers, generator tied to the target "
                     "embedding",
         config=dict(source_vocabulary_size=12, target_vocabulary_size=12, bidirectional=False,
                     encoder_layers=1, embedding_size=6, tie_target_embeddings=True),
         source_lengths=[2, 4, 6], target_lengths=[5, 3, 2], seed=4),
]

WEIGHT_RANGE = 0.5  # wide enough that every nonlinearity works off its linear part


def parameter_shapes(c):
    """(name, shape) of every parameter, in the order Seq2Seq creates them."""
    e, h, cell = c["embedding_size"], c["hidden_size"], c["cell"]
    gates = 4 if cell == "lstm" else 3
    he = h // 2 if c["bidirectional"] else h

    def recurrent(prefix, inp, hid):
        shapes = [(f"{prefix}.w_ih", [gates * hid, inp]), (f"{prefix}.w_hh", [gates * hid, hid])]
        if cell == "lstm":
            return shapes + [(f"{prefix}.b", [gates * hid])]
        return shapes + [(f"{prefix}.b_ih", [gates * hid]), (f"{prefix}.b_hh", [gates * hid])]

    out = [("encoder.embedding.weight", [c["source_vocabulary_size"], e])]
    size = e
    for l in range(c["encoder_layers"]):
        for d in ["forward", "backward"] if c["bidirectional"] else ["forward"]:
            out += recurrent(f"encoder.layers.{l}.{d}", size, he)
        size = 2 * he if c["bidirectional"] else he
    out.append(("decoder.embedding.weight", [c["target_vocabulary_size"], e]))
    states = ["h", "c"] if cell == "lstm" else ["h"]
    for l in range(c["decoder_layers"]):
        for s in states:
            if c["decoder_init"] == "learned":
                out.append((f"decoder.init.layers.{l}.{s}", [h]))
            elif c["decoder_init"] == "bridge":
                out += [(f"decoder.bridge.layers.{l}.{s}.weight", [h, h]),
                        (f"decoder.bridge.layers.{l}.{s}.bias", [h])]
    for l in range(c["decoder_layers"]):
        inp = (e + h if c["input_feeding"] else e) if l == 0 else h
        out += recurrent(f"decoder.layers.{l}", inp, h)
    if c["attention"] == "general":
        out.append(("decoder.attention.w_a", [h, h]))
    elif c["attention"] == "mlp":
        out += [("decoder.attention.w_q", [h, h]), ("decoder.attention.w_k", [h, h]),
                ("decoder.attention.b", [h]), ("decoder.attention.v", [h])]
    out.append(("decoder.attention.w_c", [h, 2 * h]))
    if not c["tie_target_embeddings"]:
        out.append(("generator.weight", [c["target_vocabulary_size"], h]))
    out.append(("generator.bias", [c["target_vocabulary_size"]]))
    return out


def make_weights(c, rng):
    """Uniform weights rounded to float32, so that the F32 file holds them exactly."""
    weights = {}
    for name, shape in parameter_shapes(c):
        w = rng.uniform(-WEIGHT_RANGE, WEIGHT_RANGE, size=shape).astype(np.float32)
        if name.endswith("embedding.weight"):
            w[PAD] = 0  # as Embedding leaves it; never read through the lookup
        weights[name] = w
    return weights


def make_batch(c, spec, rng):
    """Random sentences of the given lengths, padded as Batch(sources:targets:) does."""
    def sentence(n, vocab):
        return [int(x) if x > EOS else UNK for x in rng.integers(EOS, vocab, size=n)]

    sources = [sentence(n, c["source_vocabulary_size"]) for n in spec["source_lengths"]]
    targets = [sentence(n, c["target_vocabulary_size"]) for n in spec["target_lengths"]]
    b, s, t = len(sources), max(map(len, sources)), max(map(len, targets)) + 1
    src = np.zeros((s, b), np.int32)
    tin = np.zeros((t, b), np.int32)
    tout = np.zeros((t, b), np.int32)
    for col, (x, y) in enumerate(zip(sources, targets)):
        src[:len(x), col] = x
        tin[0, col] = BOS
        tin[1:len(y) + 1, col] = y
        tout[:len(y), col] = y
        tout[len(y), col] = EOS
    return dict(source=src, source_lengths=np.array([len(x) for x in sources], np.int32),
                target_input=tin, target_output=tout,
                target_lengths=np.array([len(y) + 1 for y in targets], np.int32))


def encoder(c, p, embedded, lengths):
    """torch.nn.LSTM/GRU over the packed batch: outputs [S, B, H] (0 at padding) and each
    layer's final h (and c) [B, H], both directions concatenated."""
    layers, bi = c["encoder_layers"], c["bidirectional"]
    he = c["hidden_size"] // 2 if bi else c["hidden_size"]
    module_type = torch.nn.LSTM if c["cell"] == "lstm" else torch.nn.GRU
    module = module_type(c["embedding_size"], he, num_layers=layers, bidirectional=bi)
    params = {}
    for l in range(layers):
        for d, suffix in [("forward", ""), ("backward", "_reverse")][:2 if bi else 1]:
            ours = f"encoder.layers.{l}.{d}"
            params[f"weight_ih_l{l}{suffix}"] = p[f"{ours}.w_ih"]
            params[f"weight_hh_l{l}{suffix}"] = p[f"{ours}.w_hh"]
            if c["cell"] == "lstm":
                params[f"bias_ih_l{l}{suffix}"] = p[f"{ours}.b"]
                params[f"bias_hh_l{l}{suffix}"] = torch.zeros_like(p[f"{ours}.b"])
            else:
                params[f"bias_ih_l{l}{suffix}"] = p[f"{ours}.b_ih"]
                params[f"bias_hh_l{l}{suffix}"] = p[f"{ours}.b_hh"]
    packed = torch.nn.utils.rnn.pack_padded_sequence(embedded, lengths, enforce_sorted=False)
    out, state = functional_call(module, params, (packed,))
    memory, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=embedded.shape[0])

    def per_layer(final):  # [layers * directions, B, he] -> per layer [B, directions * he]
        dirs = 2 if bi else 1
        return [torch.cat([final[l * dirs + k] for k in range(dirs)], dim=-1) for l in range(layers)]

    if c["cell"] == "lstm":
        return memory, per_layer(state[0]), per_layer(state[1])
    return memory, per_layer(state), None


def initial_states(c, p, final_h, final_c, batch):
    """Per decoder layer (h, c) [B, H] (c None for the GRU)."""
    h, le, ld, lstm = c["hidden_size"], c["encoder_layers"], c["decoder_layers"], c["cell"] == "lstm"
    states = []
    for l in range(ld):
        if c["decoder_init"] == "zero":
            hs = torch.zeros(batch, h)
            cs = torch.zeros(batch, h) if lstm else None
        elif c["decoder_init"] == "learned":
            hs = p[f"decoder.init.layers.{l}.h"].expand(batch, h)
            cs = p[f"decoder.init.layers.{l}.c"].expand(batch, h) if lstm else None
        else:
            e = max(0, le - ld + l)

            def bridge(s, x):
                return torch.tanh(torch.nn.functional.linear(
                    x, p[f"decoder.bridge.layers.{l}.{s}.weight"], p[f"decoder.bridge.layers.{l}.{s}.bias"]))
            hs = bridge("h", final_h[e])
            cs = bridge("c", final_c[e]) if lstm else None
        states.append((hs, cs))
    return states


def decoder_cell(c, p, l):
    """Layer l of the decoder as a torch.nn.LSTMCell/GRUCell with our parameters."""
    prefix = f"decoder.layers.{l}"
    w_ih = p[f"{prefix}.w_ih"]
    hidden = c["hidden_size"]
    if c["cell"] == "lstm":
        module = torch.nn.LSTMCell(w_ih.shape[1], hidden)
        params = dict(weight_ih=w_ih, weight_hh=p[f"{prefix}.w_hh"], bias_ih=p[f"{prefix}.b"],
                      bias_hh=torch.zeros_like(p[f"{prefix}.b"]))
    else:
        module = torch.nn.GRUCell(w_ih.shape[1], hidden)
        params = dict(weight_ih=w_ih, weight_hh=p[f"{prefix}.w_hh"], bias_ih=p[f"{prefix}.b_ih"],
                      bias_hh=p[f"{prefix}.b_hh"])
    return lambda *args: functional_call(module, params, args)


def attend(c, p, query, memory, lengths):
    """h~ [B, H] of query [B, H] against memory [B, S, H], padded positions masked."""
    kind = c["attention"]
    if kind == "dot":
        scores = torch.einsum("bh,bsh->bs", query, memory)
    elif kind == "general":
        scores = torch.einsum("bh,bsh->bs", query, memory @ p["decoder.attention.w_a"].T)
    else:
        keys = memory @ p["decoder.attention.w_k"].T + p["decoder.attention.b"]
        hidden = torch.tanh(keys + (query @ p["decoder.attention.w_q"].T)[:, None, :])
        scores = hidden @ p["decoder.attention.v"]
    valid = torch.arange(memory.shape[1])[None, :] < lengths[:, None]
    weights = torch.softmax(scores.masked_fill(~valid, float("-inf")), dim=-1)
    context = torch.einsum("bs,bsh->bh", weights, memory)
    return torch.tanh(torch.cat([context, query], dim=-1) @ p["decoder.attention.w_c"].T)


def forward(c, p, batch):
    """Logits [T, B, V] of the batch with teacher forcing."""
    src = torch.from_numpy(batch["source"]).long()
    src_len = torch.from_numpy(batch["source_lengths"]).long()
    tin = torch.from_numpy(batch["target_input"]).long()
    tgt_len = torch.from_numpy(batch["target_lengths"]).long()
    steps, b = tin.shape
    h = c["hidden_size"]
    embedded = torch.nn.functional.embedding(src, p["encoder.embedding.weight"], padding_idx=PAD)
    memory, final_h, final_c = encoder(c, p, embedded, src_len)
    memory = memory.transpose(0, 1)  # [B, S, H]
    states = initial_states(c, p, final_h, final_c, b)
    cells = [decoder_cell(c, p, l) for l in range(c["decoder_layers"])]
    target_embedded = torch.nn.functional.embedding(tin, p["decoder.embedding.weight"], padding_idx=PAD)
    feed = torch.zeros(b, h)
    outputs = []
    for t in range(steps):
        active = (t < tgt_len)[:, None]
        x = torch.cat([target_embedded[t], feed], dim=-1) if c["input_feeding"] else target_embedded[t]
        for l, cell in enumerate(cells):
            hs, cs = states[l]
            if c["cell"] == "lstm":
                hn, cn = cell(x, (hs, cs))
                states[l] = (torch.where(active, hn, hs), torch.where(active, cn, cs))
            else:
                hn = cell(x, hs)
                states[l] = (torch.where(active, hn, hs), None)
            x = torch.where(active, hn, torch.zeros_like(hn))
        feed = attend(c, p, x, memory, src_len)
        outputs.append(feed)
    output = torch.stack(outputs)  # [T, B, H]
    weight = p["decoder.embedding.weight"] if c["tie_target_embeddings"] else p["generator.weight"]
    return torch.nn.functional.linear(output, weight, p["generator.bias"])


def loss_sums(c, logits, target):
    """Label-smoothed loss and NLL summed over the positions whose target is not <pad>."""
    vocab, eps = logits.shape[-1], c["label_smoothing"]
    log_p = torch.log_softmax(logits, dim=-1)
    q = torch.full_like(log_p, eps / (vocab - 2))
    q[..., PAD] = 0
    q.scatter_(-1, target[..., None], 1 - eps)
    keep = target != PAD
    loss = -(q * log_p).sum(-1)[keep].sum()
    nll = -log_p.gather(-1, target[..., None])[..., 0][keep].sum()
    return loss, nll, int(keep.sum())


def check_padding(c, p, batch, logits):
    """Each sentence alone, without any padding, must get the logits it gets in the batch:
    padding changes nothing at the positions the loss reads."""
    for col, (s, t) in enumerate(zip(batch["source_lengths"], batch["target_lengths"])):
        alone = dict(source=batch["source"][:s, col:col + 1], source_lengths=batch["source_lengths"][col:col + 1],
                     target_input=batch["target_input"][:t, col:col + 1],
                     target_lengths=batch["target_lengths"][col:col + 1])
        with torch.no_grad():
            diff = (forward(c, p, alone)[:, 0] - logits[:t, col]).abs().max().item()
        assert diff < 1e-12, f"sentence {col} alone differs from the batch by {diff}"


def dump(spec, out_dir):
    c = dict(BASE, **spec["config"])
    rng = np.random.default_rng(spec["seed"])
    weights = make_weights(c, rng)
    batch = make_batch(c, spec, rng)
    p = {n: torch.tensor(w, dtype=torch.float64, requires_grad=True) for n, w in weights.items()}
    logits = forward(c, p, batch)
    check_padding(c, p, batch, logits)
    target = torch.from_numpy(batch["target_output"]).long()
    loss, nll, tokens = loss_sums(c, logits, target)
    assert tokens == int(batch["target_lengths"].sum())
    (loss / tokens).backward()
    tensors = dict(weights)
    for name in weights:
        grad = p[name].grad
        tensors[f"grad.{name}"] = (torch.zeros_like(p[name]) if grad is None else grad).detach().numpy()
    for key, value in batch.items():
        tensors[f"batch.{key}"] = value
    tensors["output.logits"] = logits.detach().numpy()
    tensors["output.loss"] = np.array([loss.item()])
    tensors["output.nll"] = np.array([nll.item()])
    tensors = {k: np.ascontiguousarray(v) for k, v in tensors.items()}
    # One metadata entry only: the writer orders several differently on every run.
    metadata = dict(config=json.dumps(c, sort_keys=True))
    path = os.path.join(out_dir, spec["name"] + ".safetensors")
    save_file(tensors, path, metadata=metadata)
    print(f"{os.path.relpath(path)}: {spec['description']}; {os.path.getsize(path)} bytes, "
          f"loss/token {loss.item() / tokens:.6f} over {tokens} tokens")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "Tests", "MTModelTests", "Fixtures", "reference"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    print(f"torch {torch.__version__}, numpy {np.__version__}")
    for spec in CONFIGS:
        dump(spec, args.out)


if __name__ == "__main__":
    main()
