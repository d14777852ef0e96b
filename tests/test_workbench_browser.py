"""The workbench in a real headless Chromium (Debian's chromium + chromium-driver, driven by
Selenium) against a real server on loopback serving the built graph.

Every test ends by checking the browser's console (no errors) and its network log (no request
to another host). Screenshots go to tests/artifacts/ (ignored by git)."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from graph.build import BuildResult
from graph.config import Settings
from tests.servers import Server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
NG = "https://w3id.org/normgraph/def/"
PREFIXES = f"PREFIX ng: <{NG}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    if os.environ.get("CI"):
        pytest.fail("chromium and chromium-driver are not installed (.ci/run installs them)", pytrace=False)
    pytest.skip("headless Chromium is not installed: apt-get install -y chromium chromium-driver", allow_module_level=True)


@pytest.fixture(scope="module")
def served(built: tuple[Settings, BuildResult], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings, _ = built
    data_dir = tmp_path_factory.mktemp("workbench-browser") / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    server = Server(data_dir, {"NORMGRAPH_WORKERS": "2", "NORMGRAPH_QUERY_TIMEOUT": "30"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
                "--window-size=1400,1000", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(options=options, service=ChromeService(str(CHROMEDRIVER)))
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    browser.set_script_timeout(120)
    yield browser
    browser.quit()


@pytest.fixture
def page(driver: WebDriver, served: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    driver.get_log("browser")  # start each test with empty logs
    driver.get_log("performance")
    yield Page(driver, served, request.node.name)


class Page:
    """The workbench in the browser, with the waits and checks the tests share."""

    def __init__(self, driver: WebDriver, served: Server, name: str) -> None:
        self.driver = driver
        self.served = served
        self.name = name

    def open(self, query: str | None = None) -> None:
        url = self.served.url + "/workbench" + (f"?query={quote(query)}" if query is not None else "")
        self.driver.get(url)
        self.wait(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")

    def wait(self, condition: Callable[[Any], Any], timeout: float = 60) -> Any:
        return WebDriverWait(self.driver, timeout).until(condition)

    def el(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def els(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def status(self) -> WebElement:
        return self.el("#status")

    def run(self, how: str = "button") -> str:
        """Run the query in the editor; wait until it answers; return the final state."""
        self.driver.execute_script("document.getElementById('status').dataset.state = 'idle'")
        if how == "button":
            self.el("#run").click()
        else:
            self.el("#query").send_keys(Keys.CONTROL, Keys.ENTER)
        self.wait(lambda d: self.status().get_attribute("data-state") in ("done", "error"))
        return str(self.status().get_attribute("data-state"))

    def type_query(self, text: str) -> None:
        area = self.el("#query")
        area.send_keys(Keys.CONTROL, "a")
        area.send_keys(Keys.DELETE)
        area.send_keys(text)
        self.wait(lambda d: area.get_attribute("value") == text)

    def rows(self) -> int:
        return int(self.status().get_attribute("data-rows") or -1)

    def screenshot(self, what: str) -> Path:
        """The whole page (up to 3,000 px high), not just the window."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"workbench-{what}.png"
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 1400, "height": min(int(height), 3000), "deviceScaleFactor": 1, "mobile": False})
        try:
            self.driver.save_screenshot(str(path))
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return path

    def assert_clean(self, allowed: tuple[str, ...] = ()) -> None:
        """No console errors (but the `allowed` substrings), no request to another host."""
        errors = [e["message"] for e in self.driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        unexpected = [m for m in errors if not any(a in m for a in allowed)]
        assert not unexpected, unexpected
        own = urlsplit(self.served.url).netloc
        requested = set()
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                requested.add(message["params"]["request"]["url"])
        foreign = [u for u in requested if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).netloc != own]
        assert not foreign, foreign
        assert requested, "the performance log recorded no request at all"


def test_choose_an_example_run_it_and_see_rows_with_links(page: Page) -> None:
    page.open()
    page.screenshot("1-opened")
    assert "PREFIX skos:" in page.el("#query").get_attribute("value")  # the usual prefixes are pre-filled
    assert page.els("#highlight .tok-keyword") and page.els("#highlight .tok-var")  # highlighted
    Select(page.el("#examples")).select_by_value("state-roles")
    text = page.el("#query").get_attribute("value")
    assert "BIND(<https://w3id.org/normgraph/id/cluster/states> AS ?cluster)" in text
    assert "Which roles" in page.el("#query").get_attribute("value")
    assert page.el("#example-info").is_displayed()
    assert page.run() == "done"
    api = httpx.get(page.served.url + "/api/queries/state-roles").json()
    assert page.rows() == len(api["rows"]) == 7
    assert " ms" in page.status().text and "7 rows" in page.status().text
    links = page.els("#result-table a[href]")
    local = [a for a in links if a.get_attribute("href").startswith(page.served.url + "/id/")]
    assert local, "no link to a linked-data page"
    # ?role has ?roleLabel: the link shows the label, the IRI is its title
    role_links = [a for a in local if "/id/state-role/" in a.get_attribute("href")]
    assert {a.text for a in role_links} >= {"Coordinator"}
    assert all(a.get_attribute("title").startswith("https://w3id.org/normgraph/id/state-role/") for a in role_links)
    headers = [th.text for th in page.els("#result-table th")]
    assert "?role" in headers and "?roleLabel" not in headers
    target = httpx.get(role_links[0].get_attribute("href"), headers={"Accept": "text/html"}, follow_redirects=True)
    assert target.status_code == 200
    page.el("#labels").click()  # labels off: the raw columns come back
    assert "?roleLabel" in [th.text for th in page.els("#result-table th")]
    page.screenshot("2-example-results")
    page.assert_clean()


