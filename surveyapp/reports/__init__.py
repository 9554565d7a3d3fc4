"""Reports: what a report says.

Report definitions (reports/*.yaml), the context a report is built in, its sections and
blocks, and the one Report object that every renderer takes.
May import surveyapp.plans and the packages below it; never Flask or a renderer.
"""
