"""Send hostile input to every form and every parameter the permission table knows.

Every POST route gets, as a role allowed to use it: each payload in every field,
valid submissions whose text fields carry payloads (so they are stored), missing
fields, extra fields and wrong types. Every GET route gets payloads in its query
string and string path arguments. Then every page is read back as every allowed
role. Nothing may answer 5xx, no payload may come back as markup, and the
database schema must be exactly as before.
"""
from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from .permission_table import TABLE
from .security_world import build_world, client_for, scratch_dir

MARKER = "hostile-marker"
MARKUP = [  # each tries to become markup: a script, an element, an event handler, a javascript: link
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)' x='",
    "javascript:alert(1)",
    f"<{MARKER}>tag</{MARKER}>",
]
STORABLE = "".join(MARKUP) + " \u202eevil\u202c \u200f"  # all of them at once, short enough to be stored
PAYLOADS = [
    STORABLE,
    "'; DROP TABLE users; -- Robert'); DELETE FROM organisations; -- 1 OR 1=1",
    "nul\x00byte",
    "{{ 7*7 }}{% if 1 %}jinja{% endif %} 😀 ünïcödé ✓ ẞ \u202eevil\u202c",
    "x" * 20_000,
    "",
    "   ",
]
# Signs that a payload came back as markup; a page with none of them need not be parsed.
SUSPICIOUS = (MARKER, "javascript:", "onerror", "onmouseover")
WRONG_TYPES = ["-1", "0", "1e309", "NaN", "99999999999999999999", "3.5", "true", "[]", "{}"]
QUERY_KEYS = ("next", "page", "action", "kept", "from", "q", "token", "round", "id")
PREFERRED = ("admin", "facilitator_all", "lead_a", "facilitator_dundee", "commissioner_dundee", "lead_b")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with scratch_dir(tmp_path_factory.mktemp("hostile")) as folder:
        yield build_world(folder)


def schema(world) -> list:
    db = world.db()
    rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    db.close()
    return rows


def row_counts(world) -> dict:
    db = world.db()
    counts = {t: db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
              for t in ("users", "organisations", "responses", "answers", "rounds", "framework_versions")}
    db.close()
    return counts


def routes(world):
    """Yield (rule, route, target, role, url) for every mapped route, as its preferred allowed role."""
    for rule in sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule):
        route = TABLE.get(rule.endpoint)
        if route is None or rule.endpoint == "static":
            continue
        target = "A" if "A" in route.allowed else "-"
        # public pages as someone not signed in: a link that signs someone in must not end a test session
        roles = [r for r in ("anonymous", *PREFERRED) if r in route.allowed[target]]
        if roles:
            with world.app.test_request_context():
                url = url_for(rule.endpoint, **route.args(world, target))
            yield rule, route, target, roles[0], url


def markup_problems(html: str) -> list[str]:
    """Return every sign that a payload was rendered as markup rather than text."""
    if html.count("<script") <= 1 and not any(sign in html for sign in SUSPICIOUS):
        return []  # no payload echoed here at all, escaped or not
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    if soup.find(MARKER):
        problems.append(f"<{MARKER}> rendered as a tag")
    for script in soup.find_all("script"):
        if script.get("src") != "/static/app.js" or script.string:
            problems.append(f"unexpected script: {str(script)[:80]}")
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"event handler attribute {name} on <{tag.name}>")
            if name in ("href", "src", "action", "formaction") and str(value).strip().lower().startswith("javascript:"):
                problems.append(f"javascript: URL in {name} of <{tag.name}>")
    return problems


def collect_forms(forms: dict, url: str, html: str) -> None:
    """Note the fields of every POST form on a page, under the path it posts to."""
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields = forms.setdefault(urlsplit(form.get("action") or url).path, {})
        for element in form.find_all(["input", "textarea", "select", "button"]):
            name = element.get("name")
            if not name or name == "csrf_token":
                continue
            kind = element.name if element.name != "input" else element.get("type", "text")
            value = element.get("value", "")
            if element.name == "select":
                values = [o.get("value", "") for o in element.find_all("option")]
                value = next((v for v in values if v), "")
            if name not in fields or kind == "hidden":
                fields[name] = (kind, value)


def valid_data(fields: dict, text) -> dict:
    """Fill a form as a person would, with text (a payload) in every free-text field."""
    data = {}
    for index, (name, (kind, value)) in enumerate(fields.items()):
        if kind == "email":
            data[name] = f"hostile{abs(hash(text)) % 10_000}.{index}@example.org"
        elif kind in ("text", "textarea", "password"):
            data[name] = text if text.strip() else "x"
        elif kind == "file":
            data[name] = (io.BytesIO(csv_with(text)), "organisations.csv")
        else:
            data[name] = value
    return data


