"""The manifest loader: a valid case loads; every malformed one names the file and the field."""

import shutil

import pytest

from conftest import FIXTURE_CASES
from harness.corpus import machine
from harness.corpus.manifest import load_case
from harness.errors import ManifestError


@pytest.fixture
def case_dir(tmp_path):
    d = tmp_path / "fx-null"
    shutil.copytree(FIXTURE_CASES / "fx-null", d)
    return d


def edit(d, old, new):
    p = d / "case.toml"
    text = p.read_text()
    assert old in text, old
    p.write_text(text.replace(old, new))


def test_fixture_loads_and_plans_runs(case_dir):
    case = load_case(case_dir)
    assert [s.id for s in case.runs()] == [
        "fx-null[bug-plain-O0]", "fx-null[fixed-plain-O0]", "fx-null[bug-asan-asan]", "fx-null[fixed-asan-asan]",
    ]  # fmt: skip
    fixed = case.runs(lenses=["plain"], variants=["fixed"])[0]
    exp, why = case.expectation_for(fixed)
    assert exp.default and exp.checks == {"signal": "none", "exit_code": 0, "timed_out": False, "kind": "none"}


@pytest.mark.parametrize(
    "old,new,field",
    [
        ('id = "fx-null"', 'id = "other"', "id"),
        ('language = "c"', 'language = "rust"', "language"),
        ('lenses = ["plain", "asan"]', 'lenses = ["plain", "xray"]', "lenses[1]"),
        ('lenses = ["plain", "asan"]', "lenses = []", "lenses"),
        ('bug = "repro.c"', 'bug = "missing.c"', "variants.bug"),
        ('signal = "SIGSEGV"', 'signal = "segv"', "expect[0].signal"),
        ('signal = "SIGSEGV"', "signal = 11", "expect[0].signal"),
        ('signal = "SIGSEGV"', 'sigal = "SIGSEGV"', "expect[0].sigal"),
        ('lens = "plain"', 'lens = "gdb"', "expect[0].lens"),
        ('kind = "SEGV"', 'kind = "SEGV"\nmetrics = { x = "about 5" }', "expect[1].metrics.x"),
        ('title = "Fixture: NULL store"', 'titel = "x"', "titel"),
        ('url = "https://example.invalid/fixture"', "", "incident.url"),
        ('[[expect]]\nlens = "plain"\nsignal = "SIGSEGV"\n', "", "expect"),
        ('frames = ["cc_main"]', 'frames = ["cc_main"]\nstderr = ["(unclosed"]', "expect[1].stderr[0]"),
        ('[[expect]]\nlens = "plain"', '[[expect]]\nwhen = { planet = "mars" }\nlens = "plain"', "expect[0].when.planet"),
        ("cwe = [476]", 'cwe = ["CWE-476"]', "flaw.cwe[0]"),
        ("cwe = [476]", "cwe = []", "flaw.cwe"),
        ('class = "memory-spatial"', 'class = "oops"', "flaw.class"),
        ('at = "repro.c:7"', 'at = "repro.c:6"', "flaw.locations[0].at"),
        ('at = "repro.c:7"', 'at = "repro.c"', "flaw.locations[0].at"),
        ('at = "repro.c:7"', 'at = "nope.c:7"', "flaw.locations[0].at"),
        ('at = "repro.c:7"', 'at = "fixed.c:7"', "flaw.locations[0].at"),
        ('role = "write"', 'role = "scribble"', "flaw.locations[0].role"),
        ('role = "write"', 'role = "write", cwe = 787', "flaw.locations[0].cwe"),  # not one of the flaw's CWEs
        ('role = "write"', 'role = "write", cwe = "CWE-476"', "flaw.locations[0].cwe"),
        ('role = "write"', 'role = "write", cwes = [476]', "flaw.locations[0].cwes"),
        ('class = "memory-spatial"', 'class = "concurrency-race"', "flaw.locations"),
        ('class = "memory-spatial"', 'class = "memory-spatial"\nmissed_by = { asan = "" }', "flaw.missed_by.asan"),
        ('class = "memory-spatial"', 'class = "memory-spatial"\nsevere = true', "flaw.severe"),
        ('class = "memory-spatial"', 'class = "memory-spatial"\nmissed_by = { valgrind = "x" }', "flaw.missed_by.valgrind"),
        ('class = "memory-spatial"', 'class = "memory-spatial"\nmissed_by = { "asan:O2" = "x" }', "flaw.missed_by.asan:O2"),
        ('lens = "plain"\nsignal = "SIGSEGV"', 'lens = "plain"\nsignal = "none"', "flaw.missed_by"),
        ("[flaw]", "[flaws]", "flaws"),
    ],
)
def test_errors_name_file_and_field(case_dir, old, new, field):
    edit(case_dir, old, new)
    with pytest.raises(ManifestError) as info:
        load_case(case_dir)
    assert info.value.field == field
    assert str(case_dir / "case.toml") in str(info.value)
    assert "\n" not in str(info.value)


