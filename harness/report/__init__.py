"""report: run records for people (the rich table, the failures, the summary line) and for programs (JSON)."""
