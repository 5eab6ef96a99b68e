"""The all-MiniLM-L6-v2 sentence encoder in NumPy: BERT forward pass, mean pooling, L2 normalisation.

This reproduces what sentence-transformers does for this model (modules.json: Transformer with
max_seq_length 256 -> Pooling(mean over the attention mask) -> Normalize) without torch. Weights are
read from `model.safetensors` with the safetensors NumPy loader, the tokenizer is the model's own
`tokenizer.json` run by the `tokenizers` package. Everything here is imported only when a model is
loaded (`shared.memory.embedding` imports this module lazily), so NumPy stays off the cold-start path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from safetensors import safe_open
from tokenizers import Tokenizer

Array = NDArray[np.float32]

MAX_TOKENS = 256
"""sentence-transformers' max_seq_length for this model (sentence_bert_config.json); [CLS]/[SEP] included."""
BATCH_SIZE = 32
_MAX_BATCH_TOKENS = 2048  # padded tokens per forward pass: bigger batches only thrash the cache
_MAX_PADDING = 1.3
_NORM_EPS = 1e-12  # torch.nn.functional.normalize's default
_MASKED = np.float32(np.finfo(np.float32).min)  # what transformers adds to masked attention scores

# Abramowitz & Stegun 7.1.26: erf with |error| <= 1.5e-7, far below float32 activations' noise. NumPy has
# no erf, and BERT's "gelu" is the exact erf form (not the tanh approximation).
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(np.float32(a) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429))


def _gelu(x: Array) -> Array:
    """0.5 * x * (1 + erf(x / sqrt(2))), in place on as few temporaries as possible (it is the hot spot)."""
    z = x * np.float32(0.7071067811865476)
    a = np.abs(z)
    t = a * _ERF_P
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    a1, a2, a3, a4, a5 = _ERF_A
    erf: Array = t * a5
    for coefficient in (a4, a3, a2, a1):
        erf += coefficient
        erf *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    erf *= a
    np.subtract(np.float32(1.0), erf, out=erf)  # erf(|z|)
    np.copysign(erf, z, out=erf)  # erf(z)
    erf += np.float32(1.0)
    erf *= x
    erf *= np.float32(0.5)
    return erf


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    centered = x - mean
    variance = (centered * centered).mean(axis=-1, keepdims=True)
    result: Array = centered / np.sqrt(variance + np.float32(eps)) * weight + bias
    return result


def _batches(lengths: Sequence[int]) -> list[list[int]]:
    """Indices grouped by similar length, so little padding is computed: sorted by length, and a batch
    closes at BATCH_SIZE texts, at _MAX_BATCH_TOKENS padded tokens, or when padding would exceed
    _MAX_PADDING times its real tokens."""
    batches: list[list[int]] = []
    batch: list[int] = []
    tokens = 0
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        padded = lengths[i] * (len(batch) + 1)  # sorted: the new text is the longest
        full = len(batch) == BATCH_SIZE or padded > _MAX_BATCH_TOKENS
        if batch and (full or padded > _MAX_PADDING * (tokens + lengths[i])):
            batches.append(batch)
            batch, tokens = [], 0
        batch.append(i)
        tokens += lengths[i]
    if batch:
        batches.append(batch)
    return batches


@dataclass(frozen=True)
class _Layer:
    qkv_w: Array  # (hidden, 3 * hidden): query, key, value fused and transposed for x @ w
    qkv_b: Array
    out_w: Array
    out_b: Array
    ln1_w: Array
    ln1_b: Array
    inter_w: Array
    inter_b: Array
    ffn_out_w: Array
    ffn_out_b: Array
    ln2_w: Array
    ln2_b: Array


