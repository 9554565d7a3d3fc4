"""Respondents' own evidence comments, read from submitted answers."""
from __future__ import annotations

from collections import defaultdict

# At most this many quotations per indicator in a report: enough to show the
# range of views without turning a strength into a page of text.
MAX_QUOTES = 5

EVIDENCE_SQL = """
SELECT r.organisation_id, a.indicator_id, a.comment
FROM answers AS a
JOIN responses AS r ON r.id = a.response_id
WHERE r.round_id = ? AND r.status = 'submitted'
  AND a.comment IS NOT NULL AND trim(a.comment) != ''
  {only_one}
ORDER BY r.organisation_id, r.id
"""


TEXT_ANSWERS_SQL = """
SELECT a.indicator_id, a.text
FROM answers AS a
JOIN responses AS r ON r.id = a.response_id
WHERE r.round_id = ? AND r.organisation_id = ? AND r.status = 'submitted'
  AND a.text IS NOT NULL AND trim(a.text) != ''
ORDER BY r.id
"""


def text_answers(db, round_id: int, organisation_id: int) -> dict[str, tuple[str, ...]]:
    """Return one organisation's submitted answers to open (text) questions, by indicator, each once."""
    found: dict[str, list[str]] = defaultdict(list)
    for indicator, text in db.execute(TEXT_ANSWERS_SQL, [round_id, organisation_id]):
        if text.strip() not in found[indicator]:
            found[indicator].append(text.strip())
    return {indicator: tuple(texts) for indicator, texts in found.items()}


def evidence_comments(db, round_id: int, organisation_id: int) -> dict[str, tuple[str, ...]]:
    """Return one organisation's submitted evidence comments, by indicator."""
    return all_evidence_comments(db, round_id, organisation_id).get(organisation_id, {})


def all_evidence_comments(db, round_id: int, organisation_id: int | None = None) -> dict[int, dict]:
    """Return submitted evidence comments by organisation, then indicator, in answer order."""
    sql = EVIDENCE_SQL.format(only_one="AND r.organisation_id = ?" if organisation_id is not None else "")
    params = [round_id] + ([organisation_id] if organisation_id is not None else [])
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for org_id, indicator, comment in db.execute(sql, params):
        quotes = found[org_id][indicator]
        text = comment.strip()
        if text not in quotes and len(quotes) < MAX_QUOTES:
            quotes.append(text)
    return {org: {ind: tuple(q) for ind, q in by_ind.items()} for org, by_ind in found.items()}
