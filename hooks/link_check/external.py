"""Check external URLs politely and give each a verdict: ok, redirected, unverifiable, broken.

One request per unique URL (fragments share it), at most ``per_host`` requests in flight
to any one host, HEAD first and GET only when needed, retries with exponential backoff
and jitter, Retry-After honoured up to a cap within a per-host waiting budget, and an
overall deadline. Only "broken" should fail a build; everything else is evidence.

It never contacts a non-public address (loopback, private, link-local such as the cloud
metadata service at 169.254.169.254, multicast, reserved): a cited URL, or a redirect,
could otherwise lead it into the network that runs the build, and the published report
would show what it found there. Addresses are checked after DNS resolution, on every
redirect hop, by the resolver the connection actually uses.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import os
import random
import re
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver

from link_check.html_scan import ids_in_html
from link_check.internal import indicated_anchor
from link_check.settings import Settings

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
PERMANENT_REDIRECTS = {301, 308}
# Bot walls and logins: the page may well exist; a person must look.
UNVERIFIABLE_STATUSES = {401, 403, 407, 999}
GONE_STATUSES = {404, 410}
GITHUB_LINES = re.compile(r"^L\d+(?:C\d+)?(?:-L\d+(?:C\d+)?)?$")
# The test suite runs its servers on loopback and opts in with this variable; nothing in
# mkdocs.yml can set it. It allows loopback only, never private or link-local addresses.
ALLOW_LOOPBACK_ENV = "LINK_CHECK_ALLOW_LOOPBACK_FOR_TESTS"
LOOPBACK_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


@dataclass
class Result:
    """What one URL (without fragment) turned out to be, with the evidence."""

    url: str
    verdict: str                       # ok | redirected | unverifiable | broken
    detail: str
    status: int | None = None
    final_url: str = ""
    redirect: str = ""                 # permanent | temporary | "" (no redirect)
    fragments_checked: list[str] = field(default_factory=list)
    fragments_missing: list[str] = field(default_factory=list)
    attempts: int = 0
    checked_at: float = 0.0
    from_cache: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Reply:
    status: int
    headers: Any                       # case-insensitive mapping
    found_fragments: set[str] | None   # None when the body was not read (HEAD, not HTML)


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    next_allowed: float = 0.0          # monotonic time before which nobody asks this host
    waited: float = 0.0                # seconds of backoff spent on this host so far
    in_flight: int = 0


class _Retry(Exception):
    """A failure worth another attempt (timeout, reset, 5xx, 429)."""

    def __init__(self, detail: str, status: int | None = None, wait: float | None = None) -> None:
        super().__init__(detail)
        self.detail, self.status, self.wait = detail, status, wait


class _NotChecked(Exception):
    """A URL the checker refuses to request (a non-public address)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NonPublicAddress(OSError):
    """Raised by the resolver for a name that resolves to a non-public address."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to {address}")
        self.address = address


class PublicOnlyResolver(AbstractResolver):
    """aiohttp's threaded resolver, refusing any result that is not a public address."""

    def __init__(self, allowed_networks: tuple[Any, ...]) -> None:
        self._inner = aiohttp.ThreadedResolver()
        self._allowed = allowed_networks

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[dict[str, Any]]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            if not is_public_address(result["host"], self._allowed):
                raise NonPublicAddress(host, result["host"])
        return results

    async def close(self) -> None:
        await self._inner.close()


