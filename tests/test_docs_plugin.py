"""The docs' plug-in is real: the code block and the entry point of docs/analyzer-corpus.md, installed
as a package of their own and scored; and wherever the docs mention pytest, they say how to install it."""

import json
import os
import re
import subprocess
import sys
import tomllib

from conftest import FIXTURE_CASES, ROOT

DOC = ROOT / "docs" / "analyzer-corpus.md"


def example(name: str) -> str:
    """The fenced block right after `<!-- plugin-example: NAME -->`."""
    m = re.search(rf"<!-- plugin-example: {re.escape(name)} -->\n```\w+\n(.*?)\n```", DOC.read_text(), re.S)
    assert m, f"docs/analyzer-corpus.md has no plugin-example block {name}"
    return m[1] + "\n"


def test_the_documented_plug_in_installs_and_scores(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "cc_null_store.py").write_text(example("cc_null_store.py"))
    eps = tomllib.loads(example("pyproject.toml"))["project"]["entry-points"]["crashcourse.analyzers"]
    assert eps == {"null-store": "cc_null_store:NullStore"}
    meta = site / "cc_null_store-0.1.dist-info"  # what `pip install .` leaves behind, without pip
    meta.mkdir()
    (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: cc-null-store\nVersion: 0.1\n")
    (meta / "entry_points.txt").write_text("[crashcourse.analyzers]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()))
    env = dict(os.environ, PYTHONPATH=f"{site}{os.pathsep}{ROOT}", CRASHCOURSE_CASES=str(FIXTURE_CASES))
    r = subprocess.run([sys.executable, "-m", "harness", "score", "--analyzer", "null-store", "--json"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    board = json.loads(r.stdout)
    a = board["analyzers"]["null-store"]
    assert board["view"] == "blind" and a["view"] == "blind"
    assert a["cells"]["fx-null"] | {"state": "caught", "false_alarm": False, "cwe_ok": True} == a["cells"]["fx-null"]
    assert [u["findings"][0]["file"] for u in a["units"] if u["findings"]] == ["repro.c"]  # found as main.c:7
    assert {a["cells"][c]["state"] for c in ("fx-escape", "fx-hang", "fx-sleep")} == {"n/a"}  # languages = ("c", "cpp")
    assert a["errors"] == 0


def test_every_doc_that_mentions_pytest_says_how_to_install_it():
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "tests" / "analyzer_plugin" / "README.md"]
    mention = [d for d in docs if "pytest" in d.read_text()]
    assert ROOT / "README.md" in mention and DOC in mention
    for d in mention:
        assert "pip install -e '.[test]'" in d.read_text(), d.relative_to(ROOT)
