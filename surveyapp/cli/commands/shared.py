"""What the organisation and people commands share: the audit log's origin, refusals, days in words."""
from __future__ import annotations

from surveyapp.cli.errors import InputError
from surveyapp.storage.timestamps import parse

CLIENT = "command line"  # the audit log's "from where" for these commands


def refuse(problems: dict[str, str | None], what: str = "nothing was written") -> None:
    """Stop with every problem found, each under the option it is about; write nothing."""
    found = [f"  {option}: {problem}" for option, problem in problems.items() if problem]
    if found:
        raise InputError("\n".join([f"{what}.", *found]))


def day_in_words(stamp: str | None) -> str:
    """Show a stored time as a day a person reads, e.g. 3 December 2026."""
    if not stamp:
        return ""
    day = parse(stamp).date()
    return f"{day.day} {day:%B %Y}"
