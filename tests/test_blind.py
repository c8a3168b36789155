"""Blind scoring: analyzers see only the code, never the answers (issue 17).

The view (units, names, the way back), the export and its key, the proof that answers do not leak
(two cheats at chance, no answer in any exported file), and that a unit builds where its case built."""

import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURE_CASES, ROOT, concurrently
from harness.corpus.discover import load_all
from harness.corpus.manifest import VARIANTS
from harness.corpus.strip import MARKER_RE, language_of, strip_source
from harness.scoring import blind, score
from harness.scoring.analyzers import Analyzer, BlindCase, Finding, Result

CORPUS = load_all(ROOT / "cases")
BY_ID = {c.id: c for c in CORPUS}


# ---- the view ---------------------------------------------------------------------------------------


def test_units_are_numbered_from_the_seed_and_name_nothing():
    units = blind.plan(CORPUS)
    names = [u.name for u in units]
    assert len(names) == 2 * len(CORPUS) == len(set(names))
    assert all(re.fullmatch(r"unit-\d{4}", n) for n in names)
    again = {(u.case.id, u.variant): u.name for u in blind.plan(CORPUS)}
    assert again == {(u.case.id, u.variant): u.name for u in units}  # the same seed, the same view
    other = {(u.case.id, u.variant): u.name for u in blind.plan(CORPUS, seed=4)}
    assert other != again
    # shuffled: neither the case order nor bug-before-fixed survives in the numbering
    in_case_order = [again[(c.id, v)] for c in sorted(CORPUS, key=lambda c: c.id) for v in VARIANTS]
    assert in_case_order != sorted(in_case_order)
    bug_first = sum(again[(c.id, "bug")] < again[(c.id, "fixed")] for c in CORPUS)
    assert 0.3 * len(CORPUS) < bug_first < 0.7 * len(CORPUS), bug_first


class Recorder(Analyzer):
    """A plug-in that writes down what it was given, and reports line 58 of the unit's main source."""

    name = "recorder"
    languages = ("c", "cpp", "python", "lua")

    def __init__(self):
        self.seen = []

    def analyze(self, case, variant, workdir):
        from harness.analyzers import scan_files

        self.seen.append((case, variant, [str(p) for p in scan_files(case, variant)]))
        return Result(findings=[Finding(str(case.source(variant)), 58, [415], "r", "reported at main:58"),
                                Finding("main.c", 58, [415], "r", "the same, relative to the unit"),
                                Finding("repro.c", 58, [415], "guess", "a guessed case file name: outside the unit")])  # fmt: skip


def test_a_plug_in_gets_a_blind_case_and_its_findings_come_back_as_case_files():
    cases = [BY_ID["double-free"], BY_ID["initialization-order-fiasco"]]
    rec = Recorder()
    board = score.run_scoring([rec], cases)
    assert board["view"] == "blind" and board["analyzers"]["recorder"]["view"] == "blind"
    assert len(rec.seen) == 4
    for case, variant, files in rec.seen:
        assert isinstance(case, BlindCase) and variant == "unit"
        assert re.fullmatch(r"unit-\d{4}", case.id) and case.path.name == case.id
        assert case.source("bug") == case.source("fixed") == case.path / case.variants["unit"]
        assert case.variants["unit"] in ("main.c", "main.cpp") and files[0].endswith(case.variants["unit"])
        assert not case.title and not case.tags and case.flaw is None and not case.expectations
        for text in [case.id, str(case.path), *files]:
            assert not any(c.id in text for c in CORPUS) and not re.search(r"repro|fixed|bug", text), text
    fiasco = [files for case, _, files in rec.seen if case.language == "cpp"]
    assert [sorted(p.rsplit("/", 1)[1] for p in f) for f in fiasco] == [["limits.cpp", "main.cpp"]] * 2
    assert {c.build["sources"][0] for c, _, _ in rec.seen if c.language == "cpp"} == {"limits.cpp"}
    units = {(u["case"], u["variant"]): u for u in board["analyzers"]["recorder"]["units"]}
    df = units[("double-free", "bug")]
    assert [(f["file"], f["line"]) for f in df["findings"]] == [("repro.c", 58), ("repro.c", 58)]
    assert df["outcome"]["line"] == ["tp"] and df["detail"]["outside_unit"] == 1  # the guess counts for nothing
    assert units[("double-free", "fixed")]["findings"][0]["file"] == "fixed.c"
    assert re.fullmatch(r"unit-\d{4}", df["unit"])
    # sighted, the same plug-in gets the case itself, and its guess lands
    sighted = Recorder()
    board = score.run_scoring([sighted], cases[:1], sighted=True)
    assert board["view"] == "sighted" and sighted.seen[0][0].id == "double-free" and sighted.seen[0][1] == "bug"


