"""The HTML QA report in a real browser: headless Chromium loads the file (no server), runs its
script, and the DOM it dumps has the summary, the filter and highlighted evidence."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from locaudit.cli import main
from tests.conftest import FIXTURES

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)

pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no Chromium binary on PATH (.ci/run installs Debian's chromium when run as root)",
)


def _dump_dom(url: str, profile) -> str:
    cmd = [
        BROWSER,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=3000",
        "--dump-dom",
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "qa.html"
    result = CliRunner().invoke(
        main, ["batch", str(FIXTURES / "examples" / "notes.jsonl"), "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_report_renders_summary_notes_and_highlights(report, tmp_path):
    dom = _dump_dom(report.as_uri(), tmp_path / "profile")
    assert 'data-ready="1"' in dom  # the inline script ran
    assert "Showing 7 of 7 notes" in dom
    assert len(re.findall(r'<article class="note"', dom)) == 7
    assert re.search(r'data-count="total">7<', dom)
    assert re.search(r'<td class="n" data-verdict="supported">1</td>', dom)
    assert re.search(r'<td class="n" data-verdict="error">2</td>', dom)
    assert 'id="finding-counts"' in dom and "ADDITIONAL_LESION_STEREOTACTIC" in dom
    marks = re.findall(r'<mark class="ev" title="([^"]+)">', dom)
    assert "lesion 2" in " ".join(marks) and len(marks) >= 5
    assert len(re.findall(r'type="checkbox"', dom)) == 5


def test_report_filter_by_verdict_hides_the_others(report, tmp_path):
    dom = _dump_dom(report.as_uri() + "#verdict=supported,error", tmp_path / "profile")
    assert "Showing 3 of 7 notes" in dom
    articles = re.findall(
        r'<article class="note" data-verdict="([a-z_]+)"[^>]*?( hidden="")?>', dom
    )
    assert len(articles) == 7
    shown = sorted(v for v, hidden in articles if not hidden)
    assert shown == ["error", "error", "supported"]
