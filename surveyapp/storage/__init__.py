"""Storage: the bottom of the data flow.

SQLite connections (one kept per thread), the schema as named migrations, online
backup and checked restore, timestamps, the plain-text rules for text people type, and
the one mechanism for values kept in memory between requests (memo).
Imports nothing else from surveyapp.
"""
