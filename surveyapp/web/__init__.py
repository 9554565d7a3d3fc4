"""Web: the Flask application's wiring, blueprints, templates and static files.

Views are thin: they check who may see what, call the packages below, and render.
May import any package below it; never surveyapp.cli.
"""
