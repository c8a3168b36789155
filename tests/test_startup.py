"""What a command keeps in the cache so that the next one starts faster, and that it never keeps a wrong answer."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.corpus import machine
from harness.corpus.manifest import load_case
from harness.errors import ManifestError

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "cases" / "fx-null"


def _copy_case(tmp_path: Path) -> Path:
    folder = tmp_path / "cases" / "fx-null"
    folder.mkdir(parents=True)
    for p in FIXTURE.iterdir():
        if p.is_file():
            (folder / p.name).write_bytes(p.read_bytes())
    return folder


def test_a_parsed_manifest_is_kept_by_its_text_and_an_edit_is_parsed_afresh(tmp_path, monkeypatch):
    monkeypatch.setenv("CRASHCOURSE_CACHE", str(tmp_path / "cache"))
    folder = _copy_case(tmp_path)
    first = load_case(folder)
    kept = list((tmp_path / "cache" / "manifests").glob("*.json"))
    assert len(kept) == 1
    again = load_case(folder)
    assert (again.title, again.expectations) == (first.title, first.expectations)

    toml = folder / "case.toml"
    toml.write_text(toml.read_text().replace(f'title = "{first.title}"', 'title = "an edited title"'))
    assert load_case(folder).title == "an edited title"  # a new text: parsed, not the kept copy
    assert len(list((tmp_path / "cache" / "manifests").glob("*.json"))) == 2


def test_a_warm_one_case_command_does_not_import_tomllib(tmp_path):
    folder = _copy_case(tmp_path)
    code = (
        "import sys; from pathlib import Path; from harness.corpus.manifest import load_case; "
        f"load_case(Path({str(folder)!r})); print('tomllib' in sys.modules)"
    )
    env = dict(os.environ, CRASHCOURSE_CACHE=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT) for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == ["True", "False"], [r.stderr for r in runs]


def test_a_kept_manifest_is_still_validated(tmp_path, monkeypatch):
    """The kept copy is the TOML's data, not a verdict: the manifest's checks run on it every time."""
    monkeypatch.setenv("CRASHCOURSE_CACHE", str(tmp_path / "cache"))
    folder = _copy_case(tmp_path)
    load_case(folder)
    [kept] = (tmp_path / "cache" / "manifests").glob("*.json")
    data = json.loads(kept.read_text())
    data["id"] = "another-id"  # what a kept copy written by a buggy version could hold
    kept.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="another-id"):
        load_case(folder)


def test_a_compilers_answer_is_kept_per_compiler_file(tmp_path, monkeypatch):
    """`cc -dumpfullversion` once per compiler file: the same file is not asked again; another file
    (an update, a switched alternative) is."""
    monkeypatch.setenv("CRASHCOURSE_CACHE", str(tmp_path / "cache"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    cc = bin_dir / "gcc-fake"
    cc.write_text(f"#!/bin/sh\necho \"$1\" >> {calls}\necho 12.2.0\n")
    cc.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")

    def ask() -> str | None:
        machine.compiler_says.cache_clear()  # a new command
        return machine.compiler_says("gcc-fake", "-dumpfullversion")

    assert ask() == "12.2.0\n" and ask() == "12.2.0\n"
    assert calls.read_text().splitlines() == ["-dumpfullversion"]
    cc.write_text(f"#!/bin/sh\necho \"$1\" >> {calls}\necho 13.10.0\n")  # the compiler was updated (another size)
    assert ask() == "13.10.0\n"
    assert calls.read_text().splitlines() == ["-dumpfullversion"] * 2
    machine.compiler_says.cache_clear()
    assert machine.compiler_says("no-such-compiler-here", "--version") is None


def test_the_interpreters_paths_are_kept_and_match_sysconfig(tmp_path, monkeypatch):
    """The snapshot rules name site-packages and the stdlib by sysconfig's paths; the next command reads them
    from the cache (interpreters.json, per interpreter) instead of importing sysconfig; a broken entry is asked again."""
    import sysconfig

    from harness.pipeline import snapshots

    cache = tmp_path / "cache"
    want = (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"])
    assert snapshots._python_paths(str(cache)) == want
    [(key, kept)] = json.loads((cache / "interpreters.json").read_text()).items()
    assert tuple(kept) == want and sys.prefix in key
    (cache / "interpreters.json").write_text(json.dumps({key: ["only one"]}))
    assert snapshots._python_paths(str(cache)) == want  # not two strings: asked again, and kept right
    assert tuple(json.loads((cache / "interpreters.json").read_text())[key]) == want
    code = ("import sys; from harness.pipeline import snapshots; snapshots._path_rules(); "
            "print('sysconfig' in sys.modules)")  # fmt: skip
    env = dict(os.environ, CRASHCOURSE_CACHE=str(cache))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "False"
