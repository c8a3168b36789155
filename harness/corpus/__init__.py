"""corpus: what a case is. Manifests (case.toml), discovery, the flaw truth, the lens catalogue, and the
facts of this machine that expectations are conditioned on. Imports nothing above it."""
