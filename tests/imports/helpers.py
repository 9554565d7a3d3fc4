"""Build import files for the tests: complete responses, organisations, CSV text."""
from __future__ import annotations

import csv
import io

from surveyapp.assessments.answers_csv import COLUMNS
from surveyapp.assessments.forms import value_key


def answer_for(ind) -> str:
    """Return a valid value for an indicator, as a CSV cell."""
    if ind.type == "rating":
        return value_key(ind.scale.levels[0].value)
    if ind.type in ("choice", "yesno"):
        return ind.choices[0].key
    if ind.type == "number":
        return value_key(ind.minimum if ind.minimum is not None else 1)
    return "Notes from the paper form"


def response_rows(framework, org, area, sector, respondent, overrides=None, skip=()):
    """Return the rows of one complete response: an answer to every indicator (overrides: id -> (value, comment))."""
    overrides = overrides or {}
    rows = []
    for domain in framework.domains:
        for ind in domain.indicators:
            if ind.id in skip:
                continue
            value, comment = overrides.get(ind.id, (answer_for(ind), ""))
            rows.append((org, area, sector, respondent, domain.id, ind.id, value, comment))
    return rows


def to_csv(rows, columns=COLUMNS) -> str:
    """Return rows as CSV text under a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def post_file(client, url: str, fields: dict):
    """POST a multipart form held in memory (the test client spools large bodies to a file it never closes)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    fields = {k: FileStorage(v[0], filename=v[1], content_type="text/csv") if isinstance(v, tuple) else v
              for k, v in fields.items()}
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
