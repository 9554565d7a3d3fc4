"""Render: turn a finished Report into HTML tables, SVG charts, PDF and XLSX.

Renderers take a report object and nothing else. May import surveyapp.reports and the
packages below it; never surveyapp.web.
"""
