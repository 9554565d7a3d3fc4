"""One cache mechanism (issue 15 point 5): every process-wide cache is a memo with one invalidation rule.

The rule: an entry is valid for exactly the stamp it was built with, and the
stamp is read from what the value is computed from. These tests hold the app
to it: no module keeps a cache of its own, every memo is documented, and a
change to what a value is computed from is seen by the next lookup.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import surveyapp
from surveyapp.accounts import passwords
from surveyapp.frameworks.registry import get_framework, sync_frameworks
from surveyapp.storage.memo import Memo, clear_all, derived, memos

PACKAGE = Path(surveyapp.__file__).parent
ROOT = PACKAGE.parent
MEMO_MODULE = PACKAGE / "storage" / "memo.py"
EMPTY_CONTAINERS = {"dict", "OrderedDict", "WeakKeyDictionary", "WeakValueDictionary", "defaultdict", "set"}
CACHE_DECORATORS = {"lru_cache", "cache"}
NOT_CACHES = {  # module-level state that is not a cache of computed values, and why
    "surveyapp/cli/report_batch.py:_WORKER": "a worker process's read-only bundle, set once as it starts",
    "surveyapp/storage/db.py:_INHERITED": "connections a forked child must neither use nor close",
}


def _module_level_caches(path: Path) -> list[str]:
    """Return module-level empty mutable containers and cache decorators in one file, as 'file:line'."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        empty_literal = isinstance(value, (ast.Dict, ast.Set, ast.List)) and not (
            getattr(value, "keys", None) or getattr(value, "elts", None))
        empty_call = (isinstance(value, ast.Call) and not value.args and not value.keywords
                      and getattr(value.func, "id", getattr(value.func, "attr", None)) in EMPTY_CONTAINERS)
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        names = [getattr(t, "id", "?") for t in targets]
        if (empty_literal or empty_call) and not all(f"{path.relative_to(ROOT)}:{n}" in NOT_CACHES for n in names):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        for function in ast.walk(node) if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else ():
            for decorator in getattr(function, "decorator_list", ()):
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if getattr(target, "id", getattr(target, "attr", None)) in CACHE_DECORATORS:
                    found.append(f"{path.relative_to(ROOT)}:{decorator.lineno}")
    return found


def test_no_module_keeps_a_cache_of_its_own():
    """A second mechanism would bring a second invalidation rule: every cache goes through storage/memo.py."""
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) if path != MEMO_MODULE
             for hit in _module_level_caches(path)]
    assert found == [], f"module-level caches outside surveyapp/storage/memo.py: {found}"


def test_every_memo_is_documented_with_its_stamp():
    """docs/architecture.md and the memo module's table name every memo the app makes."""
    for module in pkgutil.walk_packages(surveyapp.__path__, "surveyapp."):
        importlib.import_module(module.name)
    names = set(memos())
    assert {"round figures", "frameworks", "domain forms", "common passwords"} <= names
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = MEMO_MODULE.read_text(encoding="utf-8")
    assert [n for n in sorted(names) if f"`{n}`" not in architecture or f"`{n}`" not in table] == []


def test_an_entry_is_valid_for_its_stamp_only():
    memo, calls = Memo(2), []

    def build(value):
        return lambda: calls.append(value) or value
    assert memo.get("a", 1, build("first")) == "first"
    assert memo.get("a", 1, build("again")) == "first"
    assert memo.get("a", 2, build("changed")) == "changed"  # a new stamp rebuilds and replaces
    assert len(memo) == 1
    memo.get("b", 1, build("b"))
    memo.get("c", 1, build("c"))  # over size: the least recently used ("a") goes
    assert memo.get("a", 2, build("rebuilt")) == "rebuilt"
    assert calls == ["first", "changed", "b", "c", "rebuilt"]


def test_an_object_stamp_is_compared_by_identity():
    """A form class built from one Domain object is not reused for an equal copy (frameworks are rebuilt)."""
    memo = Memo(4)
    first, copy = {"id": "d1"}, {"id": "d1"}
    assert memo.get("k", first, lambda: "from first") == "from first"
    assert memo.get("k", copy, lambda: "from copy") == "from copy"


def test_a_derived_value_lives_as_long_as_its_object():
    class Owner:
        pass
    owner, calls = Owner(), []
    assert derived(owner, "index", lambda: calls.append(1) or "built") == "built"
    assert derived(owner, "index", lambda: calls.append(1) or "again") == "built"
    assert calls == [1]
    assert derived(Owner(), "index", lambda: "another owner") == "another owner"
    clear_all()
    assert derived(owner, "index", lambda: "after clearing") == "after clearing"


def test_a_changed_framework_file_is_seen_by_the_next_lookup(db, tmp_path):
    """A framework version re-registered with new content (no responses yet) is served as changed."""
    original = ROOT / "frameworks" / "adp-recovery-system-v1.yaml"
    source = original.read_text(encoding="utf-8")
    path = tmp_path / original.name
    path.write_text(source, encoding="utf-8")
    synced = sync_frameworks(db, str(tmp_path))
    (key,) = synced.added + synced.unchanged
    title = get_framework(db, key).title
    path.write_text(source.replace(f"title: {title}", f"title: {title} (revised)", 1), encoding="utf-8")
    assert sync_frameworks(db, str(tmp_path)).updated == (key,)
    assert get_framework(db, key).title == f"{title} (revised)"


def test_a_changed_password_list_is_read_again(tmp_path, monkeypatch):
    listing = tmp_path / "common.txt"
    listing.write_text("# test list\nsunshine-meadow\n", encoding="utf-8")
    monkeypatch.setattr(passwords, "COMMON_PASSWORDS_FILE", listing)
    assert "sunshine-meadow" in passwords.common_passwords()
    listing.write_text("# test list\nsunshine-meadow\nquiet-harbour-lights\n", encoding="utf-8")
    assert "quiet-harbour-lights" in passwords.common_passwords()