def test_a_command_analyzer_sees_only_unit_names(cli, tmp_path):
    log = tmp_path / "argv.txt"
    script = tmp_path / "tool.py"
    script.write_text(
        "import json, sys\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "print(json.dumps({'version': '2.1.0', 'runs': [{'tool': {'driver': {'name': 't'}}, 'results': []}]}))\n"
    )
    r = cli("score", "fx-null", "--analyzer", f"t={sys.executable} {script} {{case}} {{variant}} {{case_dir}} {{source}} {{sources}}")
    assert r.returncode == 0, r.stderr
    assert "blind view" in r.stdout.splitlines()[0]
    lines = log.read_text().splitlines()
    assert len(lines) == 2
    for line in lines:
        unit, variant, folder, source, *sources = line.split()
        assert re.fullmatch(r"unit-\d{4}", unit) and variant == "unit" and folder.endswith("/" + unit)
        assert source == f"{folder}/main.c" and sources == [source]
        assert "fx-null" not in line and "repro" not in line and "fixed" not in line
    r = cli("score", "fx-null", "--sighted", "--json", "--analyzer", f"t={sys.executable} {script} {{case}} {{variant}}")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["view"] == "sighted" and "SIGHTED" in r.stderr
    assert log.read_text().splitlines()[2:] == ["fx-null bug", "fx-null fixed"]
    r = cli("score", "fx-null", "--sighted", "--analyzer", f"t={sys.executable} {script} {{case}}")
    assert "SIGHTED" in r.stdout.splitlines()[0]


@pytest.mark.parametrize("case", [c for c in CORPUS if c.language in ("c", "cpp")], ids=lambda c: c.id)
def test_a_unit_compiles_where_its_case_compiled(case, tmp_path):
    """gcc-fanalyzer and clang-analyzer compile the unit: with the manifest's flags, every C/C++ source of
    every unit compiles (the original compiles in every run of the corpus)."""
    from harness.execution.build import compiler_for

    for variant in VARIANTS:
        [unit] = [u for u in blind.plan([case]) if u.variant == variant]
        bc = blind.write_unit(unit, tmp_path / unit.name)
        sources = [bc.path / f for f in bc.files if (bc.path / f).suffix in blind.COMPILED]
        assert sources and sources[0] == bc.source()
        for src in sources:
            argv = [compiler_for(bc, "O0"), "-fsyntax-only", "-Wall", "-pthread", *bc.build.get("cflags", []), str(src)]
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
            assert proc.returncode == 0, (variant, src.name, proc.stderr[-2000:])


def test_a_two_source_unit_links_as_its_case_does(tmp_path):
    """initialization-order-fiasco's unit holds main.cpp and limits.cpp; the harness's own build links it."""
    from harness.execution import build

    case = BY_ID["initialization-order-fiasco"]
    [unit] = [u for u in blind.plan([case]) if u.variant == "bug"]
    bc = blind.write_unit(unit, tmp_path / unit.name)
    exe = build.build_exe(bc, "unit", "O0")
    assert exe.path.is_file() and exe.path.name == f"{unit.name}-unit"


# ---- the export and its key ---------------------------------------------------------------------------