def test_flaw_truth_loads(case_dir):
    flaw = load_case(case_dir).flaw
    assert flaw.cwe == [476] and flaw.cls == "memory-spatial"
    assert [(loc.at, loc.role) for loc in flaw.locations] == [("repro.c:7", "write")]
    assert flaw.locations[0].cwe == 476  # a location without its own cwe takes the flaw's first


def test_a_location_names_its_own_cwe(case_dir):
    p = case_dir / "case.toml"
    p.write_text(p.read_text().replace("cwe = [476]", "cwe = [476, 787]").replace('role = "write"', 'role = "write", cwe = 787'))
    flaw = load_case(case_dir).flaw
    assert flaw.locations[0].cwe == 787 and flaw.locations[0].as_dict()["cwe"] == 787


def test_flaw_line_follows_its_marker(case_dir):
    """Editing a repro so that the marked line moves makes the manifest fail to load, naming the field."""
    src = case_dir / "repro.c"
    src.write_text("/* a new first line */\n" + src.read_text())
    with pytest.raises(ManifestError, match="repro.c:7 has no BUG marker.*line.* 8") as info:
        load_case(case_dir)
    assert info.value.field == "flaw.locations[0].at"


def test_bad_toml_names_the_file(case_dir):
    (case_dir / "case.toml").write_text("id = ")
    with pytest.raises(ManifestError, match="not valid TOML"):
        load_case(case_dir)


def test_when_condition_that_does_not_match_skips_with_reason(case_dir):
    edit(case_dir, '[[expect]]\nlens = "plain"', '[[expect]]\nwhen = { arch = "riscv64" }\nlens = "plain"')
    case = load_case(case_dir)
    exp, why = case.expectation_for(case.runs(lenses=["plain"], variants=["bug"])[0])
    assert exp is None and "riscv64" in why and machine.facts()["arch"] in why


def test_explicit_profile_beats_general(case_dir):
    edit(case_dir, 'lenses = ["plain", "asan"]', 'lenses = ["plain", "asan"]\n\n[profiles]\nplain = ["O0", "O2"]')
    edit(case_dir, '[[expect]]\nlens = "asan"', '[[expect]]\nlens = "plain"\nprofile = "O2"\nsignal = "SIGILL"\n\n[[expect]]\nlens = "asan"')
    case = load_case(case_dir)
    o0, o2 = case.runs(lenses=["plain"], variants=["bug"])
    assert case.expectation_for(o0)[0].checks["signal"] == "SIGSEGV"
    assert case.expectation_for(o2)[0].checks["signal"] == "SIGILL"


def test_machine_matching():
    here = machine.facts()
    assert machine.matches({"arch": here["arch"]})
    assert not machine.matches({"arch": "not-" + here["arch"]})
    assert machine.matches({"compiler": "re:.*"})


def test_flaw_is_required(case_dir):
    p = case_dir / "case.toml"
    p.write_text(p.read_text().split("[flaw]")[0])
    with pytest.raises(ManifestError, match="every case needs its ground truth") as info:
        load_case(case_dir)
    assert info.value.field == "flaw"


def test_a_silent_lens_is_a_labelled_false_negative(case_dir):
    edit(case_dir, 'lens = "plain"\nsignal = "SIGSEGV"', 'lens = "plain"\nsignal = "none"')
    edit(case_dir, 'class = "memory-spatial"', 'class = "memory-spatial"\nmissed_by = { plain = "it is silent" }')
    assert load_case(case_dir).flaw.missed_by == {"plain": "it is silent"}


def test_picture_hints_are_words_never_coordinates(case_dir):
    edit(case_dir, 'title = "Fixture: NULL store"', 'title = "Fixture: NULL store"\npicture = { x = "10" }')
    with pytest.raises(ManifestError) as info:
        load_case(case_dir)
    assert info.value.field == "picture.x"


def test_when_can_name_the_luajit_build(monkeypatch):
    """`when = { luajit = ... }`: the LuaJIT inside lupa, matched by version prefix (Lua snapshot keys carry it)."""
    monkeypatch.setattr(machine, "luajit_fact", lambda: "luajit-2.1-1774896198")
    assert "luajit" in machine.FACT_NAMES
    assert machine.matches({"luajit": "luajit-2.1"}) and machine.matches({"luajit": "luajit"})
    assert machine.matches({"luajit": "luajit-2.1-1774896198"})
    assert not machine.matches({"luajit": "luajit-2.0"}) and not machine.matches({"luajit": "luajit-2.1-1"})
    assert machine.matches({"luajit": "re:luajit-2\\.1-17\\d+"})
