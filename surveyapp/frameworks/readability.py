"""Plain-English warnings for framework definitions: long, hard or double statements, levels without descriptors.

These are warnings, not errors: a file that breaks them still loads. The
reading-ease score is textstat 0.7.8's Flesch reading ease (pinned: later
versions download a pronouncing dictionary at run time, which fails offline).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import textstat

from surveyapp.frameworks.model import Framework

MAX_WORDS = 25
MIN_READING_EASE = 55.0

# Names and fixed terms that contain "and" but are one thing to rate.
FIXED_PHRASES = (
    "lived and living experience", "alcohol and drug partnership", "alcohol and drug", "drug and alcohol",
    "drugs and alcohol", "alcohol and drugs", "drug or alcohol", "drugs or alcohol",
    "health and social care", "health and wellbeing",
    "mental health and substance use", "perth and kinross", "dumfries and galloway", "children and families",
    "analyse, plan, do and review",
    "kindness, compassion and hope", "blood-borne virus", "and/or",
)
JOINED = re.compile(r"\b(and|or)\b", re.IGNORECASE)
BRACKETS = re.compile(r"\([^)]*\)")


def word_count(text: str) -> int:
    """Count the words in a statement."""
    return len(text.split())


def reading_ease(text: str) -> float:
    """Return the Flesch reading ease of a text (higher is easier)."""
    return float(textstat.flesch_reading_ease(text))


def joins_two_things(text: str) -> bool:
    """Return True when 'and' or 'or' joins two things to rate, outside names and brackets."""
    plain = BRACKETS.sub(" ", text.lower())
    for phrase in FIXED_PHRASES:
        plain = plain.replace(phrase, " ")
    return bool(JOINED.search(plain))


def statement_problems(text: str, rated: bool) -> list[tuple[str, str]]:
    """Return (code, message) for each plain-English rule a statement breaks."""
    problems = []
    words = word_count(text)
    if words > MAX_WORDS:
        problems.append(("long-statement", f"statement has {words} words; keep it to {MAX_WORDS} or fewer"))
    score = reading_ease(text)
    if score < MIN_READING_EASE:
        problems.append(("reading-ease", f"Flesch reading ease {score:.1f} is under {MIN_READING_EASE:.0f}; "
                                         "use shorter words and sentences"))
    if rated and joins_two_things(text):
        problems.append(("two-things", "'and'/'or' joins two things in one rating item; "
                                       "split it so one rating answers one idea"))
    return problems


def check_readability(data) -> Iterator[tuple[tuple, str, str]]:
    """Warn about statements that are long, hard to read, or ask two things at once."""
    domains = data.get("domains") if isinstance(data, dict) else None
    for d, domain in enumerate(domains if isinstance(domains, list) else ()):
        indicators = domain.get("indicators") if isinstance(domain, dict) else None
        for i, ind in enumerate(indicators if isinstance(indicators, list) else ()):
            if not isinstance(ind, dict) or not isinstance(ind.get("text"), str):
                continue
            rated = ind.get("type", "rating") == "rating"
            for code, message in statement_problems(ind["text"].strip(), rated):
                yield ("domains", d, "indicators", i, "text"), code, message


def check_level_descriptors(data) -> Iterator[tuple[tuple, str, str]]:
    """Warn about a scale level with no descriptor: ratings are only comparable when each level says what it means."""
    scales = data.get("scales") if isinstance(data, dict) else None
    for s, scale in enumerate(scales if isinstance(scales, list) else ()):
        levels = scale.get("levels") if isinstance(scale, dict) else None
        for n, level in enumerate(levels if isinstance(levels, list) else ()):
            if isinstance(level, dict) and not str(level.get("descriptor") or "").strip():
                yield (("scales", s, "levels", n, "descriptor"), "no-descriptor",
                       f"level {level.get('label', n + 1)!r} has no descriptor; "
                       "say what this level looks like in practice")


WARNING_RULES = (check_readability, check_level_descriptors)


@dataclass(frozen=True)
class StatementScore:
    indicator_id: str
    words: int
    score: float
    flags: tuple[str, ...]


@dataclass(frozen=True)
class ReadabilitySummary:
    key: str
    title: str
    mean_score: float
    statements: tuple[StatementScore, ...]

    @property
    def flagged(self) -> tuple[StatementScore, ...]:
        """Return the statements with at least one warning."""
        return tuple(s for s in self.statements if s.flags)

    @property
    def longest(self) -> int:
        """Return the word count of the longest statement."""
        return max((s.words for s in self.statements), default=0)


def summarise(framework: Framework) -> ReadabilitySummary:
    """Score every statement of a framework and collect its warnings."""
    scores = tuple(
        StatementScore(ind.id, word_count(ind.text), reading_ease(ind.text),
                       tuple(code for code, _ in statement_problems(ind.text, ind.scored)))
        for ind in framework.indicators
    )
    mean = sum(s.score for s in scores) / len(scores) if scores else 0.0
    return ReadabilitySummary(framework.key, framework.title, mean, scores)


def summary_table(summary: ReadabilitySummary) -> list[str]:
    """Render one framework's readability as lines of a plain-text table."""
    lines = [
        f"{summary.key}  mean Flesch reading ease {summary.mean_score:.1f}  "
        f"items flagged {len(summary.flagged)} of {len(summary.statements)}  longest {summary.longest} words",
    ]
    if summary.flagged:
        lines.append(f"  {'indicator':<14} {'words':>5} {'score':>6}  flags")
        lines += [f"  {s.indicator_id:<14} {s.words:>5} {s.score:>6.1f}  {', '.join(s.flags)}"
                  for s in summary.flagged]
    return lines
