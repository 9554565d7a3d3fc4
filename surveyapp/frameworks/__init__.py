"""Frameworks: a framework file becomes a validated, frozen model.

reading (YAML with line numbers) -> rules (one check per function) -> model (frozen
dataclasses), with located errors; registry keeps the versions in the database.
May import only surveyapp.storage.
"""
