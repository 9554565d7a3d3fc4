"""WSGI entry point: `gunicorn wsgi:app` or any other WSGI server."""
from surveyapp import create_app

app = create_app()
