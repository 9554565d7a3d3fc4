"""Dates and times in the words people read: "2 December 2026", "2 December 2026 at 9:30am"."""
from __future__ import annotations

import datetime as dt

from surveyapp.storage.timestamps import parse


def long_date(value) -> str:
    """Write a stored date or timestamp as a GOV.UK date, e.g. 2 December 2026; blank for none."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = parse(value) if "T" in value else dt.date.fromisoformat(value[:10])
        except ValueError:
            return value  # not a date after all: show it as it is rather than fail the page
    return f"{value.day} {value:%B %Y}"


def long_time(value) -> str:
    """Write a stored UTC timestamp as a date and a time, e.g. 2 December 2026 at 9:30am UTC."""
    if not value:
        return ""
    moment = parse(value) if isinstance(value, str) else value
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{long_date(moment)} at {hour}:{moment.minute:02d}{suffix} UTC"


# Framework files are frozen once answered (a new version is needed to change a word), and some say who
# they were written for in the product's name: people read the service's name, not the software's.
PRODUCT_WORDS = (("written for surveyapp", "written for this service"),
                 ("Written for surveyapp", "Written for this service"))


def plain_words(text: str) -> str:
    """Replace the software's name in shipped text with words about the service."""
    for product, plain in PRODUCT_WORDS:
        text = text.replace(product, plain)
    return text


def init_app(app) -> None:
    """Offer the wording filters to every template."""
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(long_time, "long_time")
    app.add_template_filter(plain_words, "plain_words")