def test_ctrl_enter_paging_and_csv_download(page: Page, downloads: Path) -> None:
    page.open()
    query = PREFIXES + "SELECT ?quote ?line WHERE { ?quote a ng:Quote ; ng:line ?line } ORDER BY ?quote"
    page.type_query(query)
    assert page.run(how="keys") == "done"
    expected = httpx.get(page.served.sparql, params={"query": query}, headers={"Accept": "text/csv"})
    n = expected.text.count("\r\n") - 1
    assert n > 100 and page.rows() == n
    assert page.el("#page-info").text == f"rows 1–50 of {n} · page 1 of {(n + 49) // 50}"
    assert len(page.els("#result-table tbody tr")) == 50
    page.el("#page-next").click()
    assert page.el("#page-info").text.startswith(f"rows 51–100 of {n}")
    assert page.els("#result-table tbody tr td.rownum")[0].text == "51"
    for old in downloads.glob("*"):
        old.unlink()
    page.el('#downloads button[data-format="csv"]').click()
    target = downloads / "normgraph-result.csv"
    page.wait(lambda d: target.exists() and target.stat().st_size > 0, timeout=30)
    time.sleep(0.3)
    assert target.read_bytes() == expected.content
    assert sorted(b.text for b in page.els("#downloads button")) == ["CSV", "JSON", "TSV"]
    page.screenshot("3-paging")
    page.assert_clean()


def test_a_shared_url_opens_and_runs_the_query(page: Page) -> None:
    query = PREFIXES + "SELECT ?norm ?label WHERE { ?norm a ng:Norm ; rdfs:label ?label } ORDER BY ?label LIMIT 5"
    page.open(query)
    page.wait(lambda d: page.status().get_attribute("data-state") == "done")
    assert page.rows() == 5
    assert page.el("#query").get_attribute("value") == query
    page.el("#share").click()
    shared = page.el("#share-url").get_attribute("value")
    assert shared.startswith(page.served.url + "/workbench?query=")
    assert page.driver.current_url == shared
    # the link opens the same query in a new visit, and runs it
    page.driver.get("about:blank")
    page.driver.get(shared)
    page.wait(lambda d: d.find_element(By.ID, "status").get_attribute("data-state") == "done")
    assert page.el("#query").get_attribute("value") == query and page.rows() == 5
    page.screenshot("4-shared-url")
    page.assert_clean()


def test_a_syntax_error_is_shown_at_its_position(page: Page) -> None:
    page.open()
    query = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) . ?s ?q ?r .\n}"
    page.type_query(query)
    assert page.run() == "error"
    message = httpx.post(page.served.sparql, data={"query": query}).text
    assert message.startswith("query syntax error: error at 3:")
    column = int(message.split("error at 3:")[1].split(":")[0])
    error = page.el("#error")
    assert error.is_displayed()
    assert page.el("#error-title").text == f"Syntax error at line 3, column {column}"
    assert "query syntax error" in page.el("#error-message").text
    mark = page.el("#highlight mark.error-at")
    assert mark.find_element(By.XPATH, "..").get_attribute("class") == "line error-line"
    assert [e.text for e in page.els("#gutter .error-line")] == ["3"]
    offset = len("SELECT ?s WHERE {\n  ?s ?p ?o .\n") + column - 1
    assert page.driver.execute_script("return document.getElementById('query').selectionStart") == offset
    assert mark.text == (query[offset] if query[offset] != "\n" else " ")  # past the end of the line: a marked space
    page.screenshot("5-syntax-error")
    # editing the query clears the marker
    page.el("#query").send_keys(Keys.END, " ")
    page.wait(lambda d: not page.els("#highlight mark.error-at"))
    page.assert_clean(allowed=("status of 400",))


