"""The analyzer plug-in API at its stable import path (docs/analyzer-corpus.md, "Plug-ins"):

    from harness.analyzers import Analyzer, BlindCase, Finding, Result, scan_files

The implementation lives in harness.scoring.analyzers; this module only names it for third parties.
"""

from harness.scoring.analyzers.base import Analyzer, BlindCase, Finding, Result, scan_files

__all__ = ["Analyzer", "BlindCase", "Finding", "Result", "scan_files"]