def is_public_address(text: str, allowed_networks: tuple[Any, ...] = ()) -> bool:
    """True for a globally routable unicast address (or one in ``allowed_networks``)."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if any(address in network for network in allowed_networks):
        return True
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        return is_public_address(str(mapped), allowed_networks)
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_link_local
                                       or address.is_loopback or address.is_private or address.is_unspecified)


def default_allowed_networks() -> tuple[Any, ...]:
    return LOOPBACK_NETWORKS if os.environ.get(ALLOW_LOOPBACK_ENV) == "1" else ()


class _Final(Exception):
    """A failure no retry will fix (DNS, refused connection, TLS)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ExternalChecker:
    """Checks a set of URLs with the limits in ``settings``; one instance per run."""

    def __init__(self, settings: Settings, rng: random.Random | None = None,
                 allowed_networks: tuple[Any, ...] | None = None) -> None:
        self.settings = settings
        # Not a setting: mkdocs.yml must not be able to point the checker at private networks.
        self.allowed_networks = default_allowed_networks() if allowed_networks is None else allowed_networks
        self.rng = rng or random.Random()
        self.requests_sent = 0
        self.max_in_flight_per_host: dict[str, int] = {}
        self._hosts: dict[str, _Host] = {}
        self._global: asyncio.Semaphore | None = None
        self._session: aiohttp.ClientSession | None = None

    async def check_all(self, targets: dict[str, set[str]]) -> dict[str, Result]:
        """Check every URL (key) for its fragments (value); finish within the deadline."""
        self._global = asyncio.Semaphore(self.settings.concurrency)
        # The semaphores in _request enforce the limits per host name (with Retry-After pauses);
        # the connector's pool limits match them, so a connection is not opened before the
        # previous request to that host has given its connection back.
        connector = aiohttp.TCPConnector(limit=self.settings.concurrency, limit_per_host=self.settings.per_host,
                                         ssl=ssl.create_default_context(),
                                         resolver=PublicOnlyResolver(self.allowed_networks))
        timeout = aiohttp.ClientTimeout(total=None, connect=self.settings.connect_timeout,
                                        sock_read=self.settings.read_timeout)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False,
                                         headers={"User-Agent": self.settings.user_agent}) as session:
            self._session = session
            tasks = {asyncio.create_task(self.check_url(url, fragments)): url for url, fragments in targets.items()}
            done, pending = await asyncio.wait(tasks, timeout=self.settings.deadline) if tasks else (set(), set())
            for task in pending:
                task.cancel()
            results = {tasks[task]: task.result() for task in done}
            for task in pending:
                url = tasks[task]
                results[url] = Result(url, "unverifiable", f"not checked within the {self.settings.deadline:g} s deadline",
                                      checked_at=time.time())
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
        return results

    async def check_url(self, url: str, fragments: Iterable[str] = ()) -> Result:
        """Follow redirects and retries for one URL; classify the outcome."""
        fragments = sorted(set(fragments))
        method = "GET" if fragments else "HEAD"
        current, visited, hops = url, {url}, []
        attempts = 1  # counts tries of the same request; HEAD→GET and redirects are not retries
        while True:
            try:
                reply = await self._request(method, current, fragments)
            except _Retry as failure:
                if attempts <= self.settings.retries and await self._wait_before_retry(current, attempts, failure):
                    attempts += 1
                    continue
                return self._gave_up(url, current, failure, attempts)
            except _Final as final:
                return Result(url, "broken", final.detail, final_url=current, attempts=attempts, checked_at=time.time())
            except _NotChecked as refused:
                return Result(url, "unverifiable", refused.detail, attempts=attempts, checked_at=time.time())
            status = reply.status
            accepted = status in self.settings.accept_status
            if (status == 429 or 500 <= status <= 599) and not accepted:
                if method == "HEAD" and status != 429:
                    method = "GET"  # some servers fail only on HEAD; ask properly first
                    continue
                wait = retry_after_seconds(reply.headers.get("retry-after"), self.settings.retry_after_cap)
                failure = _Retry(f"server answered {status}", status, wait)
                if attempts <= self.settings.retries and await self._wait_before_retry(current, attempts, failure):
                    attempts += 1
                    continue
                return self._gave_up(url, current, failure, attempts)
            if status in REDIRECT_STATUSES and not accepted:
                location = reply.headers.get("location")
                if not location:
                    return Result(url, "broken", f"redirect ({status}) without a Location header", status,
                                  current, attempts=attempts, checked_at=time.time())
                target = urldefrag(urljoin(current, location))[0]
                if target in visited:
                    return Result(url, "broken", f"redirect loop ({' → '.join([url, *[h for _, h in hops], target])})",
                                  status, target, attempts=attempts, checked_at=time.time())
                if len(hops) >= self.settings.max_redirects:
                    return Result(url, "broken", f"more than {self.settings.max_redirects} redirects", status,
                                  target, attempts=attempts, checked_at=time.time())
                hops.append((status, target))
                visited.add(target)
                current = target
                if status == 303 and method == "HEAD":
                    method = "GET"
                continue
            if method == "HEAD" and status >= 400 and status not in GONE_STATUSES and not accepted:
                method = "GET"  # servers that reject HEAD (403, 405, 501...) may still serve GET
                continue
            return self._classify(url, current, reply, hops, fragments, attempts)

    # Requests

    async def _request(self, method: str, url: str, fragments: list[str]) -> _Reply:
        try:
            host_name = urlsplit(url).hostname or ""
        except ValueError:
            raise _Final("not a valid URL") from None
        if _is_ip_literal(host_name) and not is_public_address(host_name, self.allowed_networks):
            raise _NotChecked("not checked: private address")  # aiohttp resolves no IP literal
        host = self._hosts.setdefault(host_name, _Host(asyncio.Semaphore(self.settings.per_host)))
        async with host.semaphore:
            delay = host.next_allowed - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            assert self._global is not None
            async with self._global:
                host.in_flight += 1
                self.max_in_flight_per_host[host_name] = max(self.max_in_flight_per_host.get(host_name, 0),
                                                             host.in_flight)
                self.requests_sent += 1
                try:
                    async with asyncio.timeout(self.settings.request_timeout):
                        return await self._send(method, url, fragments)
                except TimeoutError:
                    raise _Retry(f"no complete answer within {self.settings.request_timeout:g} s") from None
                finally:
                    host.in_flight -= 1

    async def _send(self, method: str, url: str, fragments: list[str]) -> _Reply:
        assert self._session is not None
        try:
            async with self._session.request(method, url, allow_redirects=False) as response:
                found = None
                if fragments and 200 <= response.status < 300 and _is_html(response.headers):
                    found = await self._find_fragments(response, fragments)
                return _Reply(response.status, response.headers, found)
        except (aiohttp.ClientSSLError, ssl.SSLError) as error:
            raise _Final(f"TLS failure ({_reason(error)})") from None
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, NonPublicAddress):
                raise _NotChecked("not checked: private address") from None
            raise _Final(_connect_failure(error)) from None
        except (TimeoutError, aiohttp.ServerTimeoutError) as error:
            raise _Retry(f"timed out ({type(error).__name__})") from None
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError, aiohttp.ClientPayloadError) as error:
            raise _Retry(f"connection reset ({_reason(error)})") from None
        except aiohttp.InvalidURL:
            raise _Final("not a valid URL") from None
        except aiohttp.ClientResponseError as error:
            raise _Final(f"invalid HTTP response ({_reason(error)})") from None
        except aiohttp.ClientError as error:
            raise _Retry(f"network error ({_reason(error)})") from None

    async def _find_fragments(self, response: aiohttp.ClientResponse, fragments: list[str]) -> set[str]:
        """Read the page (up to the cap) and find the fragments in a real HTML5 parse.

        A cheap byte search decides when a parse is worth doing, so a page whose ids all
        appear early is not read to the end; a parse happens again only once the body
        has doubled, so the work stays linear in the bytes read.
        """
        host = response.url.host or ""
        charset = response.charset or "utf-8"
        body = bytearray()
        parsed_at = 0
        async for chunk in response.content.iter_chunked(65_536):
            body += chunk
            if len(body) >= self.settings.max_body_bytes:
                break
            if len(body) >= 2 * parsed_at and all(_may_contain(body, fragment) for fragment in fragments):
                parsed_at = len(body)
                found = fragments_found(bytes(body).decode(charset, errors="replace"), fragments, host)
                if len(found) == len(fragments):
                    return found
        return fragments_found(bytes(body[:self.settings.max_body_bytes]).decode(charset, errors="replace"),
                               fragments, host)

    # Retries

    async def _wait_before_retry(self, url: str, attempt: int, failure: _Retry) -> bool:
        """Sleep before the next attempt if the host's waiting budget allows it."""
        base = self.settings.backoff * (2 ** (attempt - 1))
        wait = failure.wait if failure.wait is not None else base * self.rng.uniform(0.5, 1.5)
        host = self._hosts[urlsplit(url).hostname or ""]
        if host.waited + wait > self.settings.host_wait_budget:
            return False
        host.waited += wait
        if failure.status == 429:
            # The whole host asked us to slow down, not just this URL.
            host.next_allowed = max(host.next_allowed, time.monotonic() + wait)
        await asyncio.sleep(wait)
        return True

    def _gave_up(self, url: str, current: str, failure: _Retry, attempts: int) -> Result:
        tries = f"after {attempts} attempt{'s' if attempts > 1 else ''}"
        if failure.status == 429:
            return Result(url, "unverifiable", f"rate limited (429) {tries}", 429, current,
                          attempts=attempts, checked_at=time.time())
        return Result(url, "broken", f"{failure.detail} {tries}", failure.status, current,
                      attempts=attempts, checked_at=time.time())

    # Verdicts

    def _classify(self, url: str, final_url: str, reply: _Reply, hops: list[tuple[int, str]],
                  fragments: list[str], attempts: int) -> Result:
        status = reply.status
        redirect = ""
        if hops:
            redirect = "permanent" if all(code in PERMANENT_REDIRECTS for code, _ in hops) else "temporary"
        result = Result(url, "ok", f"{status}", status, final_url, redirect, fragments, [], attempts, time.time())
        if 200 <= status < 300 or status in self.settings.accept_status:
            if reply.found_fragments is not None:
                result.fragments_missing = [f for f in fragments if f not in reply.found_fragments]
            elif fragments:
                result.detail += "; fragments not checked (not an HTML page)"
                result.fragments_checked = []
            if hops:
                result.verdict = "redirected"
                result.detail = f"{redirect} redirect to {final_url}"
            return result
        if status in REDIRECT_STATUSES:
            result.verdict, result.detail = "ok", f"redirect {status} accepted by settings"
            return result
        if status in GONE_STATUSES:
            result.verdict, result.detail = "broken", f"{status} {'Gone' if status == 410 else 'Not Found'}"
        elif status in UNVERIFIABLE_STATUSES:
            result.verdict, result.detail = "unverifiable", f"{status}: the site refused an automated check"
        elif 400 <= status < 500:
            result.verdict, result.detail = "broken", f"{status} client error"
        else:
            result.verdict, result.detail = "unverifiable", f"unexpected status {status}"
        return result


