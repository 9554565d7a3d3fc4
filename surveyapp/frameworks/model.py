"""Immutable model of a validated framework definition.

Nothing here knows about YAML, forms or the database: the loader builds these
objects, and everything downstream only reads them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Question types an indicator can have. Only "rating" answers are scored.
QUESTION_TYPES = ("rating", "text", "yesno", "choice", "number")
EVIDENCE_MODES = ("none", "optional", "required")
INSTRUMENT_KINDS = ("original", "adaptation")
# The option an indicator with `allow_not_applicable: true` offers besides its scale's own.
NOT_APPLICABLE_KEY = "na"


@dataclass(frozen=True)
class Level:
    value: float
    label: str
    descriptor: str


@dataclass(frozen=True)
class Option:
    """A non-scoring answer such as "not applicable" or "don't know"."""

    key: str
    label: str
    descriptor: str = ""


@dataclass(frozen=True)
class Scale:
    id: str
    label: str
    levels: tuple[Level, ...]
    options: tuple[Option, ...] = ()

    @property
    def values(self) -> tuple[float, ...]:
        """Return the numeric values of the levels, lowest first."""
        return tuple(level.value for level in self.levels)

    def level_for(self, value: float) -> Level | None:
        """Return the level with this numeric value, if there is one."""
        for level in self.levels:
            if level.value == value:
                return level
        return None

    def option_for(self, key: str) -> Option | None:
        """Return the non-scoring option with this key, if there is one."""
        for option in self.options:
            if option.key == key:
                return option
        return None


@dataclass(frozen=True)
class Choice:
    key: str
    label: str


@dataclass(frozen=True)
class NextStep:
    """A suggested next step for an organisation whose result is at this level."""

    level: float
    text: str


@dataclass(frozen=True)
class Indicator:
    id: str
    text: str
    type: str = "rating"
    scale: Scale | None = None
    guidance: str = ""
    prompts: tuple[str, ...] = ()
    required: bool = True
    weight: float = 1.0
    evidence: str = "none"
    evidence_label: str = ""
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    allow_not_applicable: bool = False
    next_steps: tuple[NextStep, ...] = ()

    def next_step_for(self, value: float | None) -> NextStep | None:
        """Return the suggestion for a result: the step of the highest level at or below it."""
        if value is None:
            return None
        found = None
        for step in sorted(self.next_steps, key=lambda s: s.level):
            if step.level <= value + 1e-9:
                found = step
        return found

    @property
    def scored(self) -> bool:
        """Return True when answers to this indicator count towards scores."""
        return self.type == "rating"


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    description: str
    indicators: tuple[Indicator, ...]
    source: str = ""  # where a reviewer can trace this domain's statements

    @property
    def scored_indicators(self) -> tuple[Indicator, ...]:
        """Return the indicators whose answers are scored."""
        return tuple(i for i in self.indicators if i.scored)


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str = ""
    year: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class StrengthRule:
    min_score: float
    max: int = 5


@dataclass(frozen=True)
class DevelopmentRule:
    max_score: float
    gap: float = 1.0
    max: int = 5


@dataclass(frozen=True)
class Framework:
    id: str
    version: int
    title: str
    summary: str
    instrument: str
    adaptation: str
    sources: tuple[Source, ...]
    scales: tuple[Scale, ...]
    domains: tuple[Domain, ...]
    strengths: StrengthRule
    development: DevelopmentRule
    # the file's `disclosure` block as written (benchmarks.disclosure fills in the defaults)
    disclosure: dict = field(default_factory=dict, compare=False)
    content_hash: str = ""
    source_path: str = ""
    _indicator_index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        index = {}
        for domain in self.domains:
            for indicator in domain.indicators:
                index[indicator.id] = (domain, indicator)
        # frozen dataclass: fill the lookup table once, at construction
        object.__setattr__(self, "_indicator_index", index)

    @property
    def key(self) -> str:
        """Return the identifier of this framework version, e.g. 'tip@2'."""
        return f"{self.id}@{self.version}"

    def domain(self, domain_id: str) -> Domain | None:
        """Return the domain with this id, if there is one."""
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        return None

    def indicator(self, indicator_id: str) -> Indicator | None:
        """Return the indicator with this id, if there is one."""
        found = self._indicator_index.get(indicator_id)
        return found[1] if found else None

    def suggested_step(self, indicator_id: str, score) -> str:
        """Return the suggested next step for a result on an indicator, or '' when there is none."""
        indicator = self.indicator(indicator_id)
        step = indicator.next_step_for(float(score)) if indicator and score is not None else None
        return step.text if step else ""

    def domain_of(self, indicator_id: str) -> Domain | None:
        """Return the domain an indicator belongs to."""
        found = self._indicator_index.get(indicator_id)
        return found[0] if found else None

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Return every indicator in domain order."""
        return tuple(i for d in self.domains for i in d.indicators)
