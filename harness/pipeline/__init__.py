"""pipeline: one run end to end (build, run under a lens, diagnose, compare), the run record it
yields, the blessed snapshots it is compared with, and natural-timing hit rates."""
