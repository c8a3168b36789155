"""report: run records for people (the rich table, the failures, the summary line) and for programs (JSON)."""

PLAIN_ENV = "CRASHCOURSE_PLAIN"  # no box borders (set by --plain; a room can export it for every command)
