"""Build-time page generator (mkdocs-gen-files): the home page and one page per case.

All rendering is in harness/teaching/site.py (unit-tested in tests/test_site.py); this script only
loads the cases, writes the pages into the virtual docs folder, and fills the "Cases" entry of
the navigation in mkdocs.yml with one section per group. Set CRASHCOURSE_CASES to build the
site from another cases folder (tests/fixtures/site/cases, for instance).
"""

import mkdocs_gen_files

from harness.cli import run_flags
from harness.corpus import tracks
from harness.corpus.discover import load_all
from harness.scoring import scoreboard
from harness.teaching import site

cases = load_all()  # paths.cases_dir(): $CRASHCOURSE_CASES, else the clone's cases/
cases_nav = site.write_site(cases, mkdocs_gen_files.open, run_flags())

# The scoreboard: drawn from the stored scoring run (docs/scoreboard/<machine key>.json, written by
# `crashcourse score ... --bless`) and today's truth, like the case pages from the blessed snapshots.
with mkdocs_gen_files.open("scoreboard.md", "w") as f:
    f.write(scoreboard.render_page(cases, scoreboard.load_stored(), link=lambda c: f"../cases/{c.id}/"))

# Tracks (cases/tracks.toml): one page per track, its exercises in order under their neutral titles.
tracks_nav = []
if tracks.default_path().is_file():
    tracks_nav = site.write_tracks(tracks.load_tracks(known_ids=[c.id for c in cases]), cases, mkdocs_gen_files.open)

# mkdocs reads the nav after the gen-files plugin ran: replace the "Cases" and "Tracks" placeholders in place.
nav = mkdocs_gen_files.config["nav"]
for i, entry in enumerate(list(nav or [])):
    if isinstance(entry, dict) and "Cases" in entry:
        nav[i] = {"Cases": cases_nav}
    elif isinstance(entry, dict) and "Tracks" in entry:
        nav[i] = {"Tracks": tracks_nav}
if not tracks_nav:  # no tracks file: no empty section
    nav[:] = [e for e in nav if not (isinstance(e, dict) and "Tracks" in e)]
