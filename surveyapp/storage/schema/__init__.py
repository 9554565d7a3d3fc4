"""The schema's migrations, grouped by what their tables hold; storage/migrations.py runs them in order."""