def test_the_exported_tree_carries_no_answer(cli, tmp_path):
    """The whole corpus exported: no case id, no BUG/FIX marker, no comment anywhere in DIR; the key beside it."""
    dest = tmp_path / "view"
    r = cli("export", "--blind", dest, "--seed", "5", cases=ROOT / "cases", timeout=300)
    assert r.returncode == 0, r.stderr
    key = json.loads((tmp_path / "view.key.json").read_text())
    assert key["seed"] == 5 and len(key["units"]) == 2 * len(CORPUS)
    assert sorted(p.name for p in dest.iterdir()) == sorted([*key["units"], "units.json"])
    ids = sorted((c.id for c in CORPUS), key=len, reverse=True)
    checked = 0
    for path in sorted(dest.rglob("*")):
        if path.is_dir():
            assert re.fullmatch(r"unit-\d{4}", path.name) and path.parent == dest
            continue
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(dest).as_posix()
        assert not any(i in text or i in rel for i in ids), rel
        assert not MARKER_RE.search(text), (rel, [ln for ln in text.splitlines() if MARKER_RE.search(ln)])
        assert not re.search(r"(?i)repro|fixed", rel), rel
        lang = language_of(path)
        if lang:
            assert strip_source(text, lang) == text, rel  # nothing left to strip: no comment, no docstring
            checked += 1
    assert checked >= 2 * len(CORPUS)
    index = json.loads((dest / "units.json").read_text())
    assert {u["unit"] for u in index["units"]} == set(key["units"])


def test_export_refuses_a_key_inside_the_view_and_a_used_folder(cli, tmp_path):
    dest = tmp_path / "v"
    r = cli("export", "--blind", dest, "--key", dest / "k.json", "fx-null")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "inside" in r.stderr
    assert not dest.exists() or not any(dest.iterdir())
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("")
    r = cli("export", "--blind", tmp_path / "used", "fx-null")
    assert r.returncode == 2 and "not an empty directory" in r.stderr
    r = cli("export", "--blind", dest, "--key", tmp_path / "keys" / "k.json", "fx-null")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "keys" / "k.json").is_file() and not (tmp_path / "v.key.json").exists()


def _sarif(*results, version="2.1.0"):
    return json.dumps({"version": version, "runs": [{"tool": {"driver": {"name": "outside"}}, "results": [
        {"ruleId": rule, "level": level, "message": {"text": rule}, "properties": {"cwe": f"CWE-{cwe}"},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line}}}]}
        for uri, line, cwe, rule, level in results]}]})  # fmt: skip


def test_score_an_outside_pipeline_through_the_key(cli, tmp_path):
    """export, a pipeline that never sees crashcourse writes SARIF on unit paths, score --sarif --key."""
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES / "fx-null", cases / "fx-null")
    dest = tmp_path / "view"
    r = cli("export", "--blind", dest, cases=cases)
    assert r.returncode == 0, r.stderr
    key = json.loads((tmp_path / "view.key.json").read_text())
    bug = next(n for n, u in key["units"].items() if u["variant"] == "bug")
    fixed = next(n for n, u in key["units"].items() if u["variant"] == "fixed")
    assert (dest / bug / "main.c").read_text().splitlines()[6].strip() == "*p = 1;"
    found = tmp_path / "found.sarif"
    found.write_text(_sarif((f"{bug}/main.c", 7, 476, "null-store", "error"),
                            (f"file://{dest}/{fixed}/main.c", 4, 476, "style", "note")))  # fmt: skip
    key_file = tmp_path / "view.key.json"
    r, warnings = concurrently(  # two independent runs
        lambda: cli("score", "--sarif", found, "--key", key_file, "--json", cases=cases),
        lambda: cli("score", "--sarif", found, "--key", key_file, "--json", "--min-level", "warning", cases=cases),
    )
    assert r.returncode == 0, r.stderr
    board = json.loads(r.stdout)
    a = board["analyzers"]["outside"]
    assert board["view"] == "blind" and a["view"] == "blind" and board["seed"] == key["seed"]
    assert a["cells"]["fx-null"] == {"state": "caught", "false_alarm": True, "cwe_ok": True, "found": ["null-store"]}
    r = warnings
    assert json.loads(r.stdout)["analyzers"]["outside"]["cells"]["fx-null"]["false_alarm"] is False  # the note is dropped
    # the case moved on since the export: its units are errors, not silently misjudged
    src = cases / "fx-null" / "repro.c"
    src.write_text(src.read_text().replace("volatile int *p = NULL;", "volatile int *p = 0;"))
    old = tmp_path / "old.sarif"
    old.write_text(_sarif((f"{bug}/main.c", 7, 476, "x", "error"), version="2.0.0"))
    bad_args = (["--sarif", found], ["--key", key_file, "--analyzer", "cppcheck"], ["--sarif", found, "--key", found])
    r, *bad, r_old = concurrently(  # from here on the runs are independent of each other, all on the changed case
        lambda: cli("score", "--sarif", found, "--key", key_file, "--json", cases=cases),
        *[lambda args=args: cli("score", *args, cases=cases) for args in bad_args],
        lambda: cli("score", "--sarif", old, "--key", key_file, cases=cases),
    )
    assert r.returncode == 1
    [err] = [u for u in json.loads(r.stdout)["analyzers"]["outside"]["units"] if u["status"] == "error"]
    assert "changed since the export (repro.c)" in err["reason"]
    # bad input: one line, exit 2
    for args, r in zip(bad_args, bad, strict=True):
        assert r.returncode == 2 and r.stderr.count("\n") == 1, (args, r.stderr)
    r = r_old
    assert r.returncode == 2 and "SARIF version '2.0.0': only SARIF 2.1.0 is read" in r.stderr


