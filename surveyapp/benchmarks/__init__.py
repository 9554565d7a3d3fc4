"""Benchmarks: numbers for groups of organisations.

Aggregation of submitted answers, disclosure control, ranking, strengths and
development areas, dashboard data, response progress and the round cache. Pure
functions over DataFrames: never Flask, never rendering.
May import surveyapp.accounts, surveyapp.frameworks and surveyapp.storage.
"""
