"""Natural timing: hit counting, runs-to-first-failure, storage beside the case, and the site block."""

from __future__ import annotations

from types import SimpleNamespace

from harness.pipeline import natural


def rec(i, kind, variant="bug", expected_kind="deadlock", timed_out=None):
    return SimpleNamespace(case="c", variant=variant, lens="plain", profile="cpython", repeat=i, skipped=False,
                           ok=kind == expected_kind, observed={"kind": kind, "timed_out": timed_out or kind == "deadlock"},
                           expected={"kind": expected_kind, "timed_out": expected_kind == "deadlock"})  # fmt: skip


def test_hits_and_runs_to_failure():
    kinds = [None, None, "deadlock", "deadlock", None, None, None, "deadlock", None]
    (entry,) = natural.summarize([rec(i, k) for i, k in enumerate(kinds)])
    assert entry["runs"] == 9 and entry["hits"] == 3
    assert entry["runs_to_failure"] == [3, 1, 4] and entry["after_last_hit"] == 1
    assert entry["histogram"] == [("1", 1), ("2-3", 1), ("4-7", 1)]
    assert natural.describe(entry) == "c · bug · plain@cpython: deadlocked 3/9 (33.3%)"


def test_a_hit_is_the_same_kind_not_the_same_numbers():
    r = rec(0, "AssertionError", expected_kind="AssertionError")
    r.ok = False  # the forced expectation's exact message/metrics differ without the forcing
    assert natural.is_hit(r)
    assert not natural.is_hit(rec(1, None, expected_kind="AssertionError"))
    assert natural.is_hit(rec(2, "ValueError", variant="fixed", expected_kind="none"))


def test_store_and_site_block(tmp_path):
    from harness.teaching import site

    case = SimpleNamespace(id="c", path=tmp_path)
    natural.store([rec(0, "deadlock"), rec(1, None)], [case], "x86_64-test", "crashcourse run --natural --repeat 2 c")
    data = natural.load(tmp_path)
    assert data["x86_64-test"]["runs"]["bug.plain.cpython"]["hits"] == 1
    text = "\n".join(site._natural(case))
    assert "## Natural timing" in text and "1/2" in text and "x86_64-test" in text
    assert site._natural(SimpleNamespace(id="d", path=tmp_path / "none")) == []
