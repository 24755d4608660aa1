"""The dashboard page's files: served by the back office itself, the chart library vendored as recorded."""

import hashlib
import re
from pathlib import Path

from fastapi.testclient import TestClient

VENDOR = Path(__file__).resolve().parents[3] / "backend" / "app" / "console" / "static" / "vendor"


def test_the_page_has_a_dashboard_for_supervisors_and_admins(client: TestClient) -> None:
    page = client.get("/console/").text
    assert '<button type="button" data-view="dashboard" data-roles="supervisor admin">Dashboard</button>' in page
    # Scripts come from the back office, never from a CDN.
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == [
        "/console/static/vendor/chart.umd.min.js",
        "/console/static/dashboard.js",
        "/console/static/review.js",
        "/console/static/console.js",
    ]
    for script in scripts:
        assert client.get(script).status_code == 200


def test_the_chart_library_is_the_recorded_release_with_its_licence() -> None:
    recorded = re.search(r"file sha256 `([0-9a-f]{64})`", (VENDOR / "README.md").read_text()).group(1)
    library = (VENDOR / "chart.umd.min.js").read_bytes()
    assert hashlib.sha256(library).hexdigest() == recorded
    assert library.startswith(b"/*!\n * Chart.js v4.6.1")
    assert "MIT License" in (VENDOR / "chart.js.LICENSE.md").read_text()
