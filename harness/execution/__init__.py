"""execution: build a case (cffi modules and executables, cached by content hash) and run a child with
limits, containment and hang proofs. `children/` holds the scripts that run inside the child."""
