"""scoring: analyzers (static tools, lenses, plug-ins, commands), scored against the flaw truth at file,
line and CWE level; the scoreboard and SARIF."""