class MiniLM:
    """Loaded weights and tokenizer; `encode` is thread-safe (no state changes after loading)."""

    def __init__(self, model_dir: Path) -> None:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
            raise ValueError(f"{model_dir}: expected a BERT model with gelu, got {config.get('model_type')}")
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{model_dir}: only mean pooling is implemented")
        self.hidden: int = config["hidden_size"]
        self.heads: int = config["num_attention_heads"]
        self.eps: float = config["layer_norm_eps"]
        self.dimensions: int = pooling["word_embedding_dimension"]
        self.max_tokens = min(MAX_TOKENS, int(config["max_position_embeddings"]))

        with safe_open(str(model_dir / "model.safetensors"), framework="np") as weights:

            def w(name: str) -> Array:
                tensor: Array = weights.get_tensor(name).astype(np.float32, copy=False)
                return tensor

            def linear(prefix: str) -> tuple[Array, Array]:
                return np.ascontiguousarray(w(f"{prefix}.weight").T), w(f"{prefix}.bias")

            self.word = w("embeddings.word_embeddings.weight")
            self.position = w("embeddings.position_embeddings.weight")
            self.token_type = w("embeddings.token_type_embeddings.weight")
            self.emb_ln = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
            self.layers: list[_Layer] = []
            for n in range(config["num_hidden_layers"]):
                p = f"encoder.layer.{n}"
                q, k, v = (linear(f"{p}.attention.self.{part}") for part in ("query", "key", "value"))
                out_w, out_b = linear(f"{p}.attention.output.dense")
                inter_w, inter_b = linear(f"{p}.intermediate.dense")
                ffn_out_w, ffn_out_b = linear(f"{p}.output.dense")
                self.layers.append(
                    _Layer(
                        qkv_w=np.ascontiguousarray(np.concatenate([q[0], k[0], v[0]], axis=1)),
                        qkv_b=np.concatenate([q[1], k[1], v[1]]),
                        out_w=out_w,
                        out_b=out_b,
                        ln1_w=w(f"{p}.attention.output.LayerNorm.weight"),
                        ln1_b=w(f"{p}.attention.output.LayerNorm.bias"),
                        inter_w=inter_w,
                        inter_b=inter_b,
                        ffn_out_w=ffn_out_w,
                        ffn_out_b=ffn_out_b,
                        ln2_w=w(f"{p}.output.LayerNorm.weight"),
                        ln2_b=w(f"{p}.output.LayerNorm.bias"),
                    )
                )

        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json carries its own truncation (128) and fixed padding (128); sentence-transformers
        # overrides both: truncate to max_seq_length, pad to the longest text of the batch.
        tokenizer.enable_truncation(max_length=self.max_tokens)
        tokenizer.no_padding()
        self.tokenizer = tokenizer
        whole = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        whole.no_truncation()
        whole.no_padding()
        self._whole_tokenizer = whole  # for `encode_ends`, which must see the end of a long text
        self.single_text_forward: Callable[[Sequence[int]], Array] | None = None
        """A faster pass for one text's word pieces (the onnxruntime graph of `_minilm_onnx`, same float32
        arithmetic), set once by the embedder before it is shared; None: the NumPy pass."""

    def encode(self, texts: Sequence[str], *, max_tokens: int | None = None) -> Array:
        """(len(texts), dimensions) float32, each row L2-normalised. `max_tokens` (at least 2) embeds only
        the first `max_tokens - 2` word pieces between [CLS] and [SEP], for callers with a latency budget
        (the inline crisis screen); the default is the model's own limit."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = [e.ids for e in encodings]
        if max_tokens is not None and max_tokens < self.max_tokens:
            limit = max(2, max_tokens)
            ids = [i if len(i) <= limit else [*i[: limit - 1], i[-1]] for i in ids]  # keep the final [SEP]
        result = np.empty((len(texts), self.dimensions), dtype=np.float32)
        for chunk in _batches([len(i) for i in ids]):
            result[chunk] = self._forward([ids[i] for i in chunk])
        return result

    def encode_ends(self, text: str, *, max_tokens: int, tail: int) -> tuple[Array, int]:
        """One text's embedding from at most `max_tokens` word pieces ([CLS] and [SEP] included): all of
        them when the text fits, else its first `max_tokens - 2 - tail` and its last `tail`, so a long
        message is read at both ends in a bounded time. Also returns the text's full word-piece count
        (one tokenisation serves both)."""
        if not 0 <= tail <= max_tokens - 3:
            raise ValueError(f"tail {tail} does not fit in {max_tokens} word pieces")
        ids = self._whole_tokenizer.encode(text).ids
        count = len(ids)
        if count > max_tokens:
            ids = [*ids[: max_tokens - 1 - tail], *ids[count - 1 - tail :]]  # ends with the final [SEP]
        single = self.single_text_forward
        return (single(ids) if single is not None else self._forward([ids])[0]), count

    def token_count(self, text: str) -> int:
        """Word pieces of `text` with [CLS] and [SEP], up to the model's limit."""
        return len(self.tokenizer.encode(text).ids)

    def _forward(self, batch: list[list[int]]) -> Array:
        size, length = len(batch), max(len(ids) for ids in batch)
        input_ids = np.zeros((size, length), dtype=np.int64)  # [PAD] is id 0
        mask = np.zeros((size, length), dtype=np.float32)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0

        x = self.word[input_ids] + self.position[:length] + self.token_type[0]
        # Tokens as rows of one 2-D matrix, so every dense layer is a single GEMM (a 3-D @ 2-D matmul is
        # computed batch by batch and is ~2x slower here); only attention needs the (batch, heads) view.
        x = _layer_norm(x.reshape(size * length, self.hidden), *self.emb_ln, self.eps)
        heads, head_dim = self.heads, self.hidden // self.heads
        scale = np.float32(1.0 / np.sqrt(head_dim))
        bias = ((np.float32(1.0) - mask) * _MASKED)[:, None, None, :]  # (batch, 1, 1, keys)
        for layer in self.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b  # (tokens, 3 * hidden)
            qkv = qkv.reshape(size, length, 3, heads, head_dim).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]  # (batch, heads, length, head_dim)
            scores = q @ k.transpose(0, 1, 3, 2)
            scores *= scale
            scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores, out=scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(size * length, self.hidden)
            x = _layer_norm(context @ layer.out_w + layer.out_b + x, layer.ln1_w, layer.ln1_b, self.eps)
            inner = _gelu(x @ layer.inter_w + layer.inter_b)
            x = _layer_norm(inner @ layer.ffn_out_w + layer.ffn_out_b + x, layer.ln2_w, layer.ln2_b, self.eps)

        x = x.reshape(size, length, self.hidden)
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), np.float32(1e-9))
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        normalised: Array = pooled / np.maximum(norms, np.float32(_NORM_EPS))
        return normalised
