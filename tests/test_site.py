"""The case site: harness/teaching/site.py's rendering (unit tests), and the built site in headless Chromium.

The browser tests build each site once per session with `mkdocs build --strict` (shared by the xdist
workers), serve it on 127.0.0.1 and load its pages in one headless Chromium, driven through its
ChromeDriver by selenium. Screenshots go to $CRASHCOURSE_ARTIFACTS
(or a temp dir); their paths are printed. Without mkdocs (pip install -e '.[docs]'), selenium
(pip install -e '.[test]') or Chromium (apt-get install -y chromium chromium-driver) those tests are
skipped, saying which.

They run against tests/fixtures/site/cases (three small cases with real, blessed snapshots); the test
for the corpus page `luajit-ffi-copy-off-by-one` is skipped until that case's ASan snapshot is blessed
and the corpus loads.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from harness.corpus.discover import load_all
from harness.pipeline.snapshots import parse_snapshot
from harness.teaching import site

ROOT = Path(__file__).resolve().parent.parent
SITE_CASES = ROOT / "tests" / "fixtures" / "site" / "cases"
CORPUS_CASE = "luajit-ffi-copy-off-by-one"
ASAN_TEXT = "AddressSanitizer: heap-buffer-overflow"


@pytest.fixture(scope="module")
def fx_cases():
    return {c.id: c for c in load_all(SITE_CASES)}


# ---------------------------------------------------------------------------------------------
# unit tests: harness/teaching/site.py


def test_marked_lines_finds_comment_markers_in_every_language():
    c = "int a;\nfree(s);   // BUG: second free\n/* BUG: block comment */\nx = 1; /* FIX: not a bug marker */\n"
    assert site.marked_lines(c) == [2, 3]
    assert site.marked_lines(c, "FIX") == [4]
    assert site.marked_lines("local x\nreturn t.a -- BUG: t is nil\n") == [2]
    assert site.marked_lines("with lock:  # BUG: held across await\n") == [1]


def test_marked_lines_ignores_a_marker_quoted_in_prose():
    text = "# The bug: the line marked `# BUG:`; its twin uses anyio.Lock.\nx = 1  # BUG: real\n"
    assert site.marked_lines(text) == [2]
    assert site.marked_lines("no markers here\nBUG: without a comment\n") == []


def test_source_block_carries_hl_lines_and_title():
    block = site.source_block("a\nb\nc\n", "c", "repro.c", [2, 3])
    first = block.splitlines()[0]
    assert first.startswith("```c ")
    assert 'hl_lines="2 3"' in first and 'title="repro.c"' in first and 'linenums="1"' in first
    assert "hl_lines" not in site.source_block("a\n", "lua", "repro.lua", [])


def test_fixture_page_highlights_the_bug_line(fx_cases):
    case = fx_cases["fx-heap-overflow"]
    want = site.marked_lines(case.source("bug").read_text())
    assert want == [15]
    assert 'hl_lines="15"' in site.render_case(case)


def test_unified_diff_is_a_real_diff():
    old, new = "a\nb\nc\n", "a\nB\nc\n"
    d = site.unified_diff(old, new, "repro.c", "fixed.c")
    assert d.splitlines()[:3] == ["--- repro.c", "+++ fixed.c", "@@ -1,3 +1,3 @@"]
    assert "-b" in d.splitlines() and "+B" in d.splitlines()
    assert site.unified_diff(old, old, "x", "y") == ""
    assert "\\ No newline at end of file" in site.unified_diff("a", "b", "x", "y")


def test_diff_block_is_fenced_as_diff_and_survives_backticks():
    block = site.diff_block("x = 1\n", "x = '```'\n", "repro.py", "fixed.py")
    fence = block.splitlines()[0]
    assert fence.startswith("````diff")  # longer than the ``` inside
    assert block.rstrip().endswith("````")
    assert "identical" in site.diff_block("a\n", "a\n", "x", "y")


def test_demote_readme_drops_the_title_and_shifts_headings():
    md = "# Double free\n\nIntro.\n\n## What happens\n\n```sh\n# a shell comment\n```\n### Deeper\n"
    out = site.demote_readme(md)
    assert "# Double free" not in out
    assert "### What happens" in out and "#### Deeper" in out
    assert "\n# a shell comment\n" in out  # code untouched
    # a README without a title keeps its first heading (demoted)
    assert site.demote_readme("## Only\ntext\n").startswith("### Only")


def test_a_story_link_to_another_case_goes_to_its_page():
    text = "see [x](../null-member-access/README.md) and [y](../a-b/README.md#fix), not [z](http://h/README.md)"
    assert site.case_links(text) == "see [x](../null-member-access/index.md) and [y](../a-b/index.md#fix), not [z](http://h/README.md)"


def test_parse_snapshot_and_gdb_backtrace():
    text = (
        "# crashcourse snapshot: x · bug · gdb@O0\n# observed: SIGSEGV (core dumped)\n"
        "# message: boom\n# frames: f < f < main\n--- stderr ---\n"
        "#0  0xADDR in f (c=0x0) at r.c:9\n9\t    return c->t;\n#0  0xADDR in f (c=0x0) at r.c:9\n"
        "#1  0xADDR in main () at m.c:17\n--- stdout ---\nhello\n"
    )
    snap = parse_snapshot(text)
    assert snap.observed == "SIGSEGV (core dumped)" and snap.message == "boom"
    assert snap.frames == ["f", "f", "main"]
    assert snap.stdout == "hello" and snap.stderr.startswith("#0")
    assert snap.backtrace() == ["#0  0xADDR in f (c=0x0) at r.c:9", "#1  0xADDR in main () at m.c:17"]
    assert not snap.clean and parse_snapshot("# observed: clean (exit 0)\n").clean


def test_groups_use_language_and_tags(fx_cases):
    assert site.group_of(fx_cases["fx-heap-overflow"]) == "memory"
    assert site.group_of(fx_cases["fx-null-deref"]) == "signals"
    assert site.group_of(fx_cases["fx-lua-error"]) == "lua"
    groups = site.grouped(fx_cases.values())
    assert [g.key for g, _ in groups] == ["memory", "signals", "lua"]  # GROUPS order, empty ones left out
    index = site.render_index(list(fx_cases.values()))
    heads = re.findall(r"^### (.+?) \(\d+\) \{ \.cc-group \}$", index, re.M)
    assert heads == ["Memory errors", "Signals", "Lua and LuaJIT"]
    assert 'id="cc-filter"' in index and "By language: " in index
    row = next(ln for ln in index.splitlines() if "fx-heap-overflow" in ln)
    assert "`heap-buffer-overflow`" in row and "plain, asan" in row and "https://example.invalid/fixture" in row


def test_shows_lists_signals_then_kinds(fx_cases):
    assert site.shows(fx_cases["fx-null-deref"]) == ["SIGSEGV", "invalid-read"]
    assert site.shows(fx_cases["fx-heap-overflow"]) == ["heap-buffer-overflow"]


def test_case_page_shows_real_output_and_never_invents_it(fx_cases, tmp_path):
    case = fx_cases["fx-null-deref"]
    page = site.render_case(case)
    assert '=== "plain"' in page and '=== "gdb"' in page and '=== "valgrind"' in page
    assert "#1  0xADDR in cc_main () at" in page  # the gdb backtrace, from the snapshot
    assert "No captured output yet: bug · valgrind@O0" in page  # skipped here: never blessed
    assert f"crashcourse run {case.id} --lens valgrind --bless" in page
    assert "arch=riscv64" in page  # the `when` condition, in the table and in the note
    # with no snapshots at all, every run says so and no output block appears
    bare = site.render_case(case, snapshots={})
    assert bare.count("No captured output yet") == len(case.lenses)  # one note per lens and profile
    assert "No captured output yet: gdb@O0, bug and fixed twin" in bare
    assert "captured on" not in bare and "0xADDR" not in bare


def test_case_page_commands_exist_in_the_cli(fx_cases):
    case = fx_cases["fx-heap-overflow"]
    cmds = [c for c, _ in site.commands(case)]
    assert f"crashcourse run {case.id}" in cmds and f"crashcourse show {case.id}" in cmds
    assert f"crashcourse run {case.id} --lens asan" in cmds
    from harness.cli import run_flags

    assert set(site.ALL_RUN_FLAGS) <= run_flags()  # every flag a page may show exists in the CLI
    assert f"crashcourse run {case.id} --explain" in cmds
    assert f"crashcourse run {case.id} --explain" not in [c for c, _ in site.commands(case, {"--output"})]


def test_expectations_table_has_when_and_notes(fx_cases):
    page = site.render_case(fx_cases["fx-heap-overflow"])
    table = page[page.index("## Expectations") : page.index("## Try it yourself")]
    assert "| variant | lens | profile | expected | also checked | when | note |" in table
    assert "the write lands in malloc's slack" in table
    assert "implied: the fixed twin runs clean" in table


def test_nav_lists_every_case_under_its_group(fx_cases):
    nav = site.nav(list(fx_cases.values()))
    flat = {title: [p for d in items for p in d.values()] for sec in nav for title, items in sec.items()}
    assert flat == {
        "Memory errors": ["cases/fx-heap-overflow/index.md"],
        "Signals": ["cases/fx-null-deref/index.md"],
        "Lua and LuaJIT": ["cases/fx-lua-error/index.md"],
    }


# ---------------------------------------------------------------------------------------------
# the built site, in a browser


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if p := shutil.which(name):
            return p
    return None


def _docs_tools_missing() -> list[str]:
    return [m for m in ("mkdocs", "material", "mkdocs_gen_files") if importlib.util.find_spec(m) is None]


def _need_docs_tools():
    if missing := _docs_tools_missing():
        pytest.skip(f"site build needs {', '.join(missing)}: pip install -e '.[docs]'")


def _browser_missing() -> str | None:
    if not _chromium():
        return "browser test needs Chromium: apt-get update && apt-get install -y chromium chromium-driver"
    if not shutil.which("chromedriver"):
        return "browser test needs ChromeDriver (Chromium's own): apt-get install -y chromium-driver"
    if importlib.util.find_spec("selenium") is None:
        return "browser test needs selenium: pip install -e '.[test]'"
    return None


def _need_browser() -> tuple[str, str]:
    if missing := _browser_missing():
        pytest.skip(missing)
    return _chromium(), shutil.which("chromedriver")


def build_site(cases_dir: Path, out: Path) -> None:
    env = dict(os.environ, CRASHCOURSE_CASES=str(cases_dir), DISABLE_MKDOCS_2_WARNING="true", NO_MKDOCS_2_WARNING="1")
    r = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, f"mkdocs build --strict failed:\n{r.stdout}\n{r.stderr}"


def shared_site(tmp_path_factory, name: str, cases_dir: Path) -> Path:
    """The site of `cases_dir`, built once per test session: the first xdist worker to ask builds it under
    a file lock in the session's shared temp dir, the others wait and reuse it."""
    import fcntl

    shared = _session_dir(tmp_path_factory)
    out = shared / f"site-{name}"
    with open(shared / f"site-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / ".built").exists():
            shutil.rmtree(out, ignore_errors=True)
            build_site(cases_dir, out)
            (out / ".built").write_text("ok")
    return out


def _session_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # popen-gwN's parent: the session's


class _Server:
    def __init__(self, directory: Path):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Browser:
    """One headless Chromium for every page check (through its own ChromeDriver; no download)."""

    def __init__(self, exe: str, driver: str, shots: Path, profile: Path):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        opts = webdriver.ChromeOptions()
        opts.binary_location = exe
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--hide-scrollbars", f"--user-data-dir={profile}"):  # fmt: skip
            opts.add_argument(arg)
        self.driver = webdriver.Chrome(options=opts, service=Service(driver))
        self.driver.set_page_load_timeout(60)
        self.shots = shots
        self.loaded: tuple[str, int] | None = None

    def load(self, url: str, height: int) -> None:
        """`url` in a window 1280 pixels wide and `height` high, freshly loaded (its scripts ran)."""
        self.driver.set_window_size(1280, height)
        self.driver.get(url)
        self.loaded = (url, height)

    def dom(self, url: str, height: int = 2000) -> str:
        """The document after its scripts ran (what `chromium --dump-dom` printed), loaded afresh; a
        screenshot of the same url and height right after it shows this very load."""
        self.load(url, height)
        dom = self.driver.execute_script("return document.documentElement.outerHTML")
        assert dom and dom.strip(), f"chromium gave no DOM for {url}"
        return dom

    def screenshot(self, url: str, name: str, height: int = 2000) -> Path:
        path = self.shots / name
        if self.loaded != (url, height):  # not what dom() just loaded: load it
            self.load(url, height)
        self.driver.save_screenshot(str(path))
        assert path.is_file() and path.stat().st_size > 10_000, f"no screenshot of {url}"
        print(f"screenshot: {path}")
        return path

    def close(self):
        self.driver.quit()


@pytest.fixture(scope="session")
def shots_dir(tmp_path_factory) -> Path:
    base = os.environ.get("CRASHCOURSE_ARTIFACTS")
    d = Path(base) / "site-screenshots" if base else tmp_path_factory.mktemp("site-screenshots")
    d.mkdir(parents=True, exist_ok=True)
    return d


@functools.cache
def _corpus_load_error() -> str | None:
    from harness.errors import ManifestError

    try:
        load_all(ROOT / "cases")
    except ManifestError as err:
        return str(err)
    return None


@pytest.fixture(scope="session")
def site_builds(request, tmp_path_factory):
    """The sites' builds (shared_site), started in the background by the first site fixture a worker sets up:
    the fixture site's, and the corpus site's when the session has a test that needs it and could run. They
    run while Chromium starts and the fixture site's pages are checked. {name: Future}; the session waits for
    them at its end, so no build outlives it. (Every test of corpus_site also takes the browser.)"""
    if _docs_tools_missing():
        yield {}
        return
    from concurrent.futures import ThreadPoolExecutor

    wanted = any("corpus_site" in getattr(item, "fixturenames", ()) for item in request.session.items)
    _session_dir(tmp_path_factory)  # the temp dirs are made here, not in the threads
    pool = ThreadPoolExecutor(2)
    builds = {"fixtures": pool.submit(shared_site, tmp_path_factory, "fixtures", SITE_CASES)}
    if wanted and not _browser_missing() and not _corpus_load_error():
        builds["corpus"] = pool.submit(shared_site, tmp_path_factory, "corpus", ROOT / "cases")
    yield builds
    pool.shutdown(wait=True)


@pytest.fixture(scope="session")
def fixture_site(site_builds, tmp_path_factory):
    _need_docs_tools()
    out = site_builds["fixtures"].result()
    server = _Server(out)
    yield out, server.url
    server.close()


@pytest.fixture(scope="session")
def browser(site_builds, shots_dir, tmp_path_factory):
    """Chromium; the page checks take it before fixture_site, so it starts while the sites build."""
    exe, driver = _need_browser()
    b = Browser(exe, driver, shots_dir, tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


# Every test that loads a page runs in one xdist group: one worker, one browser for all of them.
browser_group = pytest.mark.xdist_group("browser")


def _text(dom: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", dom))


def test_search_index_holds_case_text(fixture_site):
    out, _ = fixture_site
    index = json.loads((out / "search" / "search_index.json").read_text())
    text = " ".join(d.get("text", "") + " " + d.get("title", "") for d in index["docs"])
    assert "fx-heap-overflow" in text or "copy one byte too many" in text
    assert ASAN_TEXT in text  # captured output is searchable
    assert any(d["location"].startswith("writing-a-case/") for d in index["docs"])


@browser_group
def test_index_page_has_the_case_table(browser, fixture_site):
    _, url = fixture_site
    dom = browser.dom(url)
    assert re.search(r"<th[^>]*>case</th>.*?<th[^>]*>shows</th>", dom, re.S), "no case table header"
    for cid in ("fx-heap-overflow", "fx-null-deref", "fx-lua-error"):
        assert f'href="cases/{cid}/"' in dom
    text = _text(dom)
    for head in ("Memory errors", "Signals", "Lua and LuaJIT", "nox -s cases", "Write a new case"):
        assert head in text
    browser.screenshot(url, "index.png")


@browser_group
def test_case_page_shows_captured_asan_output(browser, fixture_site):
    out, url = fixture_site
    page = url + "cases/fx-heap-overflow/"
    text = _text(browser.dom(page, height=4000))
    assert ASAN_TEXT in text
    assert "WRITE of size 11" in text
    assert "--- repro.c" in text and "+++ fixed.c" in text  # the diff
    assert "crashcourse run fx-heap-overflow --lens asan" in text
    browser.screenshot(page, "fx-heap-overflow.png", height=4000)

    # without JavaScript: the same page with its scripts removed keeps `no-js`, and every tab's
    # content is in the document (site.css shows the blocks one after another; see the screenshot)
    html_text = (out / "cases" / "fx-heap-overflow" / "index.html").read_text()
    (out / "cases" / "fx-heap-overflow" / "nojs.html").write_text(re.sub(r"<script\b.*?</script>", "", html_text, flags=re.S))
    nojs = browser.dom(page + "nojs.html", height=5000)
    assert 'class="no-js"' in nojs and ASAN_TEXT in _text(nojs)
    browser.screenshot(page + "nojs.html", "fx-heap-overflow-nojs.png", height=5000)


@pytest.fixture(scope="session")
def corpus_site(site_builds, tmp_path_factory):
    """The real corpus's site, built once per session for the tests that look at its pages."""
    _need_docs_tools()
    if err := _corpus_load_error():
        pytest.skip(f"the corpus does not load yet: {err}")
    out = site_builds["corpus"].result() if "corpus" in site_builds else shared_site(tmp_path_factory, "corpus", ROOT / "cases")
    server = _Server(out)
    yield out, server.url
    server.close()


@browser_group
def test_corpus_case_page_shows_captured_asan_output(browser, corpus_site):
    from harness.pipeline.snapshots import stored

    corpus = ROOT / "cases"
    snaps = stored(corpus / CORPUS_CASE) if (corpus / CORPUS_CASE).is_dir() else {}
    if not any(ASAN_TEXT in t for runs in snaps.values() for k, t in runs.items() if k.startswith("bug.asan.")):
        pytest.skip(f"cases/{CORPUS_CASE} has no blessed bug.asan snapshot yet (crashcourse run {CORPUS_CASE} --bless)")
    _, url = corpus_site
    page = url + f"cases/{CORPUS_CASE}/"
    assert ASAN_TEXT in _text(browser.dom(page, height=4000))
    browser.screenshot(page, f"{CORPUS_CASE}.png", height=4000)
    browser.screenshot(url, "corpus-index.png")


@browser_group
def test_index_filter_keeps_matching_rows_and_hides_empty_groups(browser, corpus_site):
    """`?q=` pre-fills the home page's filter: only matching rows stay, and a group left empty is hidden."""
    _, url = corpus_site
    dom = browser.dom(url + "?q=heap-use-after-free", height=1400)
    m = re.search(r'id="cc-filter"[^>]*data-shown="(\d+)"|data-shown="(\d+)"[^>]*id="cc-filter"', dom)
    assert m, "the filter did not run"
    shown = int(m.group(1) or m.group(2))
    rows = re.findall(r"<tr(?: style=\"([^\"]*)\")?>(.*?)</tr>", dom, re.S)
    visible = [body for style, body in rows if "display: none" not in (style or "") and 'href="cases/' in body]
    assert shown == len(visible) > 0
    assert all("heap-use-after-free" in _text(body) for body in visible)
    assert re.search(r'<h3[^>]*class="cc-group"[^>]*style="display: none;"', dom), "no group was hidden"
    browser.screenshot(url + "?q=heap-use-after-free", "index-filter.png", height=1400)


# One page per kind of picture, and what must be drawn on it: the observed numbers and names.
PICTURE_PAGES = [
    ("memory-map", "luajit-ffi-copy-off-by-one", ["38-byte heap region", "WRITE of size 15"]),
    ("lifetime", "double-free", ["allocated", "session_close", "freed again", "repro.c:58"]),
    ("lanes", "threaded-assign-race", ["T1", "T2", "read of size 8", "write of size 8"]),
    ("wait-for", "async-lock-across-await", ["writer", "reader", "waits for cache_lock", "cycle"]),
    ("signal-path", "sigfpe-divide", ["SIGFPE", "divide error", "per_request"]),
    ("catches", "stack-below-sp-write", ["who catches what", "asan@asan"]),
]


@browser_group
@pytest.mark.parametrize("kind,case_id,words", PICTURE_PAGES, ids=[k for k, _, _ in PICTURE_PAGES])
def test_corpus_page_draws_its_picture(browser, corpus_site, kind, case_id, words):
    _, url = corpus_site
    page = url + f"cases/{case_id}/"
    dom = browser.dom(page, height=1800)
    m = re.search(rf'<svg[^>]*class="cc-picture cc-{kind}".*?</svg>', dom, re.S)
    assert m, f"no {kind} picture on {page}"
    svg_text = _text(m.group(0))
    for w in words:
        assert w in svg_text, f"{w!r} is not drawn in the {kind} picture of {case_id}: {svg_text[:600]}"
    assert re.search(r"<desc[^>]*>[^<]{20,}</desc>", m.group(0)), "the picture has no text alternative"
    browser.screenshot(page, f"picture-{kind}-{case_id}.png", height=1800)


@browser_group
def test_the_browser_group_really_groups(request):
    """Under `-n N --dist loadgroup` (nox -s tests) the page checks share one worker and one browser: the
    group shows in the node id. (pytest 9.2 with pytest-xdist 3.8 lost it silently: pyproject pins pytest.)"""
    if not request.config.getoption("loadgroup", False):
        pytest.skip("not run with --dist loadgroup")
    assert request.node.nodeid.endswith("@browser"), request.node.nodeid
