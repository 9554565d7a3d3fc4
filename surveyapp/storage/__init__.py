"""Storage: the bottom of the data flow.

SQLite connections (one kept per thread), the schema as named migrations, online
backup and checked restore, timestamps, and the plain-text rules for text people type.
Imports nothing else from surveyapp.
"""
