"""The external checker against local servers: every verdict, retry path and limit.

Servers listen on 127.0.0.2–127.0.0.6, standing in for separate hosts. Nothing in this
file talks to anything but loopback; the DNS failure is simulated by a resolver that
refuses *.invalid names without asking any DNS server.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
import urllib.parse

import pytest

from link_check.cache import LinkCache
from link_check.external import ExternalChecker, retry_after_seconds
from link_check.html_scan import scan_html
from link_check.runner import check_external, collect_external, run_sync
from link_check.settings import Settings, SettingsError, load_settings
from link_servers import LoopbackServer, self_signed_context

FAST = dict(connect_timeout=1.0, read_timeout=1.0, request_timeout=3.0, backoff=0.05, retries=2,
            host_wait_budget=5.0, user_agent="Fixture site link checker (checks cited sources)")


def settings(**overrides) -> Settings:
    return Settings(**{**FAST, **overrides})


def check(url: str, fragments=(), allowed_networks=None, **overrides):
    checker = ExternalChecker(settings(**overrides), allowed_networks=allowed_networks)

    async def run():
        return await checker.check_all({url: set(fragments)})

    return run_sync(run())[url], checker


@pytest.fixture(scope="module")
def host_a():
    server = LoopbackServer("127.0.0.2")
    yield server
    server.close()


@pytest.fixture
def fresh():
    """A new server per test, for tests that count requests."""
    servers = []

    def make(host="127.0.0.3", **kwargs):
        server = LoopbackServer(host, **kwargs)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


# Verdicts


def test_ok_with_a_single_head_request(fresh):
    server = fresh()
    result, checker = check(server.url("/ok"))
    assert (result.verdict, result.status) == ("ok", 200)
    assert server.requests == {("HEAD", "/ok"): 1}
    assert checker.requests_sent == 1


def test_honest_user_agent(fresh):
    server = fresh()
    check(server.url("/ok"))
    assert server.user_agents == {"Fixture site link checker (checks cited sources)"}


@pytest.mark.parametrize("path", ["/head405", "/head500", "/status/403"])
def test_get_when_head_is_rejected(fresh, path):
    server = fresh()
    result, _ = check(server.url(path))
    assert server.count(path, "HEAD") == 1 and server.count(path, "GET") >= 1
    assert result.verdict == ("unverifiable" if path == "/status/403" else "ok")


@pytest.mark.parametrize(("status", "verdict", "detail"), [
    (404, "broken", "404 Not Found"),
    (410, "broken", "410 Gone"),
    (400, "broken", "400 client error"),
    (401, "unverifiable", "401: the site refused an automated check"),
    (403, "unverifiable", "403: the site refused an automated check"),
    (999, "unverifiable", "999: the site refused an automated check"),
])
def test_status_verdicts(host_a, status, verdict, detail):
    result, _ = check(host_a.url(f"/status/{status}"))
    assert (result.verdict, result.detail, result.status) == (verdict, detail, status)


def test_accepted_status_counts_as_ok(host_a):
    result, _ = check(host_a.url("/status/403"), accept_status=(403,))
    assert result.verdict == "ok"


@pytest.mark.parametrize(("path", "kind"), [("/perm", "permanent"), ("/temp", "temporary")])
def test_redirects_report_the_final_url(host_a, path, kind):
    result, _ = check(host_a.url(path))
    assert (result.verdict, result.redirect, result.final_url) == ("redirected", kind, host_a.url("/ok-final"))
    assert result.detail == f"{kind} redirect to {host_a.url('/ok-final')}"


def test_redirect_loop_is_broken_and_bounded(fresh):
    server = fresh()
    result, _ = check(server.url("/loop-a"))
    assert result.verdict == "broken"
    assert result.detail.startswith("redirect loop (")
    assert server.total() == 2


def test_too_many_redirects(host_a):
    result, _ = check(host_a.url("/chain/12"), max_redirects=10)
    assert (result.verdict, result.detail) == ("broken", "more than 10 redirects")
    followed, _ = check(host_a.url("/chain/5"), max_redirects=10)
    assert followed.verdict == "redirected" and followed.final_url == host_a.url("/ok")


# Retries


def test_server_error_is_retried_then_ok(fresh):
    server = fresh()
    result, _ = check(server.url("/flaky500"))
    assert result.verdict == "ok"
    assert server.count("/flaky500", "GET") == 2


def test_persistent_server_error_is_broken_after_retries(fresh):
    server = fresh()
    result, _ = check(server.url("/always500"), retries=2)
    assert (result.verdict, result.status) == ("broken", 503)
    assert result.detail == "server answered 503 after 3 attempts"
    assert server.count("/always500", "GET") == 3


def test_retry_after_is_honoured(fresh):
    server = fresh()
    start = time.monotonic()
    result, _ = check(server.url("/429-then-ok"), backoff=0.01)
    assert result.verdict == "ok"
    assert time.monotonic() - start >= 0.95  # waited the 1 s the server asked for
    assert server.count("/429-then-ok") == 2


def test_retry_after_is_capped(fresh):
    server = fresh()
    start = time.monotonic()
    result, _ = check(server.url("/always429/3600"), retries=2, retry_after_cap=0.2)
    assert result.verdict == "unverifiable" and result.detail == "rate limited (429) after 3 attempts"
    assert time.monotonic() - start < 60  # a bound, not a measure: uncapped, the waits would be 7,200 s


def test_always_429_host_does_not_stall_the_run(fresh):
    server = fresh()
    urls = {server.url(f"/always429/1?n={n}"): set() for n in range(6)}
    checker = ExternalChecker(settings(retries=10, host_wait_budget=2.0))
    start = time.monotonic()
    results = run_sync(checker.check_all(urls))
    elapsed = time.monotonic() - start
    assert {r.verdict for r in results.values()} == {"unverifiable"}
    assert server.total() < 6 * 11  # the budget ended the retries: not every URL tried 11 times
    assert elapsed < 9, f"took {elapsed:.1f} s despite a 2 s waiting budget"  # without it: 10 s or more


def test_retry_after_parsing():
    assert retry_after_seconds("5", cap=30) == 5
    assert retry_after_seconds("120", cap=30) == 30
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", cap=30, now=1445412480.0) == 10
    assert retry_after_seconds("soon", cap=30) is None
    assert retry_after_seconds(None, cap=30) is None


def test_timeout_is_retried_then_broken(fresh):
    server = fresh()
    result, _ = check(server.url("/slow"), read_timeout=0.3, retries=1)
    assert result.verdict == "broken"
    assert result.detail.startswith("timed out") and result.detail.endswith("after 2 attempts")
    assert server.count("/slow") == 2  # (the server answers after 2 s: "timed out" shows the 0.3 s limit held)


def test_connection_reset_is_retried_then_broken(fresh):
    server = fresh()
    result, _ = check(server.url("/reset"), retries=1)
    assert result.verdict == "broken" and result.detail.startswith("connection reset")
    assert server.count("/reset") >= 2


def test_connection_refused_is_broken_without_retry():
    with socket.socket() as probe:  # find a port nobody listens on
        probe.bind(("127.0.0.4", 0))
        port = probe.getsockname()[1]
    result, _ = check(f"http://127.0.0.4:{port}/", retries=3)
    assert (result.verdict, result.detail, result.attempts) == ("broken", "connection refused", 1)


def test_dns_failure_is_broken(monkeypatch):
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    result, _ = check("http://no-such-host.invalid/page")
    assert (result.verdict, result.detail) == ("broken", "DNS failure: the host name does not resolve")


def test_tls_failure_is_broken(tmp_path):
    server = LoopbackServer("127.0.0.6", tls=self_signed_context(tmp_path, "127.0.0.6"))
    try:
        result, _ = check(server.url("/ok"))
    finally:
        server.close()
    assert result.verdict == "broken" and result.detail.startswith("TLS failure")


# Fragments and bodies


def test_fragments_share_one_get(fresh):
    server = fresh()
    pages = {"a.html": scan_html("a.html", f'<a href="{server.url("/page")}#present">x</a>'
                                           f'<a href="{server.url("/page")}#absent">y</a>'
                                           f'<a href="{server.url("/page")}#named">z</a>')}
    report = check_external(collect_external(pages), settings(), cache=None)
    verdicts = {row["url"].rsplit("#", 1)[1]: row["verdict"] for row in report.rows}
    assert verdicts == {"present": "ok", "absent": "broken", "named": "ok"}
    assert server.requests == {("GET", "/page"): 1}
    absent = next(row for row in report.rows if row["url"].endswith("#absent"))
    assert absent["detail"] == "the page has no anchor '#absent'"
    assert absent["wayback"].startswith("https://web.archive.org/web/*/http://127.0.0.3")


def test_endless_body_stops_at_the_cap(fresh):
    server = fresh()
    result, _ = check(server.url("/endless"), fragments=["never"], max_body_bytes=200_000)
    assert result.verdict == "ok" and result.fragments_missing == ["never"]  # it stopped: the body never ends


def test_endless_body_without_fragment_is_not_read(fresh):
    server = fresh()
    result, _ = check(server.url("/endless"))
    assert result.verdict == "ok"
    assert server.requests == {("HEAD", "/endless"): 1}  # no GET: the endless body was never asked for


def test_fragment_on_a_non_html_page_is_not_judged(host_a):
    result, _ = check(host_a.url("/pdf"), fragments=["page=2"])
    assert result.verdict == "ok" and result.fragments_missing == []
    assert "fragments not checked (not an HTML page)" in result.detail


# Limits


def test_per_host_limit_measured_on_the_server(fresh):
    servers = [fresh(f"127.0.0.{n}", latency=0.15) for n in (3, 4, 5)]
    urls = {server.url(f"/ok/{i}"): set() for server in servers for i in range(12)}
    checker = ExternalChecker(settings(per_host=2, concurrency=32))
    results = run_sync(checker.check_all(urls))
    assert all(r.verdict == "ok" for r in results.values())
    assert [server.max_in_flight for server in servers] == [2, 2, 2]
    assert all(server.total() == 12 for server in servers)  # one request per unique URL
    # Hosts were checked side by side, not one after another: some request to each host
    # was being answered while one to another host was (an order of events, not a speed).
    for one, other in ((0, 1), (1, 2), (0, 2)):
        assert any(a_start < b_end and b_start < a_end for a_start, a_end in servers[one].served
                   for b_start, b_end in servers[other].served), (one, other)


def test_one_request_per_unique_url(fresh):
    server = fresh()
    html = "".join(f'<a href="{server.url("/ok")}">link {n}</a>' for n in range(5))
    pages = {f"p{n}.html": scan_html(f"p{n}.html", html) for n in range(4)}
    bibliography = [{"id": "entry-a", "URL": server.url("/ok"), "custom": {}}]
    report = check_external(collect_external(pages, bibliography), settings(), cache=None)
    assert server.total() == 1
    (row,) = report.rows
    assert row["pages"] == ["p0.html", "p1.html", "p2.html", "p3.html"]
    assert row["bibliography_entries"] == ["entry-a"]


def test_deadline_ends_the_run(fresh):
    server = fresh()
    checker = ExternalChecker(settings(deadline=0.5, read_timeout=5, request_timeout=10))
    results = run_sync(checker.check_all({server.url("/slow"): set()}))
    (result,) = results.values()  # (the server answers in 2 s, within the read timeout: only the deadline stops it)
    assert (result.verdict, result.detail) == ("unverifiable", "not checked within the 0.5 s deadline")


def test_skipped_urls_are_never_requested(fresh):
    server = fresh()
    pages = {"a.html": scan_html("a.html", f'<a href="{server.url("/ok")}">x</a>')}
    report = check_external(collect_external(pages), settings(skip=(r"127\.0\.0\.3",)), cache=None)
    assert report.rows == [] and server.total() == 0


# Cache and history


def test_cache_hit_then_expiry(fresh, tmp_path):
    server = fresh()
    found = collect_external({"a.html": scan_html("a.html", f'<a href="{server.url("/ok")}">x</a>')})
    options = settings()
    path = tmp_path / "cache.json"
    check_external(found, options, LinkCache(path, options))
    second = check_external(found, options, LinkCache(path, options))
    assert server.total() == 1 and second.requests_sent == 0 and second.rows[0]["from_cache"]
    expired = Settings(**{**options.__dict__, "ttl_days": {**options.ttl_days, "ok": 0.0}})
    third = check_external(found, expired, LinkCache(path, expired))
    assert server.total() == 2 and not third.rows[0]["from_cache"]


def test_failure_history_calls_a_link_dead(fresh, tmp_path):
    server = fresh()
    found = collect_external({"a.html": scan_html("a.html", f'<a href="{server.url("/status/404")}">x</a>')})
    options = Settings(**{**settings().__dict__, "ttl_days": {"ok": 7, "redirected": 7, "unverifiable": 1,
                                                               "broken": 0.0}, "dead_after": 3})
    path = tmp_path / "cache.json"
    rows = [check_external(found, options, LinkCache(path, options)).rows[0] for _ in range(3)]
    assert [row["consecutive_failures"] for row in rows] == [1, 2, 3]
    assert [row["dead"] for row in rows] == [False, False, True]
    saved = json.loads(path.read_text())["entries"][server.url("/status/404")]
    assert [verdict for _, verdict in saved["history"]] == ["broken"] * 3


def test_broken_report_offers_the_archived_copy(fresh):
    server = fresh()
    bibliography = [{"id": "gone-2020", "URL": server.url("/status/410"),
                     "custom": {"archive-url": server.url("/ok-archive")}}]
    report = check_external(collect_external({}, bibliography), settings(), cache=None)
    gone = next(row for row in report.rows if row["url"].endswith("/status/410"))
    assert gone["archived_copy"] == server.url("/ok-archive")
    assert "use the archived copy" in report.broken_lines()[0]


# Settings


@pytest.mark.parametrize(("raw", "message"), [
    ({"per_hots": 2}, "extra.link_check.per_hots: unknown setting"),
    ({"per_host": 5}, "extra.link_check.per_host: more than 4 requests at once to one host is not polite"),
    ({"per_host": 0}, "extra.link_check.per_host: 0 is not a whole number ≥ 1"),
    ({"read_timeout": "ten"}, "extra.link_check.read_timeout: 'ten' is not a positive number of seconds"),
    ({"retries": True}, "extra.link_check.retries: True is not a whole number ≥ 0"),
    ({"accept_status": [403, "x"]}, "extra.link_check.accept_status: 'x' is not an HTTP status code"),
    ({"skip": "^https://a"}, "extra.link_check.skip: must be a list"),
    ({"skip": ["(unclosed"]}, "extra.link_check.skip: '(unclosed' is not a regular expression"),
    ({"ttl_days": {"fine": 3}}, "extra.link_check.ttl_days.fine: unknown verdict"),
])
def test_bad_settings(raw, message):
    with pytest.raises(SettingsError) as caught:
        load_settings(raw)
    assert str(caught.value).startswith(message)


def test_default_user_agent_names_the_site():
    assert load_settings({}, "Racial Equity").user_agent == "Racial Equity link checker (checks cited sources)"


def test_checks_run_inside_a_running_event_loop(fresh):
    """A caller that already runs an event loop (a notebook, a browser test session)."""
    server = fresh()
    pages = {"a.html": scan_html("a.html", f'<a href="{server.url("/ok")}">x</a>')}

    async def caller():
        return check_external(collect_external(pages), settings(), cache=None)

    report = run_sync(caller())
    assert report.rows[0]["verdict"] == "ok"


# Non-public addresses: never requested, reported as "not checked"


def test_private_address_is_not_requested_without_the_test_opt_in(fresh):
    server = fresh()
    checker = ExternalChecker(settings(), allowed_networks=())
    result = run_sync(checker.check_all({server.url("/ok"): set()}))[server.url("/ok")]
    assert (result.verdict, result.detail, result.status) == ("unverifiable", "not checked: private address", None)
    assert server.total() == 0


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]:9/",
                                 "http://[::ffff:127.0.0.1]/", "http://224.0.0.1/", "http://100.64.0.1/",
                                 "http://0.0.0.0/"])
def test_non_public_literals_are_refused_before_any_connection(url):
    result, checker = check(url, allowed_networks=())
    assert (result.verdict, result.detail) == ("unverifiable", "not checked: private address")


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch, fresh):
    server = fresh()
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == "intranet.example":
            return real("127.0.0.3", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    url = server.url("/ok").replace("127.0.0.3", "intranet.example")
    result, _ = check(url, allowed_networks=())
    assert (result.verdict, result.detail) == ("unverifiable", "not checked: private address")
    assert server.total() == 0


def test_a_redirect_into_a_private_address_is_refused_on_that_hop(fresh):
    inside = fresh("127.0.0.3")
    outside = fresh("127.0.0.4")
    start = outside.url("/redirect-to/" + urllib.parse.quote(inside.url("/ok"), safe=""))
    allowed_outside_only = (ipaddress.ip_network("127.0.0.4/32"),)
    checker = ExternalChecker(settings(), allowed_networks=allowed_outside_only)
    result = run_sync(checker.check_all({start: set()}))[start]
    assert (result.verdict, result.detail) == ("unverifiable", "not checked: private address")
    assert (outside.total(), inside.total()) == (1, 0)


def test_public_addresses_are_public():
    from link_check.external import is_public_address

    assert is_public_address("93.184.216.34") and is_public_address("2606:4700::1111")
    assert not any(is_public_address(a) for a in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
                                                   "169.254.169.254", "fe80::1", "fc00::1", "::1", "240.0.0.1"))


# External anchors: a real parse, the HTML standard's fragment rules, GitHub's conventions


def test_external_fragments_follow_the_html_standard(fresh):
    server = fresh()
    page = server.url("/page")
    fragments = {"present", "named", "M%C3%B8lmer", "100%", "late", "top", "TOP", "present:~:text=Present",
                 ":~:text=text", "absent", "Present"}
    pages = {"a.html": scan_html("a.html", "".join(f'<a href="{page}#{f}">x</a>' for f in sorted(fragments)))}
    report = check_external(collect_external(pages), settings(), cache=None)
    verdicts = {row["url"].split("#", 1)[1]: row["verdict"] for row in report.rows}
    assert verdicts == {fragment: "ok" for fragment in fragments - {"absent", "Present"}} | {
        "absent": "broken", "Present": "broken"}  # ids are case-sensitive
    assert server.requests == {("GET", "/page"): 1}


def test_pdf_page_fragment_is_not_an_anchor(host_a):
    result, _ = check(host_a.url("/pdf"), fragments=["page=3"])
    assert result.verdict == "ok"
    assert result.fragments_missing == []


@pytest.mark.parametrize(("fragment", "found"), [
    ("installation", True), ("user-content-installation", True), ("L14", True), ("L14-L29", True),
    ("L14C2-L15C9", True), ("missing", False), ("l14", False),
])
def test_github_conventions(fragment, found):
    from link_check.external import fragments_found

    html = '<article><h2 id="user-content-installation">Installation</h2></article>'
    assert (fragment in fragments_found(html, [fragment], "github.com")) is found
    if fragment.startswith(("installation", "L")):
        assert fragment not in fragments_found(html, [fragment], "example.org")  # only on GitHub


def test_cache_entries_of_the_wrong_shape_are_dropped_not_a_traceback(tmp_path):
    path = tmp_path / "cache.json"
    good = {"url": "https://a.example/", "verdict": "ok", "detail": "200", "checked_at": 1e12,
            "fragments_checked": ["x"]}
    path.write_text(json.dumps({"version": 1, "entries": {
        "https://a.example/": good,
        "https://b.example/": {"verdict": "ok", "checked_at": "yesterday", "fragments_checked": 3},
        "https://c.example/": [1, 2],
        "https://d.example/": {**good, "url": "https://d.example/", "verdict": "fine"},
        "https://e.example/": {**good, "url": "https://e.example/", "status": True},
    }}))
    cache = LinkCache(path, settings())
    assert list(cache.entries) == ["https://a.example/"]
    assert cache.fresh("https://a.example/", {"x"}, now=1e12).verdict == "ok"
    assert cache.fresh("https://b.example/", set(), now=1e12) is None


def test_the_bibliography_urls_come_from_every_file(tmp_path):
    from link_check.runner import bibliography_entries

    data = tmp_path / "docs" / "_data"
    data.mkdir(parents=True)
    (data / "a.yaml").write_text("references:\n- {id: a, type: webpage, title: A, URL: 'https://example.org/a', "
                                 "custom: {confidence: verified}}\n", encoding="utf-8")
    (data / "b.json").write_text('[{"id": "b", "type": "webpage", "title": "B", "URL": "https://example.org/b", '
                                 '"custom": {"confidence": "likely"}}]', encoding="utf-8")
    entries, problem = bibliography_entries({"citations": {"bibliography": ["docs/_data/a.yaml", "docs/_data/b.json"]}},
                                            tmp_path)
    assert problem == "" and [entry["URL"] for entry in entries] == ["https://example.org/a", "https://example.org/b"]
    entries, problem = bibliography_entries({"citations": {"bibliography": ["docs/_data/a.yaml", "docs/_data/c.bib"]}},
                                            tmp_path)
    assert entries == [] and problem.endswith("c.bib: no bibliography here")
