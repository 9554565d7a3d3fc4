"""The one way surveyapp keeps a computed value in memory for later requests.

The invalidation rule, for every cache in the process: **an entry is valid for
exactly the stamp it was built with.** The stamp is read, at each lookup, from
what the value is computed from, so a change anywhere (another request,
another worker process, a command-line import) is seen by the next lookup and
nothing is ever told to forget:

| memo                  | key                                  | stamp                                   |
|-----------------------|--------------------------------------|-----------------------------------------|
| `round figures`       | database, round, what is built       | the round's fingerprint (round_cache)   |
| `frameworks`          | framework version key                | the version's content hash              |
| `domain forms`        | framework key, domain, required?     | the Domain object it was built from     |
| `common passwords`    | the list's file                      | the file's size and modification time   |
| `disclosure decisions`| a digest of groups, viewer and rules | none: a decision depends on its key only |

Values derived from one immutable object (indexes over a benchmark's tables)
use `derived`: they live exactly as long as that object, so they need no stamp.

A memo holds at most `size` entries and drops the least recently used. It is
thread-safe; a value is built outside the lock, so two threads may build the
same entry at once, and both get a right answer. `clear_all` empties every memo
(tests use it; the app never needs to).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar
from weakref import WeakKeyDictionary

T = TypeVar("T")

_MEMOS: dict[str, Memo] = {}


class Memo:
    """Least-recently-used entries, each valid for the stamp it was built with."""

    def __init__(self, size: int, name: str | None = None):
        """Hold at most `size` entries; a named memo is listed by `memos()` (a test's own memo is not)."""
        if name in _MEMOS:
            raise ValueError(f"a memo named {name!r} exists already")
        self.name, self.size = name, size
        self._entries: OrderedDict = OrderedDict()  # key -> (stamp, value)
        self._lock = threading.Lock()
        self.built = 0  # values built, not found: what tests count
        if name:
            _MEMOS[name] = self

    def get(self, key: Hashable, stamp: object, build: Callable[[], T],
            update: Callable[[T], T | None] | None = None) -> T:
        """Return the value kept for `key` if it was built for this `stamp`; else build and keep it.

        `update`, when given, is offered the stale value first: it returns the value brought up to
        date for the new stamp, or None to build afresh (a benchmark applies one submission this way).
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and _same(entry[0], stamp):
                self._entries.move_to_end(key)
                return entry[1]
        value = update(entry[1]) if entry is not None and update is not None else None
        if value is None:
            value = build()
        # a stale entry is replaced, never kept beside the new one: a national benchmark is large
        with self._lock:
            self.built += 1
            self._entries[key] = (stamp, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        """Return how many entries are held."""
        return len(self._entries)


def _same(kept: object, stamp: object) -> bool:
    """Compare stamps: objects by identity (an equal copy may differ in what it built), values by equality."""
    if isinstance(stamp, (tuple, str, int, float, bytes, type(None))):
        return kept == stamp
    return kept is stamp


_DERIVED: WeakKeyDictionary = WeakKeyDictionary()
_DERIVED_LOCK = threading.Lock()


def derived(owner: object, key: Hashable, build: Callable[[], T]) -> T:
    """Return a value computed from `owner` alone, built once and dropped with `owner`."""
    with _DERIVED_LOCK:
        values = _DERIVED.setdefault(owner, {})
        if key in values:
            return values[key]
    value = build()
    with _DERIVED_LOCK:
        return _DERIVED.setdefault(owner, {}).setdefault(key, value)


def memos() -> dict[str, Memo]:
    """Return every memo by name, for the documentation test and for clear_all."""
    return dict(_MEMOS)


def clear_all() -> None:
    """Empty every memo and every derived value."""
    for memo in _MEMOS.values():
        memo.clear()
    with _DERIVED_LOCK:
        _DERIVED.clear()
