"""Errors in framework definitions, each saying file, line and path."""
from __future__ import annotations

from dataclasses import dataclass


def format_path(path: tuple) -> str:
    """Render a path tuple as `domains[3].indicators[1].scale`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class DefinitionError:
    code: str
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class FrameworkErrors(Exception):
    """One or more hard errors found in a framework definition."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))
