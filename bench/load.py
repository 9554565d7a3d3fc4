"""A small closed-loop HTTP load generator: threads, http.client, keep-alive, a cookie each.

Each client thread runs one respondent's journeys back to back with no think
time, and records every request's latency. Only loopback addresses are used;
every run is bounded in time and stops by itself.
"""
from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from .common import process_tree_cpu_seconds

VERSION = re.compile(rb'name="version" value="(\d+)"')
TOKEN = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Exhausted(Exception):
    """A client has used every round set aside for it."""


class TimeUp(Exception):
    """The phase is over; a journey in progress is left where it is."""


@dataclass
class Sample:
    """One request: what it was, when it started, how long it took, its status."""
    kind: str
    start: float
    seconds: float
    status: int


class Client:
    """One browser: a keep-alive connection, a cookie jar and a CSRF token."""

    def __init__(self, host: str, port: int):
        """Open a connection to a server on this machine."""
        if host not in LOOPBACK:
            raise ValueError("the load generator only talks to this machine")
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.token = ""
        self.samples: list[Sample] = []

    def request(self, kind: str, method: str, path: str, fields: dict | None = None,
                record: bool = True) -> tuple[int, dict, bytes]:
        """Send one request, keeping cookies; retry once on a connection the server closed."""
        body = urlencode(fields).encode() if fields is not None else None
        headers = {"Host": f"{self.host}:{self.port}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        start = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # a sync worker or an idle keep-alive timeout closed the connection: reconnect
                self.conn.close()
                if attempt == 2:
                    raise
        elapsed = time.perf_counter() - start
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        for header in response.msg.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        if record:
            self.samples.append(Sample(kind, start, elapsed, response.status))
        return response.status, dict(response.getheaders()), data

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


@dataclass
class Plan:
    """What one client does: its organisation, its email and the rounds it may use."""

    org_id: int
    email: str
    rounds: list[int]
    next_round: int = 0

    def take_round(self) -> int:
        """Return the next unused round, or raise Exhausted."""
        if self.next_round >= len(self.rounds):
            raise Exhausted()
        self.next_round += 1
        return self.rounds[self.next_round - 1]


@dataclass
class Journey:
    """The pages of a journey: the domains in order, and how to name a response's URLs."""

    domains: list[str]
    answers: dict[str, dict]       # domain id -> the form fields of a completed page
    bare: bool = False

    def base(self, round_id: int, plan: Plan) -> str:
        """Return the path of a response's pages, app or bare."""
        prefix = "/bare" if self.bare else ""
        return f"{prefix}/rounds/{round_id}/organisations/{plan.org_id}"

    def suffix(self, plan: Plan) -> str:
        """Return the query string that names the respondent to the bare app."""
        return f"?r={plan.email}" if self.bare else ""


def run_journey(client: Client, journey: Journey, plan: Plan, deadline: float = float("inf")) -> None:
    """Start a response, GET and save every domain page, then submit; stop at the deadline."""

    def check_time():
        if time.perf_counter() >= deadline:
            raise TimeUp()

    round_id = plan.take_round()
    base, q = journey.base(round_id, plan), journey.suffix(plan)
    status, _, _ = client.request("start", "POST", base + "/start" + q, {"csrf_token": client.token})
    _expect(status, 302, "start")
    for domain in journey.domains:
        url = f"{base}/domains/{domain}{q}"
        check_time()
        status, _, page = client.request("get", "GET", url)
        _expect(status, 200, "domain page")
        version = VERSION.search(page).group(1).decode()
        token = TOKEN.search(page)
        if token and not journey.bare:
            client.token = token.group(1).decode()
        check_time()
        status, _, _ = client.request("save", "POST", url, {
            **journey.answers[domain], "version": version, "action": "continue",
            "csrf_token": client.token})
        _expect(status, 302, "save")
    check_time()
    status, _, _ = client.request("submit", "POST", f"{base}/check{q}", {"csrf_token": client.token})
    _expect(status, 302, "submit")


def run_saves(client: Client, journey: Journey, plan: Plan, deadline: float) -> None:
    """Start a response, then save its first domain page again and again until the deadline: writes only."""
    round_id = plan.take_round()
    base, q = journey.base(round_id, plan), journey.suffix(plan)
    status, _, _ = client.request("start", "POST", base + "/start" + q, {"csrf_token": client.token})
    _expect(status, 302, "start")
    domain, version = journey.domains[0], 1  # a new draft is version 1; each save adds one
    while time.perf_counter() < deadline:
        status, _, _ = client.request("save", "POST", f"{base}/domains/{domain}{q}", {
            **journey.answers[domain], "version": str(version), "action": "continue",
            "csrf_token": client.token})
        _expect(status, 302, "save")
        version += 1
    raise TimeUp()


class UnexpectedStatus(Exception):
    """The server answered with a status the journey did not expect."""


def _expect(status: int, wanted: int, what: str) -> None:
    """Raise UnexpectedStatus unless the status is the wanted one."""
    if status != wanted:
        raise UnexpectedStatus(f"{what}: HTTP {status}, expected {wanted}")


@dataclass
class PhaseResult:
    """What a phase measured."""

    concurrency: int
    seconds: float
    samples: list[Sample]
    journeys: int
    errors: list[str] = field(default_factory=list)
    client_cpu: float = 0.0
    exhausted: int = 0
    server_cpu: float = 0.0  # CPU seconds the server's processes used meanwhile, when measured

    @property
    def requests(self) -> int:
        """Return how many requests completed."""
        return len(self.samples)

    @property
    def rate(self) -> float:
        """Return completed requests a second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float, kind: str | None = None) -> float:
        """Return the p-th percentile latency in milliseconds (nearest rank)."""
        values = sorted(s.seconds for s in self.samples if kind is None or s.kind == kind)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))] * 1000


def run_phase(clients: list[Client], plans: list[Plan], journey: Journey | None, seconds: float,
              ping_path: str | None = None, saves_only: bool = False,
              server_pid: int | None = None) -> PhaseResult:
    """Run every client's journeys (or pings, or saves only) for `seconds`; return what was measured.

    With `server_pid`, also measure the CPU that server's process tree used.
    """
    for client in clients:
        client.samples = []
    deadline_box = {}
    counts = [0] * len(clients)
    errors: list[str] = []
    exhausted = [0]
    barrier = threading.Barrier(len(clients) + 1)

    def work(i: int) -> None:
        client = clients[i]
        barrier.wait()
        try:
            while time.perf_counter() < deadline_box["end"]:
                if ping_path:
                    client.request("ping", "GET", ping_path)
                elif saves_only:
                    run_saves(client, journey, plans[i], deadline_box["end"])
                else:
                    run_journey(client, journey, plans[i], deadline_box["end"])
                counts[i] += 1
        except TimeUp:
            pass
        except Exhausted:
            exhausted[0] += 1
        except Exception as exc:
            errors.append(f"client {i}: {exc!r}")

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(clients))]
    for t in threads:
        t.start()
    server_cpu = process_tree_cpu_seconds(server_pid) if server_pid else 0.0
    cpu = time.process_time()
    start = time.perf_counter()
    deadline_box["end"] = start + seconds
    barrier.wait()
    for t in threads:
        t.join(seconds + 120)
    # Requests finishing after the deadline count, over the time they took to finish.
    end = max([start + seconds] + [s.start + s.seconds for c in clients for s in c.samples])
    samples = [s for c in clients for s in c.samples]
    client_cpu = time.process_time() - cpu
    if server_pid:
        server_cpu = process_tree_cpu_seconds(server_pid) - server_cpu
    return PhaseResult(len(clients), end - start, samples, sum(counts), errors, client_cpu, exhausted[0],
                       server_cpu)


def merge(results: list[PhaseResult]) -> PhaseResult:
    """Add up the slices of one side's measurement."""
    return PhaseResult(
        results[0].concurrency, sum(r.seconds for r in results), [s for r in results for s in r.samples],
        sum(r.journeys for r in results), [e for r in results for e in r.errors],
        sum(r.client_cpu for r in results), sum(r.exhausted for r in results),
        sum(r.server_cpu for r in results))
