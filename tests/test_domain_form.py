"""A domain page's form: what a page shows, and nothing of one post reaching the next."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from surveyapp.assessments.forms import build_domain_form, form_errors
from surveyapp.frameworks.registry import framework_for_round

from .conftest import csrf_token, sign_in


def _posted(app, framework, domain, data: dict, require=True):
    """Bind and validate a domain form as a page save does; return (form, valid)."""
    with app.test_request_context("/", method="POST", data=data):
        form = build_domain_form(framework, domain, require=require, formdata=MultiDict(data))
        return form, form.validate()


def test_each_post_gets_a_new_form_holding_only_its_own_values(app, db, make_round):
    framework = framework_for_round(db, make_round("strategic-planning"))
    domain = framework.domains[0]
    first, second, third = (ind.id for ind in domain.scored_indicators[:3])

    # one lead's post: an answer, typed evidence, and a value that is not on the scale
    earlier, valid = _posted(app, framework, domain, {
        first: "5", first + "__comment": "Minutes of the March board", second: "99"})
    assert not valid and second in form_errors(earlier)

    # the next post, another lead's, answers one question only
    later, valid = _posted(app, framework, domain, {third: "2"})
    assert later is not earlier  # nothing of one person's post is kept for the next request
    assert earlier[first + "__comment"].data == "Minutes of the March board"  # the first form is untouched
    assert later[third].data == "2"
    assert later[first].data is None and later[second].data is None
    assert later[first + "__comment"].data in (None, "")
    assert not valid
    errors = form_errors(later)
    assert second in errors and "Select an answer" in errors[second]  # required, not "not a valid choice"
    assert third not in errors

    # saved for later, nothing is required: no errors left from either post
    relaxed, valid = _posted(app, framework, domain, {third: "2"}, require=False)
    assert valid and form_errors(relaxed) == {}


def _open_domain(client, email, org, round_id, domain_id):
    """Sign in, start the response and return the domain page's URL."""
    sign_in(client, email)
    base = f"/rounds/{round_id}/organisations/{org}"
    client.post(base + "/start", data={"csrf_token": csrf_token(client.get(base + "/").get_data(as_text=True))})
    return f"{base}/domains/{domain_id}"


def _save(client, url, data):
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return client.post(url, data={**data, "version": version, "action": "continue", "csrf_token": csrf_token(page)})


def test_two_people_posting_one_after_the_other_never_see_each_others_answers(app, db, make_org, make_user,
                                                                              make_round):
    round_id = make_round("strategic-planning")
    org_a, org_b = make_org("Alpha Harbour Recovery Service (fictional)"), make_org("Beta Glens (fictional)")
    make_user("a@example.org", organisations=[org_a])
    make_user("b@example.org", organisations=[org_b])
    domain = framework_for_round(db, round_id).domains[0]
    first, second = (ind.id for ind in domain.scored_indicators[:2])
    alice, bob = app.test_client(), app.test_client()
    url_a = _open_domain(alice, "a@example.org", org_a, round_id, domain.id)
    url_b = _open_domain(bob, "b@example.org", org_b, round_id, domain.id)
    private = "Alpha private board minutes of March"

    # Alice's save fails (one answer is off the scale): her page comes back with what she typed
    refused = _save(alice, url_a, {first: "4", first + "__comment": private, second: "99"})
    assert refused.status_code == 200 and private in refused.get_data(as_text=True)

    # straight after, on the same worker, Bob sends a page with one answer and no evidence
    shown = _save(bob, url_b, {second: "2"})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200  # the other answers are required: his page comes back
    assert private not in page
    soup = BeautifulSoup(page, "html.parser")
    assert not soup.find("input", attrs={"name": first, "checked": True})
    assert soup.find("textarea", attrs={"name": first + "__comment"}).get_text() == ""
    assert soup.find("input", attrs={"name": second, "value": "2"}).has_attr("checked")
    assert private not in bob.get(url_b).get_data(as_text=True)


def test_number_and_text_answers_are_shown_again_as_saved_and_as_typed(client, db, make_org, make_user,
                                                                       make_round):
    org = make_org("Riverside Recovery Service (fictional)")
    make_user("lead@example.org", organisations=[org])
    round_id = make_round("culture-change-mhsu")
    sign_in(client, "lead@example.org")
    framework = framework_for_round(db, round_id)
    domain = next(d for d in framework.domains if any(i.type == "number" for i in d.indicators))
    number = next(i for i in domain.indicators if i.type == "number")
    rating = next(i for i in domain.indicators if i.type == "rating")
    base = f"/rounds/{round_id}/organisations/{org}"
    client.post(base + "/start", data={"csrf_token": csrf_token(client.get(base + "/").get_data(as_text=True))})
    url = f"{base}/domains/{domain.id}"

    def post(data):
        page = client.get(url).get_data(as_text=True)
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
        return client.post(url, data={**data, "version": version, "action": "later",
                                      "csrf_token": csrf_token(page)})

    assert post({number.id: "12", rating.id: "3", rating.id + "__comment": "Rota & <notes>"}).status_code == 302
    shown = BeautifulSoup(client.get(url).data, "html.parser")
    assert shown.find("input", attrs={"name": number.id})["value"] == "12"
    assert shown.find("input", attrs={"name": rating.id, "value": "3"}).has_attr("checked")
    assert shown.find("textarea", attrs={"name": rating.id + "__comment"}).get_text() == "Rota & <notes>"

    # a number that is not one: the page again, with the error and exactly what was typed
    refused = post({number.id: "twelve", rating.id: "4"})
    assert refused.status_code == 200
    page = BeautifulSoup(refused.data, "html.parser")
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == [f"#{number.id}"]
    field = page.find("input", attrs={"name": number.id})
    assert field["value"] == "twelve" and f"{number.id}-error" in field["aria-describedby"]
    assert page.find(id=f"{number.id}-error") is not None
    assert page.find("input", attrs={"name": rating.id, "value": "4"}).has_attr("checked")
    assert db.execute("SELECT value FROM answers WHERE indicator_id = ?", [number.id]).fetchone()[0] == 12.0
