"""sqlite-utils, imported without pandas and numpy.

sqlite-utils imports pandas and numpy whenever it can, only to map their
types when a table insert is handed pandas or numpy values, which surveyapp
never does. Loading both took most of a command's start-up (`surveyapp
init-db` 1.2 s for 0.04 s of work; issue 18). Every storage module imports
sqlite-utils through here: when neither library is loaded yet, both are
hidden while sqlite-utils loads, and can be imported normally afterwards.
"""
from __future__ import annotations

import sys

HIDDEN = ("pandas", "numpy")

if "sqlite_utils" not in sys.modules:
    _hidden = [name for name in HIDDEN if name not in sys.modules]
    for _name in _hidden:
        sys.modules[_name] = None  # makes `import pandas` raise ImportError, which sqlite-utils expects
    try:
        import sqlite_utils
        import sqlite_utils.migrations  # loaded here too, under the same conditions
    finally:
        for _name in _hidden:
            sys.modules.pop(_name, None)
else:
    import sqlite_utils
    import sqlite_utils.migrations

__all__ = ["sqlite_utils"]
