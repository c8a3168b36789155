"""teaching: what a person reads or does: the case pages (site), `show`, the quiz, the pictures."""
