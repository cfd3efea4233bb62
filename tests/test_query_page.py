"""The query page (templates/index.html, static/query.js) in a real headless Chromium against `tpgraph serve`.

Needs Debian's ``chromium`` and ``chromium-driver`` packages (``apt-get install chromium chromium-driver``) and
the ``selenium`` package from PyPI. Selenium is pointed at the Debian binaries explicitly, so Selenium Manager
never downloads a browser or driver. The module is skipped only when those binaries are missing.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
    pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
                allow_module_level=True)

from live_server import LiveServer, live_server
pytest.importorskip("selenium", reason="the test extra installs selenium")
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from tpgraph.catalogue.named_queries import NamedQuery, load_catalogue
from tpgraph.catalogue.parameters import bind
from tpgraph.store.embedded import OxigraphStore

REPO = Path(__file__).resolve().parents[1]

WAIT = 30  # seconds; generous for a loaded CI machine
ROOTS_SUMMARY = "Spinal nerve roots of a muscle"
ENCODE_URI_COMPONENT_SAFE = "-_.!~*'()"  # what JavaScript's encodeURIComponent leaves alone


pytestmark = [pytest.mark.browser, pytest.mark.slow]


def chromium(profile: Path, javascript: bool = True) -> WebDriver:
    """A headless Debian Chromium that talks to nothing but the page under test."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,1024", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT)
    return driver


@pytest.fixture(scope="module")
def catalogue(store: OxigraphStore) -> list[NamedQuery]:
    """The examples as the page offers them: each parameter bound to its default."""
    queries = load_catalogue(REPO / "queries")
    assert queries, "queries/ holds no .rq files"
    return [replace(q, text=bind(store, q, {})) for q in queries]


@pytest.fixture(scope="module")
def server(built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    log = tmp_path_factory.mktemp("query-page") / "server.log"
    with live_server(built.out_dir, log, root=REPO) as running:
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser: WebDriver, server: LiveServer) -> WebDriver:
    """The query page, freshly loaded, with its script running."""
    browser.get(server.url + "/")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.execute_script("return document.documentElement.classList.contains('js')"))
    return browser


def set_query(driver: WebDriver, text: str) -> None:
    """Replace the editor's text as typing would (the page hears an input event)."""
    driver.execute_script(
        "const e = document.getElementById('query'); e.value = arguments[0];"
        "e.dispatchEvent(new Event('input', {bubbles: true}));", text)


def run_and_wait(driver: WebDriver) -> None:
    driver.find_element(By.ID, "run").click()
    wait_for_answer(driver)


def wait_for_answer(driver: WebDriver) -> None:
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script(
        "return !!document.getElementById('row-count') || document.getElementById('error').textContent !== ''"))


def download_links(driver: WebDriver) -> dict[str, str]:
    """Format name to href (as written, not as normalised by the browser) of each download link."""
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#download-links a"))
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#download-links a[download]')]"
        ".map(a => [a.dataset.format, a.getAttribute('href')]))")


def table_cells(driver: WebDriver) -> tuple[list[str], list[list[str]]]:
    table = driver.find_element(By.ID, "result-table")
    header = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    return header, rows


