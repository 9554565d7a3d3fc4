"""Assessments: rounds, the forms a framework generates, and the answers people give.

Drafts, page saves and submissions (one transaction each), answer import and export,
evidence. May import surveyapp.benchmarks and the packages below it.
"""
