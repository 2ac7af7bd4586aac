"""The review page in a real headless Chromium: click and key through items; every decision is on
disk at once; export keeps the accepted items. Skips where no browser (or selenium) is installed."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_review_server import make_toolbox  # noqa: E402  (same folder, no package)

from babyvlm.devcv.review import export, load_decisions  # noqa: E402
from babyvlm.devcv.review.server import serve_in_thread  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture
def browser(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        pytest.skip("no headless Chromium here: install Debian's `chromium` and `chromium-driver` "
                    "(apt-get install chromium chromium-driver) to run the review page test")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    driver = webdriver.Chrome(service=Service(chromedriver), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _wait(driver, cond, timeout=15):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: cond(d))


def _decisions(toolbox: Path) -> list[dict]:
    path = toolbox / "review" / "decisions.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def test_review_page_in_headless_chromium(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    toolbox = make_toolbox(tmp_path / "toolbox")
    server, url = serve_in_thread(toolbox)
    try:
        d = browser
        d.get(url)
        _wait(d, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        item = d.find_element(By.ID, "item")
        assert item.get_attribute("data-id") == "count_0"
        assert "How many cups do you see?" in item.text and "answer: 4" in item.text
        assert len(item.find_elements(By.TAG_NAME, "img")) == 1
        _wait(d, lambda d: d.execute_script("return document.querySelector('#item img').naturalWidth") == 64)

        d.find_element(By.ID, "accept").click()  # the button
        _wait(d, lambda d: len(_decisions(toolbox)) == 1)
        assert _decisions(toolbox)[0] | {"time": None} == {"split": "test", "task": "count", "id": "count_0",
                                                           "decision": "accept", "time": None}
        _wait(d, lambda d: d.find_element(By.ID, "item").get_attribute("data-id") == "count_1")  # moved on

        d.find_element(By.TAG_NAME, "body").send_keys("r")  # the keyboard shortcut
        _wait(d, lambda d: len(_decisions(toolbox)) == 2)
        assert _decisions(toolbox)[1]["id"] == "count_1" and _decisions(toolbox)[1]["decision"] == "reject"
        _wait(d, lambda d: d.find_element(By.ID, "item").get_attribute("data-id") == "count_2")
        assert "saved: reject count_1" in d.find_element(By.ID, "status").text

        d.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_LEFT)
        _wait(d, lambda d: d.find_element(By.ID, "item").get_attribute("data-id") == "count_1")
        assert d.find_element(By.ID, "decision").text == "rejected"
        d.find_element(By.TAG_NAME, "body").send_keys("a")  # change of mind: the last decision counts
        _wait(d, lambda d: len(_decisions(toolbox)) == 3)

        # the VDR item shows its frames and the animation; the localize item its box
        Select(d.find_element(By.ID, "filter")).select_by_value("test/vdr-binary")
        _wait(d, lambda d: d.find_element(By.ID, "item").get_attribute("data-id") == "S_20141029_2412_02_clip_000")
        assert len(d.find_elements(By.CSS_SELECTOR, "#item img")) == 6
        Select(d.find_element(By.ID, "filter")).select_by_value("test/localize")
        _wait(d, lambda d: d.find_element(By.ID, "item").get_attribute("data-id") == "localize_0")
        _wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#item .bb")) == 1)
        d.find_element(By.ID, "accept").click()
        _wait(d, lambda d: len(_decisions(toolbox)) == 4)

        d.refresh()  # the page starts again from what is on disk
        _wait(d, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
        assert "3/14 decided (3 accepted, 0 rejected)" in d.find_element(By.ID, "progress").text
        d.find_element(By.TAG_NAME, "body").send_keys("u")  # next undecided
        _wait(d, lambda d: d.find_element(By.ID, "item").get_attribute("data-id") == "count_2")
    finally:
        server.shutdown()
        server.server_close()
    assert load_decisions(toolbox) == {"test/count/count_0": "accept", "test/count/count_1": "accept",
                                       "test/localize/localize_0": "accept"}
    out = tmp_path / "verified"
    assert export(toolbox, out, verified=True)["items"] == 3
    assert [r["id"] for r in json.loads((out / "test" / "count" / "data.json").read_text())] == ["count_0", "count_1"]
