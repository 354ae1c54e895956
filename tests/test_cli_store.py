"""`rashomon add`, `stories`, `show`; and a real kill: `rashomon add` SIGKILLed mid-way (in the
per-article step, and inside the corpus transaction), then a second `add` completes the store."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rashomon
from rashomon.cli import main
from rashomon.store import PAUSE_ENV, open_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def batch(corpus):
    return rashomon.analyze(corpus).to_json()


def test_cli_add_stories_show(corpus, tmp_path, capsys, batch):
    db = str(tmp_path / "s.duckdb")
    assert main(["add", str(corpus), "--db", db, "-q"]) == 0
    out = capsys.readouterr().out
    n = len(batch["articles"])
    assert f"added {n} new, 0 already present, {len(batch['rejected'])} rejected" in out
    assert main(["add", str(corpus), "--db", db, "-q"]) == 0
    assert f"added 0 new, {n} already present" in capsys.readouterr().out
    assert main(["stories", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == batch["stories"]
    assert main(["stories", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[0] for ln in lines] == [s["id"] for s in batch["stories"]]
    top = batch["stories"][0]
    assert main(["show", top["id"], "--db", db]) == 0
    shown = capsys.readouterr().out
    assert top["title"] in shown and all(a in shown for a in top["articles"])
    assert main(["show", "story-nope", "--db", db]) == 2
    assert "no story 'story-nope'" in capsys.readouterr().err


def test_cli_stories_without_store_names_the_file(tmp_path, capsys):
    db = tmp_path / "none.duckdb"
    assert main(["stories", "--db", str(db)]) == 2
    assert str(db) in capsys.readouterr().err and not db.exists()


def test_cli_add_bounds_the_stores_own_memory(corpus, tmp_path, capsys, monkeypatch):
    """`rashomon add` limits DuckDB's memory (1GB unless --db-memory says otherwise; DuckDB's
    own default is 80% of the machine); a size it cannot read is refused before any store exists."""
    import rashomon.store as store_mod

    seen = []
    real = store_mod.open_store

    def spy(path, **kw):
        s = real(path, **kw)
        seen.append(s.con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
        return s

    monkeypatch.setattr(store_mod, "open_store", spy)
    one = sorted(corpus.glob("*.txt"))[:1]
    assert main(["add", *map(str, one), "--db", str(tmp_path / "a.duckdb"), "-q"]) == 0
    assert main(["add", *map(str, one), "--db", str(tmp_path / "b.duckdb"), "-q", "--db-memory", "512MB"]) == 0
    assert seen == ["953.6 MiB", "488.2 MiB"]  # DuckDB prints 10^9 and 512 * 10^6 bytes in MiB
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["add", *map(str, one), "--db", str(tmp_path / "c.duckdb"), "--db-memory", "lots"])
    assert exc.value.code == 2 and "--db-memory" in capsys.readouterr().err
    assert not (tmp_path / "c.duckdb").exists()


def _add(corpus, db, env=None):
    return subprocess.Popen([sys.executable, "-m", "rashomon.cli", "add", str(corpus), "--db", str(db),
                             "-q", "--batch-size", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, cwd=ROOT)


def _kill_when_paused(proc) -> None:
    deadline = time.monotonic() + 300
    for line in proc.stderr:  # the pause hook announces itself on stderr, then sleeps
        if "paused" in line:
            break
        if time.monotonic() > deadline:
            break
    else:
        pytest.fail(f"rashomon add ended without pausing (rc {proc.wait()})")
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL


@pytest.mark.parametrize("pause", ["after:4", "corpus"])
def test_cli_add_killed_midway_is_completed_by_next_add(corpus, tmp_path, batch, pause):
    db = tmp_path / "k.duckdb"
    _kill_when_paused(_add(corpus, db, {PAUSE_ENV: pause}))
    with open_store(db) as s:
        c = s.counts()
    n = len(batch["articles"])
    if pause == "corpus":  # every article written, the corpus transaction lost
        assert c["articles"] == c["pending"] == n and c["stories"] == 0
    else:  # the committed batches kept, pending; the rest not yet there
        assert 4 <= c["articles"] == c["pending"] < n and c["stories"] == 0
    proc = _add(corpus, db)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert f"added {n - c['articles']} new, {c['articles']} already present" in out
    assert f"completed {c['articles']} articles left pending" in out
    with open_store(db, read_only=True) as s:
        doc = s.analysis().to_json()
        assert s.counts()["pending"] == 0
        n_times = s.con.execute("SELECT count(*) FROM times").fetchone()[0]
    ids = [a["id"] for a in doc["articles"]]
    assert len(ids) == len(set(ids)) == n  # every article exactly once
    assert n_times == len(batch["times"])  # no annotation written twice
    for key in ("articles", "reuse", "entities", "quotes", "times", "events", "stories", "storylines"):
        assert doc[key] == batch[key], key
