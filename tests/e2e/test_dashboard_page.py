"""The supervisor dashboard in a real browser: charts drawn from a known week of records, and the CSV download."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import system_chromium
from tests.e2e.hotline_process import ROOT, Hotline
from tests.e2e.test_console_page import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

if str(ROOT / "backend") not in sys.path:
    sys.path.insert(0, str(ROOT / "backend"))


@pytest.fixture(scope="module")
def known_week(hotline: Hotline) -> None:
    """The known week of tests/backend/dashboard/known_records.py, written into the running hotline's database."""
    from sqlalchemy.orm import Session

    from app.core.db import build_engine
    from tests.backend.dashboard.known_records import add_known_records

    engine = build_engine(f"sqlite:///{hotline.var_dir}/backend.db")
    try:
        with Session(engine) as session:
            add_known_records(session)
    finally:
        engine.dispose()


def chart(page: Page, key: str) -> dict:
    """The labels and datasets the Chart.js chart of a figure is drawing."""
    return page.evaluate(
        """(key) => {
            const chart = Chart.getChart("chart-" + key);
            return {type: chart.config.type, labels: chart.data.labels,
                    datasets: chart.data.datasets.map((d) => ({label: d.label, data: d.data}))};
        }""",
        key,
    )


def test_supervisor_sees_the_weeks_charts_and_downloads_them(
    hotline: Hotline, known_week: None, tmp_path: Path
) -> None:
    with system_chromium() as browser:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        try:
            sign_in(page, hotline, "sam")
            page.get_by_role("button", name="Dashboard").click()
            expect(page.locator("#dashboard-figures")).to_have_attribute("data-ready", "true", timeout=15_000)
            page.get_by_label("From").fill("2024-06-03")
            page.get_by_label("to", exact=True).fill("2024-06-09")
            page.get_by_role("button", name="Show").click()
            expect(page.locator("#dashboard-period")).to_contain_text("From 2024-06-03 to 2024-06-09")
            expect(page.locator("#dashboard-figures")).to_have_attribute("data-ready", "true", timeout=15_000)

            expect(page.locator('[data-tile="conversations"] dd')).to_have_text("8")
            expect(page.locator('[data-tile="containment_rate"] dd')).to_have_text("50%")
            expect(page.locator('[data-tile="wait_p90_seconds"] dd')).to_have_text("5.0 min")

            by_hour = chart(page, "conversations_by_hour")
            assert by_hour["type"] == "bar" and by_hour["labels"][0] == "00:00" and len(by_hour["labels"]) == 24
            series = {d["label"]: {h: n for h, n in enumerate(d["data"]) if n} for d in by_hour["datasets"]}
            assert series == {"webchat": {0: 1, 9: 2, 23: 1}, "sms": {10: 1, 14: 2}, "voice": {17: 1}}

            assert chart(page, "conversation_outcomes") == {
                "type": "bar",
                "labels": ["webchat", "sms", "voice"],
                "datasets": [
                    {"label": "contained", "data": [2, 2, 0]},
                    {"label": "handed off", "data": [2, 1, 0]},
                    {"label": "callbacks", "data": [0, 0, 1]},
                ],
            }
            reasons = chart(page, "handoff_reasons")
            assert reasons["type"] == "doughnut"
            assert reasons["labels"] == ["citizen asked for human", "emergency", "repeated fallback"]
            assert reasons["datasets"][0]["data"] == [2, 1, 1]
            waits = chart(page, "waiting_time")
            assert waits["labels"] == ["General enquiries", "Streets and environment", "all teams"]
            assert [d["data"] for d in waits["datasets"]] == [[60, 300, 120], [120, 300, 300]]
            assert chart(page, "requests_by_category")["datasets"][0]["data"] == [2, 1, 1]
            assert chart(page, "csat_by_agent")["labels"] == ["Alice Morgan", "Bilal Khan"]
            assert chart(page, "csat_by_agent")["datasets"][0]["data"] == [100, 0]
            # The chart is really drawn: its canvas is not blank.
            painted = page.evaluate(
                """() => {
                    const c = document.getElementById("chart-conversations_by_hour");
                    const pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
                    return pixels.some((value, i) => i % 4 === 3 && value > 0);
                }"""
            )
            assert painted

            overdue = page.locator('[data-figure="overdue"] tbody')
            expect(overdue).to_contain_text("SR-980007")
            expect(overdue).to_contain_text("SR-980004")

            with page.expect_download() as download_info:
                page.get_by_role("link", name="Download all figures (CSV)").click()
            saved = tmp_path / "kpis.csv"
            download_info.value.save_as(saved)
            assert download_info.value.suggested_filename == "northbridge-12345-kpis-2024-06-03-to-2024-06-09.csv"
            text = saved.read_text()
            assert "Conversations by hour of the day" in text and "all teams,3,1,120.0,300.0" in text
        finally:
            context.close()


def test_an_agent_has_no_dashboard_tab(hotline: Hotline) -> None:
    with system_chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        try:
            sign_in(page, hotline, "alice")
            expect(page.get_by_role("button", name="Conversations")).to_be_visible()
            expect(page.get_by_role("button", name="Dashboard")).to_be_hidden()
        finally:
            context.close()
