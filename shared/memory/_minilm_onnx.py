"""The all-MiniLM-L6-v2 forward pass for ONE text as an ONNX graph run by onnxruntime on one thread: the
inline crisis screen's embedding (`MiniLM.encode_ends`), which must fit a per-message latency budget.

The graph is built in memory from the weights `MiniLM` already loaded (onnx's helper API; no second model
file, nothing downloaded) and does the same float32 arithmetic as the NumPy forward pass
(`MiniLM._forward`): embeddings, six BERT layers with the exact erf GELU, mean pooling over the tokens, L2
normalisation. One text needs no padding and no attention mask. The results agree with NumPy to about
1e-6 per component (tests/unit/test_minilm_onnx.py), so the screen's learned model, trained on NumPy
embeddings, takes the same decisions; onnxruntime is about twice as fast at chat length because it has far
less per-operation overhead and fuses the layer norms and GELU.

Used only when onnxruntime and onnx are installed (functions/requirements.txt) and
`SESSIONS_EMBEDDING_RUNTIME` is not `numpy`; otherwise `MiniLM` keeps its NumPy pass. Built on the first
screen embedding of a process (about 0.4 s). The graph holds no weights: onnxruntime reads the NumPy
arrays in place (external initializers), plus its own pre-packed copy of the matrices (~+55 MB resident).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from shared.memory._minilm import Array, MiniLM

RUNTIME_ENV = "SESSIONS_EMBEDDING_RUNTIME"
"""`numpy` forces the NumPy forward pass (e.g. to compare); anything else uses onnxruntime when installed."""
_OPSET = 17  # LayerNormalization is a standard operator from opset 17
_EXTERNAL_FROM = 1024  # weights with this many numbers or more are passed to onnxruntime without a copy


def available() -> bool:
    """Whether onnxruntime and onnx are importable and not switched off by `RUNTIME_ENV`."""
    if os.environ.get(RUNTIME_ENV, "").strip().lower() == "numpy":
        return False
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def build_graph(model: MiniLM) -> tuple[bytes, dict[str, Array]]:
    """The serialised ONNX model of `model`'s forward pass for one text: inputs `ids` and `positions`
    (int64, one entry per word piece, [CLS] and [SEP] included), output `embedding` (float32, unit length).
    The weights are not copied into it: each large one is an external initializer, returned by name (the
    NumPy arrays themselves), for `SessionOptions.add_external_initializers`."""
    from onnx import TensorProto, helper, numpy_helper

    initializers: list[Any] = []
    nodes: list[Any] = []
    external: dict[str, Array] = {}

    def const(name: str, value: Any) -> str:
        array = np.asarray(value)
        if array.size < _EXTERNAL_FROM:
            initializers.append(numpy_helper.from_array(array, name))
            return name
        tensor = TensorProto(name=name, dims=array.shape, data_type=TensorProto.FLOAT)
        tensor.data_location = TensorProto.EXTERNAL
        tensor.external_data.add(key="location", value="in-memory")
        initializers.append(tensor)
        external[name] = np.ascontiguousarray(array, dtype=np.float32)
        return name

    def op(kind: str, inputs: Sequence[str], **attributes: Any) -> str:
        output = f"v{len(nodes)}"
        nodes.append(helper.make_node(kind, list(inputs), [output], **attributes))
        return output

    hidden, heads = model.hidden, model.heads
    head_dim = hidden // heads
    f32 = np.float32
    const("split_heads", np.array([-1, 3, heads, head_dim], dtype=np.int64))
    const("merge_heads", np.array([-1, hidden], dtype=np.int64))
    const("scale", np.array(1.0 / np.sqrt(head_dim), dtype=f32))
    const("half", np.array(0.5, dtype=f32))
    const("one", np.array(1.0, dtype=f32))
    const("inv_sqrt2", np.array(0.7071067811865476, dtype=f32))
    for n in range(3):
        const(f"part{n}", np.array(n, dtype=np.int64))

    def norm(value: str, name: str, weight: Array, bias: Array) -> str:
        inputs = [value, const(name + "_w", weight), const(name + "_b", bias)]
        return op("LayerNormalization", inputs, axis=-1, epsilon=model.eps)

    def dense(value: str, name: str, weight: Array, bias: Array) -> str:
        return op("Add", [op("MatMul", [value, const(name + "_w", weight)]), const(name + "_b", bias)])

    words = op("Gather", [const("word", model.word), "ids"])
    where = op("Gather", [const("position", model.position), "positions"])
    x = op("Add", [op("Add", [words, where]), const("token_type", model.token_type[0])])
    x = norm(x, "emb_ln", *model.emb_ln)
    for n, layer in enumerate(model.layers):
        p = f"layer{n}."
        qkv = dense(x, p + "qkv", layer.qkv_w, layer.qkv_b)
        qkv = op("Transpose", [op("Reshape", [qkv, "split_heads"])], perm=[1, 2, 0, 3])  # (3, heads, L, d)
        q, k, v = (op("Gather", [qkv, f"part{i}"], axis=0) for i in range(3))
        scores = op("Mul", [op("MatMul", [q, op("Transpose", [k], perm=[0, 2, 1])]), "scale"])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])  # (heads, L, d)
        context = op("Reshape", [op("Transpose", [context], perm=[1, 0, 2]), "merge_heads"])
        attended = dense(context, p + "out", layer.out_w, layer.out_b)
        x = norm(op("Add", [attended, x]), p + "ln1", layer.ln1_w, layer.ln1_b)
        inner = dense(x, p + "inter", layer.inter_w, layer.inter_b)
        erf = op("Erf", [op("Mul", [inner, "inv_sqrt2"])])
        gelu = op("Mul", [op("Mul", [inner, "half"]), op("Add", [erf, "one"])])  # BERT's exact GELU
        out = dense(gelu, p + "ffn", layer.ffn_out_w, layer.ffn_out_b)
        x = norm(op("Add", [out, x]), p + "ln2", layer.ln2_w, layer.ln2_b)
    pooled = op("ReduceMean", [x], axes=[0], keepdims=0)
    nodes.append(helper.make_node("LpNormalization", [pooled], ["embedding"], axis=-1, p=2))
    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2-one-text",
        [
            helper.make_tensor_value_info("ids", TensorProto.INT64, ["tokens"]),
            helper.make_tensor_value_info("positions", TensorProto.INT64, ["tokens"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [hidden])],
        initializers,
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    proto.ir_version = 8  # onnx's checker cannot see in-memory weights; onnxruntime validates on load
    serialised: bytes = proto.SerializeToString()
    return serialised, external


class OnnxForward:
    """`model`'s forward pass for one text in onnxruntime, on one intra-op thread (the inline screen's
    budget is per core). Thread-safe: `InferenceSession.run` may be called concurrently."""

    def __init__(self, model: MiniLM) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3  # warnings about unused initializers are noise here
        graph, weights = build_graph(model)
        self._weights = weights  # the session reads these buffers in place: they must outlive it
        names = list(weights)
        options.add_external_initializers(
            names, [onnxruntime.OrtValue.ortvalue_from_numpy(weights[name]) for name in names]
        )
        self._session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])

    def __call__(self, ids: Sequence[int]) -> Array:
        """The unit-length embedding of one text's word pieces (with [CLS] and [SEP])."""
        tokens = np.asarray(ids, dtype=np.int64)
        positions = np.arange(len(tokens), dtype=np.int64)
        outputs = self._session.run(["embedding"], {"ids": tokens, "positions": positions})
        vector: Array = np.asarray(outputs[0], dtype=np.float32)
        return vector
