"""The links every page carries follow the path the app is mounted under."""
from __future__ import annotations

from bs4 import BeautifulSoup


def _links(response) -> tuple[str, str]:
    page = BeautifulSoup(response.data, "html.parser")
    return (page.find("link", rel="stylesheet", href=lambda h: h.endswith("app.css"))["href"],
            page.find("a", class_="app-header__service")["href"])


def test_page_links_are_built_for_each_mount_point(client):
    assert _links(client.get("/sign-in")) == ("/static/app.css", "/")
    mounted = client.get("/sign-in", base_url="http://localhost/self-assessment")
    assert _links(mounted) == ("/self-assessment/static/app.css", "/self-assessment/")
    # and the root's links are not taken for the mounted app's, nor the other way round
    assert _links(client.get("/sign-in")) == ("/static/app.css", "/")
