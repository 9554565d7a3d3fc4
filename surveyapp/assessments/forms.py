"""WTForms forms generated from a framework domain, and conversion to answers.

A throwaway Form subclass is built per domain with setattr (WTForms'
dynamic form composition). Which field class and validators a question
gets comes from the FIELD_BUILDERS registry, keyed by question type.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FloatField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from surveyapp.assessments.responses import Answer
from surveyapp.frameworks.model import Domain, Framework, Indicator
from surveyapp.storage.memo import Memo
from surveyapp.storage.plain_text import control_character

OPTION_PREFIX = "opt:"
COMMENT_SUFFIX = "__comment"
EVIDENCE_LABEL = "Evidence or comment"
MAX_TEXT = 10_000
MAX_COMMENT = 5_000


def value_key(value: float) -> str:
    """Render a level value as a form value: 3.0 -> '3', 2.5 -> '2.5'."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _unanswered():
    """A field's default: no answer.

    WTForms calls a field's default on every post and catches the TypeError
    when it is not callable (None is not): twenty exceptions on each page save.
    """
    return None


def _quoted(text: str) -> str:
    """Return an indicator statement as an error message quotes it: whole, never cut mid-word."""
    return text.strip()


class AnswerRadioField(RadioField):
    """A RadioField whose answers are fixed when the form class is built.

    WTForms normalises a field's whole choices list each time a field is bound
    and again to validate it: a third of the form work on a page save. The
    pages render their radios from the framework (the question macro), so the
    field only needs to know which values it accepts: one set lookup.
    """

    def __init__(self, label=None, validators=None, accepted: frozenset[str] = frozenset(), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.accepted = accepted

    def pre_validate(self, form):
        """Refuse a value that is not one of the question's answers."""
        if not self.process_errors and self.data not in self.accepted:
            raise ValidationError(self.gettext("Not a valid choice."))


def _radio_field(ind: Indicator, require: bool, values) -> AnswerRadioField:
    message = f"Select an answer for ‘{_quoted(ind.text)}’"
    return AnswerRadioField(ind.text, accepted=frozenset(values), default=_unanswered,
                            validators=[InputRequired(message) if require else Optional()])


def _rating_field(ind: Indicator, require: bool):
    return _radio_field(ind, require, [value_key(lv.value) for lv in ind.scale.levels]
                        + [OPTION_PREFIX + o.key for o in ind.scale.options])


def _choice_field(ind: Indicator, require: bool):
    return _radio_field(ind, require, [c.key for c in ind.choices])


def strip_nul(value):
    """Drop NUL characters, which have no place in typed text."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def no_control_characters(what: str):
    """Return a validator refusing control characters other than tab and newline, naming the field."""
    def check(form, field):
        problem = control_character(field.data)
        if problem:
            raise ValidationError(f"{what} {problem}")
    return check


def _text_field(ind: Indicator, require: bool):
    validators = [Length(max=MAX_TEXT, message=f"Answer must be {MAX_TEXT:,} characters or fewer"),
                  no_control_characters(f"Your answer to ‘{_quoted(ind.text)}’")]
    if require:
        validators.insert(0, InputRequired(f"Enter an answer for ‘{_quoted(ind.text)}’"))
    return TextAreaField(ind.text, validators=validators, filters=[strip_nul], default=_unanswered)


def _number_field(ind: Indicator, require: bool):
    validators = [InputRequired(f"Enter a number for ‘{_quoted(ind.text)}’") if require else Optional()]
    if ind.minimum is not None or ind.maximum is not None:
        validators.append(NumberRange(
            ind.minimum, ind.maximum,
            message=_range_message(ind.minimum, ind.maximum)))
    return FloatField(ind.text, validators=validators, default=_unanswered)


def _range_message(low, high) -> str:
    """Describe an allowed number range in plain words."""
    if low is not None and high is not None:
        return f"Enter a number between {value_key(low)} and {value_key(high)}"
    if low is not None:
        return f"Enter a number that is {value_key(low)} or more"
    return f"Enter a number that is {value_key(high)} or less"


FIELD_BUILDERS = {
    "rating": _rating_field,
    "choice": _choice_field,
    "yesno": _choice_field,
    "text": _text_field,
    "number": _number_field,
}


class DomainForm(FlaskForm):
    """Base for generated domain forms."""

    class Meta:
        # field values only come from the request or stored answers
        locales = ("en_GB", "en")
        # CSRFProtect checks every POST before any view runs (web/app.py), so the
        # domain pages carry the session's token as a plain hidden field
        csrf = False


def _comment_validators(ind: Indicator, require: bool):
    validators = [Length(max=MAX_COMMENT, message=f"Evidence must be {MAX_COMMENT:,} characters or fewer"),
                  no_control_characters(f"Your evidence for ‘{_quoted(ind.text)}’")]
    if require and ind.evidence == "required":
        validators.insert(0, InputRequired(f"Enter your evidence for ‘{_quoted(ind.text)}’"))
    return validators


# (framework key, domain id, require) -> form class, valid for the Domain object it was built from
_FORM_CLASSES = Memo(256, "domain forms")


def domain_form_class(framework_key: str, domain: Domain, require: bool) -> type[DomainForm]:
    """Return the form class for a domain, built once; `require` checks required answers."""
    # Stamped with the Domain object, not its hash: hashing a frozen Domain walks every
    # indicator, level and option. Frameworks are kept and immutable, so the object
    # itself tells whether a kept class still fits.
    return _FORM_CLASSES.get((framework_key, domain.id, require), domain,
                             lambda: _build_form_class(domain, require))


def _build_form_class(domain: Domain, require: bool) -> type[DomainForm]:
    """Build the form class for a domain with setattr, one field per question."""

    class GeneratedForm(DomainForm):
        pass

    for ind in domain.indicators:
        setattr(GeneratedForm, ind.id, FIELD_BUILDERS[ind.type](ind, require and ind.required))
        if ind.evidence != "none":
            setattr(GeneratedForm, ind.id + COMMENT_SUFFIX,
                    TextAreaField(evidence_label(ind),
                                  validators=_comment_validators(ind, require),
                                  filters=[strip_nul], default=_unanswered))
    return GeneratedForm


def evidence_label(ind: Indicator) -> str:
    """Return the label of an indicator's evidence box."""
    return ind.evidence_label or EVIDENCE_LABEL


def build_domain_form(framework: Framework, domain: Domain, require: bool, formdata) -> DomainForm:
    """Return a new form for a domain, bound to this request's post alone, ready to validate."""
    return domain_form_class(framework.key, domain, require)(formdata=formdata)


# A page shows its questions from two plain dicts, field name -> text: the values
# and the first error of each field. Viewing a page needs no bound form (binding
# twenty WTForms fields was a tenth of a page view); a posted page that failed
# validation shows what was typed and the form's errors.

def stored_values(domain: Domain, answers: dict[str, Answer]) -> dict[str, str]:
    """Return the page's field values from stored answers."""
    values = {}
    for ind in domain.indicators:
        answer = answers.get(ind.id)
        if answer is None:
            continue
        if ind.type == "rating":
            value = (OPTION_PREFIX + answer.option) if answer.option else (
                value_key(answer.value) if answer.value is not None else None)
        elif ind.type in ("choice", "yesno"):
            value = answer.option
        elif ind.type == "number":
            value = value_key(answer.value) if answer.value is not None else None
        else:
            value = answer.text
        if value is not None:
            values[ind.id] = value
        if ind.evidence != "none" and answer.comment is not None:
            values[ind.id + COMMENT_SUFFIX] = answer.comment
    return values


def typed_values(formdata) -> dict[str, str]:
    """Return what was posted, as typed, to show again beside its errors."""
    return {name: strip_nul(value) for name, value in formdata.items()}


def form_errors(form: DomainForm) -> dict[str, str]:
    """Return each field's first error, in the order the fields appear on the page."""
    return {field.name: field.errors[0] for field in form if field.errors}


def form_to_answers(domain: Domain, form: DomainForm) -> dict[str, Answer]:
    """Turn a validated form's data into answers to store."""
    answers = {}
    for ind in domain.indicators:
        raw = form[ind.id].data
        comment = None
        if ind.evidence != "none":
            comment = (form[ind.id + COMMENT_SUFFIX].data or "").strip() or None
        if ind.type == "rating":
            if raw and raw.startswith(OPTION_PREFIX):
                answer = Answer(option=raw[len(OPTION_PREFIX):], comment=comment)
            else:
                answer = Answer(value=float(raw) if raw else None, comment=comment)
        elif ind.type in ("choice", "yesno"):
            answer = Answer(option=raw or None, comment=comment)
        elif ind.type == "number":
            answer = Answer(value=raw, comment=comment)
        else:
            answer = Answer(text=(raw or "").strip() or None, comment=comment)
        answers[ind.id] = answer
    return answers


def describe_answer(ind: Indicator, answer: Answer | None) -> str:
    """Return an answer in words, for check-your-answers and reports."""
    if answer is None or answer.is_blank:
        return ""
    if ind.type == "rating":
        if answer.option:
            option = ind.scale.option_for(answer.option)
            return option.label if option else answer.option
        level = ind.scale.level_for(answer.value)
        return f"{level.label} ({value_key(level.value)})" if level else value_key(answer.value)
    if ind.type in ("choice", "yesno"):
        return next((c.label for c in ind.choices if c.key == answer.option), answer.option or "")
    if ind.type == "number":
        return value_key(answer.value)
    return answer.text or ""
