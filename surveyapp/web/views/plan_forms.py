"""Forms for improvement plan actions and progress notes, all CSRF-protected."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from surveyapp.assessments.forms import strip_nul
from surveyapp.plans.model import MAX_LEAD, MAX_NOTE, MAX_TITLE, STATUSES


class ExampleDateField(DateField):
    """A date field whose error names the field and shows an example, as the design system asks."""

    def __init__(self, label, *, invalid: str, **kwargs):
        super().__init__(label, format="%Y-%m-%d", **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist):
        """Read the date, replacing WTForms' generic message with ours."""
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(self.invalid) from exc


class ActionForm(FlaskForm):
    title = TextAreaField("What will be done", filters=[strip_nul], validators=[
        InputRequired("Enter what will be done"),
        Length(max=MAX_TITLE, message=f"What will be done must be {MAX_TITLE:,} characters or fewer")])
    indicators = SelectMultipleField(
        "Indicators this action addresses",
        validators=[InputRequired("Select at least one indicator this action addresses")])
    lead = StringField("Lead person or partner agency", filters=[strip_nul], validators=[
        InputRequired("Enter the lead person or partner agency"),
        Length(max=MAX_LEAD, message=f"Lead must be {MAX_LEAD} characters or fewer")])
    target_date = ExampleDateField(
        "Target date (optional)", validators=[Optional()],
        invalid="Target date must be a real date, for example 2027-03-31")
    status = RadioField("Status", choices=dict(STATUSES), default="not_started",
                        validators=[InputRequired("Select a status")])
    version = HiddenField()


class NoteForm(FlaskForm):
    note = TextAreaField("Progress note", filters=[strip_nul], validators=[
        InputRequired("Enter a progress note"),
        Length(max=MAX_NOTE, message=f"Progress note must be {MAX_NOTE:,} characters or fewer")])
    noted_on = ExampleDateField(
        "Date of this update", validators=[InputRequired("Enter the date of this update")],
        invalid="Date of this update must be a real date, for example 2026-10-31")
    status = RadioField("Status after this update", choices=dict(STATUSES),
                        validators=[InputRequired("Select the status after this update")])

    def validate_noted_on(self, field):
        """A progress note reports what has happened, so it cannot be dated in the future."""
        if field.data and field.data > dt.date.today():
            raise ValidationError("Date of this update must be today or in the past")


def form_errors(form) -> list[tuple[str, str]]:
    """Return (field id, first message) for each field in error, for the error summary."""
    out = []
    for field in form:
        if field.errors and field.type != "CSRFTokenField":
            target = field.id
            if field.type in ("RadioField", "SelectMultipleField"):
                target = f"{field.id}-0"  # the first radio or checkbox: the summary link lands on it
            out.append((target, field.errors[0]))
    return out