def test_page_lists_every_example_and_loads_nothing_from_elsewhere(page: WebDriver, server: LiveServer,
                                                                  catalogue: list[NamedQuery]) -> None:
    links = page.find_elements(By.CSS_SELECTOR, "#examples a.example")
    assert [link.text for link in links] == [query.summary for query in catalogue]
    for query in catalogue:
        if query.description:
            assert page.find_element(By.ID, f"example-{query.name}-help").text == query.description
    assert page.find_element(By.TAG_NAME, "h1").text.startswith("tpgraph")
    assert page.find_element(By.CSS_SELECTOR, "label[for=query]").text == "SPARQL query"
    status = page.find_element(By.ID, "status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    # Offline: every resource the page fetched came from this server.
    resources = page.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert resources, "the page should load its stylesheet and script"
    assert all(url.startswith(server.url + "/") for url in resources), resources
    footer = page.find_element(By.TAG_NAME, "footer").text
    build_id = json.loads(server.get("/health").read())["build_id"]
    assert build_id in footer
    assert "10 s per query" in footer and "10,000 rows" in footer
    assert "not medical advice" in footer


def test_muscle_roots_example_runs_into_a_table(page: WebDriver, catalogue: list[NamedQuery]) -> None:
    example = next(q for q in catalogue if q.summary.startswith(ROOTS_SUMMARY))
    page.find_element(By.PARTIAL_LINK_TEXT, ROOTS_SUMMARY).click()
    editor = page.find_element(By.ID, "query")
    assert editor.get_attribute("value") == example.text
    assert page.switch_to.active_element == editor
    run_and_wait(page)

    assert page.find_element(By.ID, "error").text == ""
    header, rows = table_cells(page)
    assert header == ["root", "label", "source", "evidence"]
    assert len(rows) == 7
    assert page.find_element(By.ID, "row-count").text == "7 rows"
    assert [row[1] for row in rows] == ["L1", "L1", "L2", "L2", "L3", "L3", "L4"]
    status = page.find_element(By.ID, "status").text
    assert status.startswith("7 rows in ") and status.rstrip(".").endswith(("ms", "s"))
    assert not page.find_element(By.ID, "notice").is_displayed()

    first = page.find_elements(By.CSS_SELECTOR, "#result-table tbody tr")[0]
    root, label, source, evidence = first.find_elements(By.TAG_NAME, "td")
    assert root.find_element(By.TAG_NAME, "a").text == "root:l1"
    assert label.find_element(By.CLASS_NAME, "literal").get_attribute("data-lang") == "@en"
    link = source.find_element(By.TAG_NAME, "a")  # IRIs are compacted with the known prefixes, and links
    assert link.text.startswith("source:")
    assert link.get_attribute("href") == "https://w3id.org/tpgraph/id/" + link.text.replace(":", "/", 1)
    assert evidence.text == "tp:SourceStated"
    assert evidence.find_element(By.TAG_NAME, "a").get_attribute("href") == \
        "https://w3id.org/tpgraph/vocab#SourceStated"


def test_syntax_error_shows_the_servers_message(page: WebDriver) -> None:
    editor = page.find_element(By.ID, "query")
    editor.click()
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys("SELECT * WHERE { ?s ?p")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)  # Ctrl+Enter runs
    wait_for_answer(page)

    alert = page.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert alert.get_attribute("id") == "error"
    assert "HTTP 400" in alert.find_element(By.CLASS_NAME, "error-title").text
    assert alert.find_element(By.CLASS_NAME, "error-text").text.startswith("query syntax error")
    assert page.find_elements(By.ID, "result-table") == []
    assert "400" in page.find_element(By.ID, "status").text


def test_ask_shows_true_and_false(page: WebDriver) -> None:
    set_query(page, "ASK { muscle:psoas-major a tp:Muscle }")  # undeclared prefixes are fine
    run_and_wait(page)
    assert page.find_element(By.ID, "ask-result").text == "true"
    assert set(download_links(page)) == {"json", "xml"}

    set_query(page, "ASK { muscle:psoas-major a tp:Nerve }")
    run_and_wait(page)
    WebDriverWait(page, WAIT).until(lambda d: d.find_element(By.ID, "ask-result").text == "false")


def test_construct_shows_turtle(page: WebDriver) -> None:
    set_query(page, "CONSTRUCT { muscle:psoas-major rdfs:label ?label }\n"
                    "WHERE { muscle:psoas-major rdfs:label ?label }")
    run_and_wait(page)
    graph = page.find_element(By.ID, "graph-result")
    assert graph.tag_name == "pre"
    assert "muscle:psoas-major" in graph.text and "rdfs:label" in graph.text
    assert '"psoas major"@en' in graph.text
    assert set(download_links(page)) == {"turtle", "ntriples", "jsonld", "rdfxml"}


def test_results_are_text_never_markup(page: WebDriver) -> None:
    set_query(page, 'SELECT ?x ?y WHERE { BIND(IRI("javascript:alert(1)") AS ?x) BIND("<b>bold</b>" AS ?y) }')
    run_and_wait(page)
    header, rows = table_cells(page)
    assert header == ["x", "y"]
    assert rows == [["javascript:alert(1)", "<b>bold</b>"]]
    table = page.find_element(By.ID, "result-table")
    assert table.find_elements(By.TAG_NAME, "a") == []  # only http(s) IRIs become links
    assert table.find_elements(By.TAG_NAME, "b") == []


def test_csv_download_link_carries_the_query(page: WebDriver, server: LiveServer,
                                             catalogue: list[NamedQuery]) -> None:
    example = next(q for q in catalogue if q.summary.startswith(ROOTS_SUMMARY))
    page.find_element(By.PARTIAL_LINK_TEXT, ROOTS_SUMMARY).click()
    links = download_links(page)
    assert set(links) == {"json", "xml", "csv", "tsv"}
    href = links["csv"]
    assert "format=csv" in href
    assert "query=" + urllib.parse.quote(example.text, safe=ENCODE_URI_COMPONENT_SAFE) in href
    parts = urllib.parse.urlsplit(href)
    assert parts.path == "/sparql"
    assert urllib.parse.parse_qs(parts.query) == {"query": [example.text], "format": ["csv"]}
    csv_link = page.find_element(By.CSS_SELECTOR, "#download-links a[data-format=csv]")
    assert csv_link.get_attribute("download").endswith(".csv")
    # The link answers with the same rows the table shows.
    with server.get(href, timeout=WAIT) as response:
        assert response.headers.get_content_type() == "text/csv"
        lines = response.read().decode("utf-8").splitlines()
    assert lines[0] == "root,label,source,evidence"
    assert len(lines) == 1 + 7 and lines[1].startswith("https://w3id.org/tpgraph/id/root/l1,L1,")


