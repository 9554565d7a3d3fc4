"""Performance benchmarks: the app's real code against bare baselines, at Tayside and national scale.

Not part of the test suite. Run them all with `python -m bench`; see bench/RESULTS.md.
"""