def csv_with(name: str) -> bytes:
    """Return an organisations CSV naming one organisation name."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([("name", "area", "sector"), (name[:200] or "x", "Angus", "NHS")])
    return out.getvalue().encode("utf-8")


def post_variants(fields: dict):
    """Yield (label, data) for every hostile way to fill a form."""
    names = list(fields) or ["field"]
    for i, payload in enumerate(PAYLOADS if fields else PAYLOADS[:1]):  # a form with no fields needs few
        yield f"payload {i} in every field", dict.fromkeys(names, payload)
    yield "valid form with markup in the text", valid_data(fields, STORABLE)
    yield "valid form with SQL in the text", valid_data(fields, PAYLOADS[1])
    yield "no fields at all", {}
    yield "extra fields", {**valid_data(fields, "extra"), "role": "admin", "is_admin": "1", "user_id": "1",
                           "organisation_id": "2", MARKUP[0]: MARKUP[1], "a" * 5000: "b"}
    yield "every field twice", {n: [STORABLE, "2"] for n in names}
    for shift in range(2):
        yield f"wrong types {shift}", {n: WRONG_TYPES[(i + shift * 3) % len(WRONG_TYPES)] for i, n in enumerate(names)}
    yield "a file in every field", {n: (io.BytesIO(b"\x00\xff<script>"), "x.exe") for n in names}
    yield "bytes that are not UTF-8", "&".join(f"{quote(n)}=%FF%FE%C3%28" for n in names).encode()


def test_hostile_input_everywhere(world):
    before_schema, before_counts = schema(world), row_counts(world)
    forms, failures = {}, []
    every_route = list(routes(world))

    # every parameter first; the pages that come back also show which forms post where
    pages = []  # (role, url) of every HTML page, to read back at the end
    for rule, route, target, role, url in every_route:
        if "GET" in rule.methods:
            for label, target_url in get_variants(world, rule, route, target, url):
                response = client_for(world, role).get(target_url)
                if response.status_code == 200 and "text/html" in response.content_type:
                    collect_forms(forms, url, response.get_data(as_text=True))
                    pages.append((role, url))
                failures += check_reply(response, f"GET {label} as {role}")

    for rule, route, _target, role, url in every_route:
        if "POST" not in rule.methods:
            continue
        for label, data in post_variants(forms.get(urlsplit(url).path, {})):
            client = client_for(world, role, fresh=route.sign_in_redirect_is_fine)
            if isinstance(data, bytes):  # a raw body, for bytes no form library would send
                response = client.post(url + route.query, data=data + f"&csrf_token={client.csrf}".encode(),
                                       content_type="application/x-www-form-urlencoded")
            else:
                response = client.post(url + route.query, data={**data, "csrf_token": client.csrf},
                                       content_type="multipart/form-data")
            failures += check_reply(response, f"POST {url} as {role}, {label}")

    failures += read_everything_back(world, sorted(set(pages)))
    assert not failures, "\n".join(failures[:60])
    assert stored_payloads(world) == [], "these payloads were never stored, so never read back"
    assert schema(world) == before_schema, "the database schema changed"
    after = row_counts(world)
    assert all(after[t] >= before_counts[t] for t in before_counts), f"rows disappeared: {before_counts} -> {after}"


STORED_IN = {
    "an organisation's name": "SELECT count(*) FROM organisations WHERE name LIKE ?",
    "a person's name": "SELECT count(*) FROM users WHERE name LIKE ?",
    "an answer": "SELECT count(*) FROM answers WHERE text LIKE ? OR comment LIKE ?",
    "a reopening reason": "SELECT count(*) FROM reopenings WHERE reason LIKE ?",
    "an invitation": "SELECT count(*) FROM tokens WHERE name LIKE ?",
}


def stored_payloads(world) -> list[str]:
    """Return the places where no markup payload was stored (so the read-back proved nothing there)."""
    db = world.db()
    pattern = f"%<{MARKER}>%"
    missing = [place for place, sql in STORED_IN.items()
               if not db.execute(sql, [pattern] * sql.count("?")).fetchone()[0]]
    db.close()
    return missing


def get_variants(world, rule, route, target, url):
    """Yield (label, url) with payloads in the query string and in every string path argument."""
    hostile = STORABLE + PAYLOADS[1] + PAYLOADS[2]
    mixed = {k: hostile if i % 2 else WRONG_TYPES[i % len(WRONG_TYPES)] for i, k in enumerate(QUERY_KEYS)}
    mixed["long"] = "x" * 20_000
    yield f"{url} with markup, SQL, NUL, wrong types and a long value in the query", f"{url}?{urlencode(mixed)}"
    args = route.args(world, target)
    for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule):
        if converter in ("", "string", "path"):
            for value in (hostile, "../../etc/passwd" + "x" * 5_000):
                with world.app.test_request_context():
                    path = url_for(rule.endpoint, **{**args, name: "PLACEHOLDER"})
                yield f"{rule.endpoint} with {name}={value[:20]!r}", path.replace("PLACEHOLDER", quote(value, safe=""))


def check_reply(response, where: str) -> list[str]:
    """Return the problems with one reply: a server error, or a payload shown as markup."""
    with response:
        if response.status_code >= 500:
            return [f"{where}: {response.status_code}"]
        if "text/html" in response.content_type:
            return [f"{where}: {p}" for p in markup_problems(response.get_data(as_text=True))]
    return []


def read_everything_back(world, pages) -> list[str]:
    """Read every page again, now that payloads are stored, and look for any shown as markup."""
    failures = []
    for role, url in pages:
        failures += check_reply(client_for(world, role).get(url), f"reading back {url} as {role}")
    return failures


def test_audit_csv_cannot_smuggle_formulas(world):
    client = client_for(world, "anonymous")
    client.post("/sign-in", data={"email": "=HYPERLINK(\"http://x\")@example.org", "password": "wrong password",
                                  "csrf_token": client.csrf})
    admin = client_for(world, "admin")
    text = admin.get("/admin/audit.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "at"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row)


def test_pages_load_no_script_but_app_js(world):
    page = client_for(world, "lead_a").get("/").get_data(as_text=True)
    scripts = BeautifulSoup(page, "html.parser").find_all("script")
    assert [s.get("src") for s in scripts] == ["/static/app.js"]
    assert all(s.get("type") == "module" and not s.string for s in scripts)