def test_a_count_query_gets_a_bar_chart(page: Page) -> None:
    page.open()
    query = PREFIXES + ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                        "SELECT ?status ?statusLabel (COUNT(?claim) AS ?claims) WHERE {\n"
                        "  ?claim a ng:Claim ; ng:status ?status . ?status skos:prefLabel ?statusLabel .\n"
                        "} GROUP BY ?status ?statusLabel ORDER BY DESC(?claims)")
    page.type_query(query)
    assert page.run() == "done"
    n = page.rows()
    assert n >= 3
    tab = page.el("#tab-chart")
    assert tab.is_displayed()
    tab.click()
    chart = page.el("#view-chart svg.bar-chart")
    assert chart.is_displayed()
    assert len(page.els("#view-chart rect.bar-rect")) == n
    labels = [t.text for t in page.els("#view-chart text.bar-label")]
    assert "suggested" in [label.lower() for label in labels]
    widths = [float(r.get_attribute("width")) for r in page.els("#view-chart rect.bar-rect")]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    page.screenshot("6-bar-chart")
    # a result that is not label + number gets no chart
    page.type_query(PREFIXES + "SELECT ?s ?label WHERE { ?s a ng:Norm ; rdfs:label ?label } LIMIT 3")
    assert page.run() == "done"
    assert not page.el("#tab-chart").is_displayed()
    page.assert_clean()


def test_a_construct_result_is_drawn_as_a_node_link_diagram(page: Page) -> None:
    page.open()
    query = PREFIXES + ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                        "CONSTRUCT { ?r ng:bearer ?b ; rdfs:label ?label . ?b skos:prefLabel ?bl }\n"
                        "WHERE { ?r ng:bearer ?b ; rdfs:label ?label . ?b skos:prefLabel ?bl } LIMIT 60")
    page.type_query(query)
    assert page.run() == "done"
    assert "triples" in page.status().text
    assert page.el("#tab-diagram").is_displayed()
    svg = page.el("#view-diagram svg.diagram")
    assert svg.is_displayed()
    nodes = page.els("#view-diagram g.node")
    edges = page.els("#view-diagram line.edge")
    assert len(nodes) >= 3 and len(edges) >= 2
    assert page.els("#view-diagram g.node a[href^='" + page.served.url + "/id/']")
    # nodes are placed inside the picture, not on top of each other
    page.screenshot("7-construct-diagram")
    places = {n.get_attribute("transform") for n in nodes}
    assert len(places) == len(nodes)
    assert sorted(b.text for b in page.els("#downloads button")) == ["JSON-LD", "N-Triples", "Turtle"]
    page.screenshot("7-construct-diagram")
    page.el("#tab-table").click()
    assert [th.text for th in page.els("#result-table th")][1:] == ["?subject", "?predicate", "?object"]
    page.assert_clean()


def test_values_from_the_data_are_never_markup(page: Page) -> None:
    page.open()
    query = ('SELECT ?text ?iri WHERE { BIND("<img src=x id=injected>" AS ?text) '
             'BIND(IRI("javascript:alert(1)") AS ?iri) }')
    page.type_query(query)
    assert page.run() == "done"
    cells = page.els("#result-table tbody td")
    assert "<img src=x id=injected>" in [c.text for c in cells]
    assert not page.els("#injected") and not page.els("#result-table img")
    assert not page.els("#result-table a[href^='javascript']")
    page.type_query("ASK { ?s ?p ?o }")
    assert page.run() == "done"
    assert page.status().text.startswith("ASK: true")
    page.assert_clean()


def test_every_example_in_its_readable_form_answers_like_the_api(page: Page) -> None:
    """The workbench's form of each ready-made query (defaults bound by BIND lines) gives the
    same number of rows through /sparql as the query through /api/queries with its defaults."""
    page.open()
    texts = page.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        Promise.all([import('./workbench/static/sparql-text.js'), fetch('api/queries').then((r) => r.json())])
          .then(([m, c]) => done(c.queries.map((q) => [q.name, m.withParams(q)])))
          .catch((e) => done(String(e)));
    """)
    assert isinstance(texts, list) and len(texts) >= 30, texts
    mismatches = []
    with httpx.Client(timeout=60) as client:
        catalogue = {q["name"]: q for q in client.get(page.served.url + "/api/queries").json()["queries"]}
        for name, text in texts:
            if any(p["default"] is not None for p in catalogue[name]["params"]):
                assert "BIND(" in text, name
            answer = client.post(page.served.sparql, data={"query": text})
            if answer.status_code != 200:
                mismatches.append((name, answer.status_code, answer.text[:200]))
                continue
            ours = answer.json()["results"]["bindings"]
            api = client.get(f"{page.served.url}/api/queries/{name}").json()["rows"]
            if len(ours) != len(api):
                mismatches.append((name, len(ours), len(api)))
    assert not mismatches
    page.assert_clean()
