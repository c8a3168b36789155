"""teaching: what a person reads or does: the case pages (site), `show`, the quiz, the pictures."""

# `crashcourse show ID --section NAME`, in the order show prints them
SHOW_SECTIONS = ("summary", "story", "code", "fix", "expectations", "explain", "pictures")
