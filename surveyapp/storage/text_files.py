"""Read an uploaded CSV file into rows, refusing what cannot be read with the line where it is.

Every import (command line or web page) reads its file here, so an encoding
error, an over-long line or a broken quote is reported the same way: a line
number, never a byte offset or a traceback.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_LINE_CHARS = 20_000   # a row of the widest import is a few hundred characters
MAX_FIELD_CHARS = 10_000  # the longest text an answer may hold (assessments.forms.MAX_TEXT)


@dataclass(frozen=True)
class FileProblem(Exception):
    """The file as a whole cannot be read; `line` says where."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def decode_csv(data: bytes) -> str:
    """Return the text of a UTF-8 file (a byte-order mark is dropped), or raise FileProblem at the bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileProblem(line, "this line is not UTF-8 text (the file may have been saved as Latin-1 or "
                                "Windows-1252): save it as \u201cCSV UTF-8\u201d and try again") from None
    check_line_lengths(text)
    return text


def check_line_lengths(text: str) -> None:
    """Raise FileProblem at the first line longer than MAX_LINE_CHARS."""
    start, line = 0, 1
    while True:
        end = text.find("\n", start)
        length = (len(text) if end < 0 else end) - start
        if length > MAX_LINE_CHARS:
            raise FileProblem(line, f"the line is {length:,} characters long; a line may have at most "
                                    f"{MAX_LINE_CHARS:,}. Is this the right file?")
        if end < 0:
            return
        start, line = end + 1, line + 1


def count_records(text: str) -> int:
    """Return roughly how many rows follow the header (lines, for a progress figure)."""
    return max(text.count("\n") - (1 if text.endswith("\n") else 0), 0)


def csv_records(text: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """Yield (line where the row starts, row) for each row; FileProblem for a missing column or broken quoting."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or ()
    except csv.Error as exc:
        raise FileProblem(1, f"the first line cannot be read as CSV ({exc})") from None
    header = [(h or "").strip().lower() for h in header]
    reader.fieldnames = header
    missing = [c for c in columns if c not in header]
    if missing:
        raise FileProblem(1, f"the first line must name the columns {', '.join(columns)}; "
                             f"missing: {', '.join(missing)}")
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileProblem(line, f"the row cannot be read as CSV ({exc}); check its quotes") from None
        if any(v for v in row.values() if v):  # a blank line in the middle is not a row
            yield line, row
        line = reader.line_num + 1


MAX_LISTED = 100  # problems listed one by one; beyond this only counted


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: the line its row starts on, the column, what is wrong."""

    line: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        """Return the problem as plain data (stored with a job)."""
        return {"line": self.line, "column": self.column, "message": self.message}


class Problems:
    """Every problem found in a file: the first MAX_LISTED kept, all counted."""

    def __init__(self, limit: int = MAX_LISTED):
        self.limit, self.listed, self.count = limit, [], 0

    def add(self, line: int, message: str, column: str = "") -> None:
        """Record one problem."""
        self.count += 1
        if len(self.listed) < self.limit:
            self.listed.append(RowError(line, message, column))

    def __bool__(self) -> bool:
        return self.count > 0

    def as_result(self) -> dict:
        """Return the problems as plain data: the listed ones and how many there are in all."""
        return {"problems": [p.as_dict() for p in self.listed], "count": self.count}

    def lines(self) -> list[str]:
        """Return one line of text per listed problem, then how many more there are."""
        out = [str(p) for p in self.listed]
        if self.count > len(self.listed):
            out.append(f"and {self.count - len(self.listed):,} more problems")
        return out


class Mappings:
    """Spellings read as another (a sector alias, an area in lower case): listed in the summary, never silent."""

    def __init__(self):
        self.seen: dict[tuple[str, str, str], list[int]] = {}

    def note(self, line: int, column: str, raw: str, canonical: str) -> None:
        """Record that raw, in column, on line, was read as canonical (when they differ)."""
        raw = (raw or "").strip()
        if raw != canonical:
            self.seen.setdefault((column, raw, canonical), []).append(line)

    def as_list(self) -> list[dict]:
        """Return each mapping with how many rows used it and the first line."""
        return [{"column": c, "from": raw, "to": to, "rows": len(lines), "first_line": lines[0]}
                for (c, raw, to), lines in sorted(self.seen.items())]


def describe_mapping(mapping: dict) -> str:
    """Say in a sentence how a spelling was read."""
    rows = mapping["rows"]
    return (f"{mapping['column']} '{mapping['from']}' was read as '{mapping['to']}' "
            f"on {rows:,} row{'s' if rows != 1 else ''} (first on line {mapping['first_line']})")


@dataclass
class CheckedFile:
    """A whole file checked before anything is written: the records to write, or the problems that stop it."""

    records: list[dict] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    mappings: Mappings = field(default_factory=Mappings)
    rows: int = 0