# ---- the proof: cheats at chance ----------------------------------------------------------------------


class MarkerGrep(Analyzer):
    """The 10-line 'analyzer' of issue 17: every line containing BUG."""

    name = "marker-grep"

    def analyze(self, case, variant, workdir):
        from harness.analyzers import scan_files

        return Result(findings=[Finding(str(p), n, [], "BUG", line.strip()[:80]) for p in scan_files(case, variant)
                                for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1) if "BUG" in line])  # fmt: skip


COMMENT_RE = re.compile(r"(?://|#|--|/\*)(.*)$")
BUG_WORDS = re.compile(r"(?i)\b(free|freed|overflow|race|racy|lock|leak|leaks)\b")


class CommentWords(Analyzer):
    """Every line whose comment names a bug word: free, overflow, race, lock, leak."""

    name = "comment-words"

    def analyze(self, case, variant, workdir):
        from harness.analyzers import scan_files

        out = []
        for p in scan_files(case, variant):
            for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
                m = COMMENT_RE.search(line)
                if m and BUG_WORDS.search(m[1]):
                    out.append(Finding(str(p), n, [], "comment", m[1].strip()[:80]))
        return Result(findings=out)


CHEATS = {}


@pytest.fixture(scope="module")
def cheats():
    """Both cheats over the whole corpus, blind and sighted (the sighted figures are why blind is the default)."""
    if not CHEATS:
        for view in ("blind", "sighted"):
            CHEATS[view] = score.run_scoring([MarkerGrep(), CommentWords()], CORPUS, sighted=view == "sighted")["analyzers"]
    return CHEATS


# one xdist worker for the four tests of the cheats: the module fixture scores the whole corpus once, not once per worker
@pytest.mark.xdist_group("blind-cheats")
@pytest.mark.parametrize("name", ["marker-grep", "comment-words"])
def test_a_cheat_scores_at_chance_blind(cheats, name):
    line = cheats["blind"][name]["levels"]["line"]
    assert line["tp"] + line["fn"] == len(CORPUS)
    assert line["recall"] <= 0.05, line


@pytest.mark.xdist_group("blind-cheats")
@pytest.mark.parametrize("name,floor", [("marker-grep", 0.9), ("comment-words", 0.15)])  # observed: 1.00 and 0.18
def test_the_same_cheat_sighted_is_why_blind_is_the_default(cheats, name, floor):
    line = cheats["sighted"][name]["levels"]["line"]
    print(f"{name} sighted: line P {line['precision']} R {line['recall']} F1 {line['f1']}; "
          f"blind: R {cheats['blind'][name]['levels']['line']['recall']}")
    assert line["recall"] >= floor, line
