"""Publishing: page metadata, repository links, GitHub workflows and templates."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, assert_one_line_error

WORKFLOWS = ROOT / ".github" / "workflows"
OFFICIAL_ACTIONS = {
    "actions/checkout": "v6", "actions/setup-python": "v6", "actions/upload-artifact": "v6",
    "actions/cache": "v5", "actions/configure-pages": "v6", "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
}


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def steps(data: dict) -> list[dict]:
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("name", ["tests.yml", "links.yml", "pages.yml"])
def test_workflows_use_current_official_actions(name):
    data = workflow(name)
    uses = [step["uses"] for step in steps(data) if "uses" in step]
    assert uses
    for action in uses:
        repository, version = action.split("@")
        assert OFFICIAL_ACTIONS.get(repository) == version, f"{name}: {action}"
    assert data["permissions"]["contents"] == "read"


def test_pull_requests_run_the_tests_and_the_strict_build():
    data = workflow("tests.yml")
    assert "pull_request" in data[True]  # YAML reads the key 'on' as True
    commands = [step.get("run", "") for step in steps(data)]
    assert "make test" in commands and "make build" in commands


def test_weekly_external_link_check_uploads_its_report():
    data = workflow("links.yml")
    assert data[True]["schedule"][0]["cron"].split()[-1] == "1"  # weekly
    runs = " ".join(step.get("run", "") for step in steps(data))
    assert "CHECK_EXTERNAL_LINKS=1 make build" in runs
    upload = next(step for step in steps(data) if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == ".cache/link-check/report.json"


def test_pages_publishes_the_strict_build_with_pinned_requirements():
    data = workflow("pages.yml")
    build = next(step for step in steps(data) if step.get("run") == "make pdf")
    assert set(build["env"]) == {"SITE_URL", "REPOSITORY_URL"}
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^build: .*\n\t\$\(BIN\)/mkdocs build --strict$", makefile, re.MULTILINE)
    # `make pdf`: strict build, print the brief, strict build again that publishes it.
    pdf_recipe = re.search(r"^pdf: .*\n((?:\t.*\n)+)", makefile, re.MULTILINE).group(1).splitlines()
    assert pdf_recipe[0] == "\t$(BIN)/mkdocs build --strict"
    assert "tools/print_brief.py site build/nsn-racial-equity-brief.pdf" in pdf_recipe[1]
    assert pdf_recipe[2] == "\tBRIEF_PDF=build/nsn-racial-equity-brief.pdf $(BIN)/mkdocs build --strict"
    install = next(step for step in steps(data) if "apt-get install" in str(step.get("run")))
    assert "chromium" in install["run"] and "poppler-utils" in install["run"]
    assert "pip install --quiet --disable-pip-version-check -r requirements.txt" in makefile
    assert data["jobs"]["deploy"]["needs"] == "build"


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-test.txt", "benchmarks/requirements.txt"])
def test_requirements_are_pinned_exactly(name):
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[0-9][^\s]*$", line), f"{name}: {line}"


@pytest.mark.parametrize("name", ["broken-link.yml", "suggest-a-source.yml", "correction.yml"])
def test_issue_forms_are_valid(name):
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / name).read_text())
    assert form["name"] and form["description"] and form["body"]
    assert all(field["type"] in ("input", "textarea", "dropdown", "markdown") for field in form["body"])


def test_pull_request_template_has_the_contributor_checklist():
    text = (ROOT / ".github" / "pull_request_template.md").read_text()
    assert text.count("- [ ]") >= 5 and "word for word" in text


# Page metadata, through real builds


def test_repository_links_last_reviewed_and_previews(fixture_site):
    fixture_site.hooks.append("mkdocs_page_meta.py")
    fixture_site.extra_config = "  repository:\n    url: https://github.com/example-org/example-site\n"
    fixture_site.page("index.md", "---\ntitle: Home page\ndescription: What the site is.\nlast_reviewed: 2026-03-01\n"
                      "---\n# Home\n\n[@vera-unjust-burden-2018]\n")
    result = fixture_site.build("--use-directory-urls")
    assert result.returncode == 0, result.output
    home = result.page("index.html")
    assert "<p>Last reviewed: 1 March 2026</p>" in home
    assert '<a href="https://github.com/example-org/example-site/edit/main/docs/index.md" rel="noreferrer">Edit this page</a>' in home
    assert "issues/new?template=correction.yml&amp;title=Problem%20on%20%27Home%20page%27" in home
    assert '<meta property="og:title" content="Home page">' in home
    assert '<meta property="og:description" content="What the site is.">' in home
    assert '<meta name="twitter:card" content="summary">' in home
    assert "api.github.com" not in home


def test_without_a_repository_the_links_are_left_out(fixture_site):
    fixture_site.hooks.append("mkdocs_page_meta.py")
    result = fixture_site.build()
    assert result.returncode == 0, result.output
    assert "Edit this page" not in result.page("index.html")


def test_site_url_gives_canonical_urls_and_a_sitemap(fixture_site):
    fixture_site.extra_config = ""
    config = fixture_site.config_file()
    config.write_text("site_url: https://example.org/racial-equity/\n" + config.read_text())
    from conftest import run_mkdocs_build

    result = run_mkdocs_build(config, fixture_site.root / "site")
    assert result.returncode == 0, result.output
    assert '<link rel="canonical" href="https://example.org/racial-equity/">' in result.page("index.html")
    assert "<loc>https://example.org/racial-equity/sources/</loc>" in result.page("sitemap.xml")
    assert '<meta property="og:url" content="https://example.org/racial-equity/">' in result.page("index.html")


def test_bad_repository_url_is_a_clear_error(fixture_site):
    fixture_site.hooks.append("mkdocs_page_meta.py")
    fixture_site.extra_config = "  repository:\n    url: github.com/example-org/example-site\n"
    assert_one_line_error(fixture_site.build(), "mkdocs.yml: extra.repository.url 'github.com/example-org/example-site' "
                                                "is not an https address")