def retry_after_seconds(value: str | None, cap: float, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, min(when - (now if now is not None else time.time()), cap))


def fragments_found(html: str, fragments: Iterable[str], host: str = "") -> set[str]:
    """The fragments that name a place in ``html``, by the HTML standard's rules (raw id,
    then percent-decoded; ``#top``; text directives), plus GitHub's conventions on
    github.com: rendered headings get a ``user-content-`` id prefix, and ``#L14`` or
    ``#L14-L29`` select lines of a file view."""
    anchors = ids_in_html(html)
    on_github = host == "github.com" or host.endswith(".github.com")
    found = set()
    for fragment in fragments:
        if indicated_anchor(fragment, anchors):
            found.add(fragment)
        elif on_github and (GITHUB_LINES.match(fragment) or
                            indicated_anchor("user-content-" + fragment.split(":~:", 1)[0], anchors)):
            found.add(fragment)
    return found


def _may_contain(body: bytearray, fragment: str) -> bool:
    """Whether the fragment's last few characters could be in the body yet (decoded
    forms only; a character reference makes this say no until the end is read)."""
    tail = unquote(fragment.split(":~:", 1)[0])[-8:]
    return not tail or tail.encode("utf-8", errors="ignore") in body


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _is_html(headers: Any) -> bool:
    return "html" in headers.get("content-type", "").lower()


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _connect_failure(error: aiohttp.ClientConnectorError) -> str:
    """Say which kind of connection failure this was: DNS, refused, TLS or other."""
    if isinstance(error, aiohttp.ClientConnectorDNSError) or isinstance(error.os_error, socket.gaierror):
        return "DNS failure: the host name does not resolve"
    if isinstance(error.os_error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error.os_error, ssl.SSLError):
        return f"TLS failure ({_reason(error)})"
    return f"cannot connect ({_reason(error)})"
