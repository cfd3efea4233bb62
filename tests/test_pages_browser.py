"""The record pages and "where does it hurt?" in a real headless browser (Debian's Chromium), without JavaScript:
they must read, link and label everything with nothing loaded from elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import LiveServer, live_server
pytest.importorskip("selenium", reason="the test extra installs selenium")
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait
from test_query_page import CHROMEDRIVER, CHROMIUM, chromium

REPO = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                                reason="Debian's chromium and chromium-driver are needed (.ci/run installs them)")]


@pytest.fixture(scope="module")
def server(built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    log = tmp_path_factory.mktemp("pages") / "server.log"
    with live_server(built.out_dir, log, root=REPO) as running:
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = chromium(tmp_path_factory.mktemp("chromium-pages"), javascript=False)
    try:
        yield driver
    finally:
        driver.quit()


def only_local(browser: WebDriver, server: LiveServer) -> None:
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(url.startswith(server.url + "/") for url in resources), resources


def test_muscle_page_reads_without_javascript(browser: WebDriver, server: LiveServer) -> None:
    browser.get(server.url + "/id/muscle/psoas-major")
    assert browser.title == "psoas major (muscle) · tpgraph"
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert headings[:3] == ["Referral pattern", "Etymology", "Origin"]
    svg = browser.find_element(By.CSS_SELECTOR, "figure.body-map svg")
    assert svg.get_attribute("role") == "img"
    titles = svg.find_elements(By.CSS_SELECTOR, "title")
    assert titles and titles[0].get_attribute("textContent").startswith("Referred pain: psoas major")
    shaded = svg.find_elements(By.CSS_SELECTOR, ".essential, .spillover")
    assert shaded, "the referral pattern is drawn"
    only_local(browser, server)
    # Keyboard: the skip link comes first and leads to the content.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to the content"
    root = browser.find_element(By.LINK_TEXT, "L4")
    root.click()
    WebDriverWait(browser, 30).until(lambda d: d.current_url.endswith("/id/root/l4"))
    assert browser.current_url == server.url + "/id/root/l4"
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("L4")


def test_where_does_it_hurt_with_the_form(browser: WebDriver, server: LiveServer) -> None:
    browser.get(server.url + "/pain")
    select = browser.find_element(By.ID, "region-select")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=region-select]").text.startswith("Body regions")
    Select(select).select_by_value("groin")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: "region=" in d.current_url)
    assert browser.current_url == server.url + "/pain?region=groin"
    items = browser.find_elements(By.CSS_SELECTOR, "ol.answers li")
    assert items and "essential" in items[0].text
    assert items[0].find_element(By.TAG_NAME, "a").get_attribute("href").startswith(server.url + "/id/")
    only_local(browser, server)
    # The map is a picker too: each region is a link.
    browser.get(server.url + "/pain")
    region = browser.find_element(By.CSS_SELECTOR, "figure.body-map a:has(#region-groin-right)")
    assert region.get_dom_attribute("href") == "/pain?region=groin"
