"""CLI: every `surveyapp` command, and the batch report writer.

May import any package below it; never surveyapp.web's views.
"""
