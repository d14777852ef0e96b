"""The pages in a real browser: headless Chromium (Debian's chromium + chromium-driver, installed
by .ci/run) driven by Selenium. Pages render, log no console errors (a CSP violation would be
one), request nothing outside the server, fit a phone-width screen, and the diagram's nodes
are links. Screenshots of a norm page and of the Annex 1 view go to tests/artifacts/."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graph.build import BuildResult
from graph.config import Settings
from tests.servers import Server

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service as ChromeService  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium and chromium-driver are not installed")

PAGES = [
    ("/", "normgraph"),
    ("/id/norm/gge-2015-13g.html", "GGE 2015 norm 13(g)"),
    ("/id/responsibility/states/awareness-raising.html", "awareness raising (States)"),
    ("/id/cluster/private-sector.html", "Private sector"),
    ("/views/annex-1", "Annex 1"),
    ("/views/responsibility-matrix", "Responsibility matrix"),
    ("/read/roles-and-responsibilities-of-states", "Roles and Responsibilities of States"),
    ("/read/geneva-dialogue-phase-1-report", "Phase 1 Report"),
    ("/browse/responsibilities", "Responsibilities"),
    ("/search?q=vulnerabilities", "Search"),
    ("/def/normgraph.html", "normgraph ontology"),
    ("/shapes.html", "SHACL shapes"),
    ("/.well-known/void", "VoID"),
    ("/id/norm/no-such-norm", "Not found"),
]


@pytest.fixture(scope="module")
def served(built: tuple[Settings, BuildResult], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings, _ = built
    data_dir = tmp_path_factory.mktemp("ld-browser") / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    server = Server(data_dir)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    options = Options()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    profile = tempfile.mkdtemp(prefix="normgraph-chromium-")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=ChromeService(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver: object) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):  # type: ignore[attr-defined]
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver: object) -> list[dict]:
    return [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "ERROR")]  # type: ignore[attr-defined]


def full_page_screenshot(driver: object, path: Path, width: int = 1280) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    driver.set_window_size(width, min(max(int(height), 600), 8000))  # type: ignore[attr-defined]
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_pages_render_without_errors_or_external_requests(served: Server, browser: object, path: str, title: str) -> None:
    driver = browser
    driver.set_window_size(1280, 900)  # type: ignore[attr-defined]
    driver.get_log("browser")  # type: ignore[attr-defined]  # drop what earlier pages logged
    driver.get_log("performance")  # type: ignore[attr-defined]
    driver.get(served.url + path)  # type: ignore[attr-defined]
    assert driver.execute_script("return document.readyState") == "complete"  # type: ignore[attr-defined]
    assert title.lower() in driver.title.lower()  # type: ignore[attr-defined]
    assert driver.find_element(By.TAG_NAME, "h1").text.strip()  # type: ignore[attr-defined]
    # the stylesheet applied (no CSP block): the header is dark
    colour = driver.execute_script(  # type: ignore[attr-defined]
        "return getComputedStyle(document.querySelector('header.site')).backgroundColor")
    assert colour == "rgb(29, 53, 87)"
    errors = [e for e in console_errors(driver) if not (path.startswith("/id/norm/no-such") and "404" in e["message"])]
    assert errors == [], errors
    outside = [u for u in requested_urls(driver) if not u.startswith((served.url, "data:", "about:", "chrome"))]
    assert outside == [], outside


def test_phone_width_has_no_horizontal_scrolling(served: Server, browser: object) -> None:
    driver = browser
    driver.set_window_size(390, 844)  # type: ignore[attr-defined]
    for path in ("/", "/id/norm/gge-2015-13g.html", "/views/annex-1", "/read/roles-and-responsibilities-of-states",
                 "/def/normgraph.html", "/browse/sources"):
        driver.get(served.url + path)  # type: ignore[attr-defined]
        overflow = driver.execute_script(  # type: ignore[attr-defined]
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a phone screen"
    driver.get(served.url + "/id/norm/gge-2015-13g.html")  # type: ignore[attr-defined]
    driver.save_screenshot(str(_artifact("phone-norm-page.png")))  # type: ignore[attr-defined]


def test_diagram_nodes_are_links(served: Server, browser: object) -> None:
    driver = browser
    driver.set_window_size(1280, 900)  # type: ignore[attr-defined]
    driver.get(served.url + "/id/norm/gge-2015-13g.html")  # type: ignore[attr-defined]
    nodes = driver.find_elements(By.CSS_SELECTOR, "svg.diagram a")  # type: ignore[attr-defined]
    assert len(nodes) >= 8
    target = next(n for n in nodes if "/id/cluster/" in (n.get_dom_attribute("href") or ""))
    href = target.get_dom_attribute("href")
    driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", target)  # type: ignore[attr-defined]
    assert driver.current_url.split("#")[0].endswith(href.rsplit("/", 1)[-1] + ".html")  # type: ignore[attr-defined]


def test_screenshots_of_a_norm_page_and_the_annex(served: Server, browser: object, select: Callable) -> None:
    driver = browser
    ARTIFACTS.mkdir(exist_ok=True)
    quote = select("SELECT ?s ?e WHERE { ?c a ng:Claim ; ng:evidence ?q . ?q oa:start ?s ; oa:end ?e ; ng:sourceDocument "
                   "<https://w3id.org/normgraph/id/document/roles-and-responsibilities-of-states> } ORDER BY ?s LIMIT 1")[0]
    span = f"{quote['s']},{quote['e']}"
    for path, name in (("/id/norm/gge-2015-13g.html", "norm-page.png"), ("/views/annex-1", "annex-1.png"),
                       (f"/read/roles-and-responsibilities-of-states?hl={span}#char={span}", "reading-view.png")):
        driver.set_window_size(1280, 900)  # type: ignore[attr-defined]
        driver.get(served.url + path)  # type: ignore[attr-defined]
        if "#" in path:
            driver.save_screenshot(str(_artifact(name)))  # type: ignore[attr-defined]
        else:
            full_page_screenshot(driver, _artifact(name))
        assert _artifact(name).stat().st_size > 20_000


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
