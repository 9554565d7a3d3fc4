"""Plans: improvement plans built from development areas, and their progress across rounds.

May import surveyapp.assessments and the packages below it.
"""