def test_editor_keys(page: WebDriver) -> None:
    editor = page.find_element(By.ID, "query")
    set_query(page, "")
    editor.click()
    editor.send_keys("SELECT", Keys.TAB, "*")
    assert editor.get_attribute("value") == "SELECT  *"
    assert page.switch_to.active_element == editor
    meta = page.find_element(By.ID, "editor-meta").text
    assert meta.startswith("1 line")
    editor.send_keys(Keys.ESCAPE, Keys.TAB)  # Esc then Tab leaves the editor
    assert page.switch_to.active_element != editor
    assert editor.get_attribute("value") == "SELECT  *"

    # Tab on a selection of several lines indents each of them.
    set_query(page, "a\nb\n")
    page.execute_script("const e = document.getElementById('query'); e.focus(); e.setSelectionRange(0, 3)")
    editor.send_keys(Keys.TAB)
    assert editor.get_attribute("value") == "  a\n  b\n"


def test_highlighting_overlay_follows_the_text(page: WebDriver) -> None:
    page.find_element(By.PARTIAL_LINK_TEXT, ROOTS_SUMMARY).click()
    # The overlay is repainted on the next animation frame, not in the click itself.
    WebDriverWait(page, WAIT).until(lambda d: d.execute_script("""
        const editor = document.getElementById('query'), code = document.querySelector('#code-box .highlight code');
        return code.textContent === editor.value || code.textContent === editor.value + ' ';"""))
    state = page.execute_script("""
        const editor = document.getElementById('query'), code = document.querySelector('#code-box .highlight code');
        editor.scrollTop = editor.scrollHeight; editor.scrollLeft = editor.scrollWidth;
        editor.dispatchEvent(new Event('scroll'));
        return [editor.value, code.textContent, editor.scrollLeft, editor.scrollTop, code.style.transform,
                getComputedStyle(editor).color, code.querySelectorAll('.tok-keyword').length];""")
    value, shown, left, top, transform, colour, keywords = state
    assert shown in (value, value + " ")  # the overlay shows every character the textarea holds
    assert left > 0 and top > 0
    assert transform == f"translate({-left}px, {-top}px)"
    assert colour == "rgba(0, 0, 0, 0)"  # the textarea's own text is hidden only because the overlay is there
    assert keywords >= 4  # PREFIX, SELECT, WHERE, GRAPH, ...


def test_plain_form_without_javascript(page: WebDriver, server: LiveServer, tmp_path: Path) -> None:
    form = page.find_element(By.ID, "query-form")
    assert form.get_attribute("action").endswith("/sparql")
    assert form.get_attribute("method") == "get"
    assert form.find_element(By.CSS_SELECTOR, "textarea#query").get_attribute("name") == "query"
    formats = Select(form.find_element(By.CSS_SELECTOR, "select[name=format]"))
    assert {o.get_attribute("value") for o in formats.options} >= {
        "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml"}

    driver = chromium(tmp_path / "profile", javascript=False)
    try:
        driver.get(server.url + "/")
        assert not driver.execute_script("return document.documentElement.classList.contains('js')")
        select = Select(driver.find_element(By.NAME, "format"))
        assert driver.find_element(By.NAME, "format").is_displayed()
        select.select_by_value("json")
        driver.find_element(By.ID, "run").click()
        WebDriverWait(driver, WAIT).until(lambda d: "/sparql?" in d.current_url)
        answer = json.loads(driver.find_element(By.TAG_NAME, "body").text)
    finally:
        driver.quit()
    assert answer["head"]["vars"] == ["muscle", "label"]
    assert 0 < len(answer["results"]["bindings"]) <= 20


def test_truncated_results_say_so(built, tmp_path: Path) -> None:
    with live_server(built.out_dir, tmp_path / "server.log", "--row-cap", "3", root=REPO) as capped:
        driver = chromium(tmp_path / "profile")
        try:
            driver.get(capped.url + "/")
            WebDriverWait(driver, WAIT).until(
                lambda d: d.execute_script("return document.documentElement.classList.contains('js')"))
            run_and_wait(driver)  # the starter query asks for 20 muscles
            assert driver.find_element(By.ID, "row-count").text == "3 rows"
            notice = driver.find_element(By.ID, "notice")
            assert notice.is_displayed()
            assert "capped at 3 rows" in notice.text
            assert "3 rows or triples per answer" in driver.find_element(By.TAG_NAME, "footer").text
        finally:
            driver.quit()
