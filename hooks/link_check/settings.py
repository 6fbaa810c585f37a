"""Settings for the external link checker, from ``extra.link_check`` in mkdocs.yml.

Validated here, in plain Python, so the standalone command and the MkDocs hook reject
the same mistakes with the same messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

VERDICTS = ("ok", "redirected", "unverifiable", "broken")
DAY = 86_400.0


class SettingsError(ValueError):
    """A bad value in ``extra.link_check``; the message names the key and the fix."""


@dataclass(frozen=True)
class Settings:
    """Every tunable of the external checker, with polite, bounded defaults."""

    concurrency: int = 256               # requests in flight in total (politeness is per host)
    per_host: int = 2                    # requests in flight per host (2–4 is polite)
    connect_timeout: float = 5.0         # seconds to open a connection
    read_timeout: float = 10.0           # seconds to wait for each piece of a response
    request_timeout: float = 20.0        # seconds for one request in total (slow drips end)
    deadline: float = 300.0              # seconds for the whole run
    retries: int = 2                     # extra attempts after a timeout, reset, 5xx or 429
    backoff: float = 0.5                 # first retry wait in seconds; doubles, with jitter
    retry_after_cap: float = 30.0        # never wait longer than this for one Retry-After
    host_wait_budget: float = 60.0       # total seconds of waiting allowed per host
    max_redirects: int = 10
    max_body_bytes: int = 2_000_000      # read at most this much of a page to find a #fragment
    user_agent: str = ""                 # default: "<site name> link checker"
    accept_status: tuple[int, ...] = ()  # extra status codes that count as ok
    skip: tuple[str, ...] = ()           # regular expressions of URLs never requested
    ttl_days: dict[str, float] = field(default_factory=lambda: {
        "ok": 7.0, "redirected": 7.0, "unverifiable": 1.0, "broken": 1.0})
    dead_after: int = 3                  # broken this many runs in a row: called dead, not flaky
    cache_file: str = ".cache/link-check/cache.json"
    report_file: str = ".cache/link-check/report.json"

    def ttl_seconds(self, verdict: str) -> float:
        return self.ttl_days.get(verdict, 1.0) * DAY

    def skipped(self, url: str) -> bool:
        return any(re.search(pattern, url) for pattern in self.skip)


_POSITIVE_INTS = ("concurrency", "per_host", "max_body_bytes", "dead_after")
_NON_NEGATIVE_INTS = ("retries", "max_redirects")
_POSITIVE_FLOATS = ("connect_timeout", "read_timeout", "request_timeout", "deadline", "retry_after_cap")
_NON_NEGATIVE_FLOATS = ("backoff", "host_wait_budget")


def load_settings(raw: dict[str, Any] | None, site_name: str = "") -> Settings:
    """Validate a mapping (``extra.link_check``) into ``Settings``; raise ``SettingsError``."""
    raw = dict(raw or {})
    known = {f.name for f in fields(Settings)}
    for key in raw:
        if key not in known:
            raise SettingsError(f"extra.link_check.{key}: unknown setting — use one of {', '.join(sorted(known))}")
    values: dict[str, Any] = {}
    for key in _POSITIVE_INTS + _NON_NEGATIVE_INTS:
        if key in raw:
            values[key] = _integer(key, raw[key], minimum=0 if key in _NON_NEGATIVE_INTS else 1)
    for key in _POSITIVE_FLOATS + _NON_NEGATIVE_FLOATS:
        if key in raw:
            values[key] = _number(key, raw[key], allow_zero=key in _NON_NEGATIVE_FLOATS)
    if values.get("per_host", 2) > 4:
        raise SettingsError("extra.link_check.per_host: more than 4 requests at once to one host is not polite "
                            "— use 1 to 4")
    if "user_agent" in raw:
        values["user_agent"] = _text("user_agent", raw["user_agent"])
    if "accept_status" in raw:
        values["accept_status"] = tuple(_status(code) for code in _list("accept_status", raw["accept_status"]))
    if "skip" in raw:
        values["skip"] = tuple(_pattern(p) for p in _list("skip", raw["skip"]))
    if "ttl_days" in raw:
        values["ttl_days"] = _ttl(raw["ttl_days"])
    for key in ("cache_file", "report_file"):
        if key in raw:
            values[key] = _text(key, raw[key])
    settings = Settings(**values)
    if not settings.user_agent:
        name = site_name or "MkDocs site"
        settings = Settings(**{**settings.__dict__, "user_agent": f"{name} link checker (checks cited sources)"})
    return settings


def _integer(key: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SettingsError(f"extra.link_check.{key}: {value!r} is not a whole number ≥ {minimum} — e.g. {key}: 2")
    return value


def _number(key: str, value: Any, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (value == 0 and not allow_zero):
        raise SettingsError(f"extra.link_check.{key}: {value!r} is not a positive number of seconds — e.g. {key}: 10")
    return float(value)


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"extra.link_check.{key}: must be non-empty text")
    return value


def _list(key: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise SettingsError(f"extra.link_check.{key}: must be a list — write each item on its own '- ' line")
    return value


def _status(code: Any) -> int:
    if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 999:
        raise SettingsError(f"extra.link_check.accept_status: {code!r} is not an HTTP status code — e.g. 403")
    return code


def _pattern(pattern: Any) -> str:
    try:
        re.compile(pattern)
    except (re.error, TypeError) as error:
        raise SettingsError(f"extra.link_check.skip: {pattern!r} is not a regular expression ({error}) — "
                            "escape dots and question marks, e.g. '^https://example\\.org/'") from None
    return pattern


def _ttl(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise SettingsError("extra.link_check.ttl_days: must map verdicts to days, e.g. {ok: 7, broken: 1}")
    ttl = dict(Settings().ttl_days)
    for verdict, days in value.items():
        if verdict not in VERDICTS:
            raise SettingsError(f"extra.link_check.ttl_days.{verdict}: unknown verdict — use {', '.join(VERDICTS)}")
        ttl[verdict] = _number(f"ttl_days.{verdict}", days, allow_zero=True)
    return ttl
