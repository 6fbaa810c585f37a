"""The standalone verifier (``python -m survivor_safety site/``), which CI runs on the
built site whatever mkdocs.yml says: dropping the safety hook, switching the policy off
or losing the exit must fail it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import HOOKS, ROOT, run_mkdocs_build


def verify(site_dir, config=ROOT / "mkdocs.yml") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "survivor_safety", str(site_dir), "--config", str(config)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(HOOKS)},
                          timeout=120, check=False)


def test_the_real_site_passes(built_site):
    result = verify(built_site.site_dir)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("change", "message"), [
    (("content_security_policy: true", "content_security_policy: false"), "no Content-Security-Policy"),
    (("  - hooks/mkdocs_safety.py\n", ""), "no Content-Security-Policy"),
    (("  custom_dir: overrides\n", ""), "no quick exit (#quick-exit-button)"),
])
def test_weakening_mkdocs_yml_fails_the_verifier(site_copy, change, message):
    config = site_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert change[0] in text
    config.write_text(text.replace(*change), encoding="utf-8")
    build = run_mkdocs_build(config, site_copy / "site", strict=False)
    if build.returncode == 0:
        result = verify(site_copy / "site", ROOT / "mkdocs.yml")
        assert result.returncode == 1
        assert message in result.stderr
    else:  # the build itself refused the change: also a failed CI
        assert "Traceback" not in build.output, build.output


@pytest.mark.parametrize(("old", "new", "message"), [
    ('<script src="../assets/javascripts/quick-exit.js">', '<script src="../assets/x.txt">',
     "script '../assets/x.txt' is not the theme's bundle"),
    ("</head>", "<script>alert(1)</script></head>", "inline script 'alert(1)' is not allowed"),
    ("</head>", '<img src="https://elsewhere.example/t.png"></head>',
     '<img src="https://elsewhere.example/t.png"> loads from another site'),
    ('data-quick-exit-destination="https://www.weather.gov/"', 'data-quick-exit-destination="https://elsewhere.example/"',
     "the quick exit's data-quick-exit-destination is 'https://elsewhere.example/'"),
    ("script-src 'self'", "script-src 'self' 'unsafe-inline'", "the policy's script-src allows more"),
])
def test_the_verifier_finds_each_weakness_in_a_built_page(built_site, tmp_path, old, new, message):
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(built_site.site_dir, copy)
    page = copy / "values" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert old in html
    page.write_text(html.replace(old, new, 1), encoding="utf-8")
    result = verify(copy)
    assert result.returncode == 1
    assert f"values/index.html: {message}" in result.stderr
