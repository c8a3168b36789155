"""The workshop features: show, --explain, filters, quiz, --bless and snapshot drift."""

import json
import shutil

from conftest import FIXTURE_CASES


def test_show_renders_story_code_and_expectations(cli):
    r = cli("show", "fx-null")
    assert r.returncode == 0, r.stderr
    assert "Fixture: NULL store" in r.stdout
    assert "store through NULL" in r.stdout  # the code, with its BUG line
    assert "SIGSEGV" in r.stdout  # the expectations table


def test_show_unknown_case_exit_2(cli):
    r = cli("show", "nope")
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_explain_prints_output_and_hint(cli, tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES / "fx-null", cases / "fx-null")
    toml = cases / "fx-null" / "case.toml"
    toml.write_text(toml.read_text() + '\n[explain]\nasan = "Read the first frame under the ERROR line."\n')
    r = cli("run", "fx-null", "--lens", "asan", "--explain", cases=cases)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "AddressSanitizer: SEGV" in r.stdout
    assert "look at: Read the first frame under the ERROR line." in r.stdout


def test_filters_select_by_observed_signal_kind_tag_language(cli):
    def ids(*args):
        r = cli("list", "--json", *args)
        assert r.returncode == 0, r.stderr
        return sorted(c["id"] for c in json.loads(r.stdout))

    assert ids("--signal", "SIGSEGV") == ["fx-null"]
    assert ids("--kind", "dead*") == ["fx-escape", "fx-hang", "fx-sleep"]
    assert ids("--tag", "concurrency") == ["fx-hang"]
    assert ids("--language", "c") == ["fx-null"]
    assert ids("--kind", "heap-*") == []


def test_quiz_with_answers_file_scores(cli, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"fx-null:plain": "sigsegv", "fx-null:asan": "heap-buffer-overflow"}))
    r = cli("quiz", "fx-null", "--answers", answers, "--dir", tmp_path / "progress")
    assert r.returncode == 0, r.stderr
    assert "score: 1/2" in r.stdout


def test_quiz_reads_piped_answers_one_per_line(cli, tmp_path):
    r = cli("quiz", "fx-null", "--dir", tmp_path / "progress", stdin=None, input="segfault\nSEGV\n")
    assert r.returncode == 0, r.stderr
    assert "score: 2/2" in r.stdout
    r = cli("quiz", "fx-null", "--dir", tmp_path / "progress", stdin=None, input="")  # no answer: wrong, not an error
    assert r.returncode == 0 and "score: 0/2" in r.stdout


def test_bless_then_drift_is_shown(cli, tmp_path):
    cases = tmp_path / "cases"
    shutil.copytree(FIXTURE_CASES / "fx-null", cases / "fx-null")
    r = cli("run", "fx-null", "--lens", "asan", "--bless", cases=cases)
    assert r.returncode == 0, r.stderr
    snaps = sorted((cases / "fx-null" / "snapshots").rglob("*.txt"))
    assert [p.name for p in snaps] == ["bug.asan.asan.txt", "fixed.asan.asan.txt"]
    text = snaps[0].read_text()
    assert "AddressSanitizer: SEGV" in text
    assert "==PID==" in text and "0xADDR" in text and str(cases) not in text  # scrubbed
    clean = cli("run", "fx-null", "--lens", "asan", cases=cases)
    assert "snapshot drift" not in clean.stderr, clean.stderr  # normalized: a rerun does not drift
    snaps[0].write_text(text.replace("SEGV on unknown address", "SEGV at a famous address"))
    drifted = cli("run", "fx-null", "--lens", "asan", cases=cases)
    assert drifted.returncode == 0 and "snapshot drift: fx-null[bug-asan-asan]" in drifted.stderr
    assert "+==PID==ERROR: AddressSanitizer: SEGV on unknown address" in drifted.stderr
    strict = cli("run", "fx-null", "--lens", "asan", "--strict", cases=cases)
    assert strict.returncode == 1
