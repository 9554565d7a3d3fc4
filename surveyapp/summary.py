"""Placeholder until aggregation lands."""


def organisation_summary_for(db, round_row, organisation, framework):
    return {"n_respondents": 0}
