"""`surveyapp disclosure-check`: what each class of viewer would see of a round, and any risk, before results open."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from surveyapp.accounts.organisations import AREAS
from surveyapp.accounts.users import load_user, user_id_by_email
from surveyapp.benchmarks.audit import audit
from surveyapp.benchmarks.disclosure import EVERYONE, PUBLIC
from surveyapp.benchmarks.round_cache import kept_benchmark, publish_for
from surveyapp.benchmarks.viewers import viewer_for_area, viewer_for_organisation, viewer_for_user
from surveyapp.cli.errors import ID
from surveyapp.frameworks.registry import framework_for_round
from surveyapp.storage.db import get_db

REASON_WORDS = {"too-few": "too few", "complement": "complement", "alike": "alike"}


def viewer_by_email(db, email: str):
    """Return the viewer an active user's email names, or stop with a plain message."""
    user_id = user_id_by_email(db, email)
    if user_id is None:
        raise click.ClickException(f"no active user has the email {email}")
    return viewer_for_user(db, load_user(db, user_id))


def viewer_classes(db, bench) -> list:
    """Return one viewer of each class: nobody known, each organisation's leads, each area, everyone."""
    names = dict(zip(bench.organisations["organisation_id"].tolist(), bench.organisations["name"].tolist()))
    return ([PUBLIC] + [viewer_for_organisation(org, name) for org, name in names.items()]
            + [viewer_for_area(db, area) for area in AREAS] + [EVERYONE])


@click.command("disclosure-check")
@click.option("--round", "round_id", type=ID, required=True, help="Id of the round to check.")
@click.option("--as", "email", default=None, help="Check only what this person (their email) would see.")
@with_appcontext
def disclosure_check(round_id: int, email: str | None) -> None:
    """Say, per class of viewer, how many figures are shown and hidden, and any risk; exit 1 on a risk."""
    db = get_db()
    framework = framework_for_round(db, round_id)
    if framework is None:
        raise click.ClickException(f"there is no round {round_id}")
    min_group = current_app.config["MIN_GROUP"]
    raw = kept_benchmark(db, round_id, min_group)
    viewers = [viewer_by_email(db, email)] if email else viewer_classes(db, raw)
    risky = 0
    click.echo(f"Round {round_id}: {framework.title} (version {framework.version})")
    for viewer in viewers:
        found = audit(raw, publish_for(raw, framework, viewer, min_group), viewer)
        hidden = ", ".join(f"{REASON_WORDS.get(k, k)} {n}" for k, n in sorted(found.hidden.items())) or "none"
        click.echo(f"- {found.viewer}: {found.shown} figures shown; hidden: {hidden}; "
                   f"{'RISK' if found.risks else 'no risk found'}")
        for risk in found.risks:
            click.echo(f"    risk: {risk}")
        risky += bool(found.risks)
    if risky:
        click.echo(f"{risky} viewer class(es) at risk: do not open these results until the rules are fixed.", err=True)
        raise SystemExit(1)
    click.echo("No viewer can work out another organisation's answers from these figures.")
