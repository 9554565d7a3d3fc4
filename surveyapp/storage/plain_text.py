"""Clean short text typed into account and organisation forms.

Names end up in lists and logs next to other people's, so characters that
hide or reorder text (control characters, bidirectional overrides) are
removed; ordinary letters in any script, and right-to-left marks, are kept.
"""
from __future__ import annotations

import re

# C0/C1 controls, and the embedding, override and isolate characters that can reorder
# the text around them (U+202A-U+202E, U+2066-U+2069). U+200E/U+200F marks are harmless.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NOT_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_line(value):
    """Return one line of text without hidden characters or surrounding space."""
    if not isinstance(value, str):
        return value
    return " ".join(_HIDDEN.sub("", value).split())


def clean_lines(value):
    """Return several lines of text without hidden characters, keeping line breaks."""
    if not isinstance(value, str):
        return value
    return _NOT_IN_LINES.sub("", value).replace("\r\n", "\n").strip()


# Tab, newline and carriage return are the only controls text may hold: the others
# (a pasted bell, a NUL, C1 bytes from a mis-decoded file) break XML-based exports
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(value) -> str | None:
    """Return a plain sentence naming the first control character in value, or None when there is none."""
    if not isinstance(value, str):
        return None
    found = _CONTROL.search(value)
    if found is None:
        return None
    return (f"contains a control character (U+{ord(found.group()):04X}) at character {found.start() + 1}, "
            "which cannot be stored: remove it, or retype the text")


def without_control_characters(value):
    """Drop the control characters `control_character` refuses (for text stored before they were refused)."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value
