"""The public portal in a real browser, on a desktop and on a phone: axe-core's WCAG 2 A and AA
rules (loaded from tests/clients/node_modules, nothing from the network), keyboard use, the
state in the URL with the back button, over-establishment explained, labels by the
jurisdiction's level, release history, downloads as published, the footer, print styles, and
a withheld record explained, the release's signature checked with openssl as the page says, and an
open record printed alone on one A4 page with its verification line. argv = [GraphQL URL]. With SCREENSHOTS=DIR, the screenshots of
docs/ are written there."""

import base64
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

import chromium

graphql = sys.argv[1]
origin = graphql.rsplit("/graphql", 1)[0]
here = pathlib.Path(__file__).resolve().parent
axe = (here / "node_modules" / "axe-core" / "axe.min.js").read_text()
shots = os.environ.get("SCREENSHOTS")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def public(query):
    """A public GraphQL read, as any client makes it."""
    request = urllib.request.Request(graphql, data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["data"]


def open_browser(size):
    return chromium.open_browser(size, "--lang=zh-CN")


def check(browser, condition, message):
    if not condition:
        browser.save_screenshot("portal-failure.png")
        raise SystemExit(f"portal: {message}")


waiter = chromium.waiter


def ready(browser):
    waiter(browser).until(lambda b: chromium.page_state(b) in ("true", "error"))
    check(browser, chromium.page_state(browser) == "true", "the page failed")


def accessible(browser, where):
    """axe-core's WCAG 2 A/AA rules on the page as it is now: labels, names, contrast, roles."""
    browser.execute_script(axe)
    passes, violations = browser.execute_async_script(
        """const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: "tag", values: arguments[0] } })
          .then((r) => done([r.passes.map((p) => p.id), r.violations.map((v) => ({ id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }))]))
          .catch((e) => done([[], [{ id: "axe failed", impact: String(e) }]]));""",
        RULES,
    )
    check(browser, violations == [], f"{where}: accessibility violations {violations}")
    # The rules did run: names of controls and contrast among them.
    for rule in ["color-contrast", "label", "button-name", "html-has-lang"]:
        check(browser, rule in passes, f"{where}: axe did not check {rule} ({passes})")


def text(browser, element_id):
    return browser.find_element(By.ID, element_id).text


def tab_to(browser, accept, limit=60):
    """Presses Tab until the focused element satisfies `accept` (keyboard reach)."""
    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    for _ in range(limit):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if accept(browser.switch_to.active_element):
            return browser.switch_to.active_element
    check(browser, False, "not reachable with the keyboard")


def download(path):
    with urllib.request.urlopen(f"{origin}{path}") as response:
        return response.read()


def verified_by_openssl(release):
    """The release, its signature and the key as the page links them, checked by openssl."""
    with tempfile.TemporaryDirectory() as folder:
        files = {"key.pem": "/release-signing-key.pem", "r.json": f"/releases/{release}.json", "r.json.sig": f"/releases/{release}.json.sig"}
        for name, path in files.items():
            pathlib.Path(folder, name).write_bytes(download(path))
        result = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin", "-in", "r.json", "-sigfile", "r.json.sig"],
                                cwd=folder, capture_output=True, text=True)
        return result.returncode == 0 and "Signature Verified Successfully" in result.stdout


def desktop():
    browser = open_browser("1280,1000")
    wait = waiter(browser)
    try:
        # The city's latest release, as signed (the first download signs a release the demo
        # published before the server had its key).
        latest = public('{ disclosure(jurisdiction: "620700") { id } }')["disclosure"]["id"]
        download(f"/releases/{latest}.json")
        browser.get(f"{origin}/")
        ready(browser)
        accessible(browser, "the city's page")
        # Over establishment is shown and explained beside the totals.
        explain = text(browser, "explain")
        check(browser, "74" in explain and "超编" in explain, f"over establishment explained: {explain!r}")
        # The footer names the publishing office and the date; the history lists the release.
        footer = text(browser, "footer")
        check(browser, "张掖市" in footer and "20" in footer, f"footer: {footer!r}")
        check(browser, len(Select(browser.find_element(By.ID, "releases")).options) >= 1, "release history")
        # Downloads: the release as published, CSV with a byte-order mark and XLSX.
        links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a")]
        kinds = [h.split("?")[0].rsplit(".", 1)[-1] for h in links]
        check(browser, "csv" in kinds and "xlsx" in kinds, f"downloads: {links}")
        with urllib.request.urlopen(links[kinds.index("csv")]) as response:
            check(browser, response.read(3) == b"\xef\xbb\xbf", "the CSV starts with a byte-order mark")
        # How to check the release: the key's fingerprint, the files, the openssl command; and
        # the command holds on the files the page links.
        browser.find_element(By.CSS_SELECTOR, "#verify summary").click()
        verify = text(browser, "verify")
        check(browser, re.search(r"[0-9a-f]{64}", verify) and "openssl pkeyutl -verify" in verify, f"verification: {verify!r}")
        hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#verify a")]
        check(browser, any(h.endswith(f"/releases/{latest}.json.sig") for h in hrefs), f"signature linked: {hrefs}")
        check(browser, verified_by_openssl(latest), "openssl verifies the release the page links")
        if shots:
            browser.save_screenshot(os.path.join(shots, "portal.png"))
        # Keyboard: reach the search box, search for a graded hospital, open its record with Enter.
        graded = public('{ disclosure(jurisdiction: "620700") { institutions(search: "医院", first: 50) { items { name grade gradeYear } } } }')
        hospital = next(i for i in graded["disclosure"]["institutions"]["items"] if i["grade"])
        search = tab_to(browser, lambda e: e.get_attribute("id") == "search")
        search.send_keys(hospital["name"])
        wait.until(lambda b: "q=" in b.current_url)
        wait.until(lambda b: (rows := b.find_elements(By.CSS_SELECTOR, "tr.item")) and all(hospital["name"] in r.text for r in rows))
        row = tab_to(browser, lambda e: e.tag_name == "tr" and "item" in (e.get_attribute("class") or ""))
        name = row.find_element(By.TAG_NAME, "td").text
        row.send_keys(Keys.ENTER)
        wait.until(lambda b: not b.find_element(By.ID, "record").get_attribute("hidden"))
        check(browser, name in text(browser, "record"), "the record opened by keyboard is the row's")
        check(browser, f"({hospital['gradeYear']})" in text(browser, "record"), "the published grade with its year")
        check(browser, "周转池编制" in text(browser, "record"), "the record shows its pool slots")
        line = text(browser, "recordLine")
        check(browser, f"/releases/{latest}.json" in line and "公钥指纹" in line, f"the record's verification line: {line!r}")
        accessible(browser, "an open record")
        # Printed, an open record is a document of its own: alone, on one A4 page.
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        check(browser, not browser.find_element(By.ID, "figures").is_displayed(), "an open record prints without the overview")
        check(browser, "/releases/" in text(browser, "recordLine"), "the verification line is printed")
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True})
        pages = len(re.findall(rb"/Type\s*/Page[^s]", base64.b64decode(pdf["data"])))
        check(browser, pages == 1, f"a record prints on one A4 page, not {pages}")
        close = browser.find_element(By.ID, "close")
        close.send_keys(Keys.ENTER)
        wait.until(lambda b: b.find_element(By.ID, "record").get_attribute("hidden"))
        # The back button undoes the search, from the URL.
        browser.back()
        wait.until(lambda b: "q=" not in b.current_url)
        wait.until(lambda b: b.find_element(By.ID, "search").get_attribute("value") == "")
        # Print: the controls are not printed, the figures are.
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        check(browser, not browser.find_element(By.ID, "search").is_displayed(), "controls hidden in print")
        check(browser, browser.find_element(By.ID, "figures").is_displayed(), "figures printed")
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        # A county is labelled as a county; its withheld records say why.
        Select(browser.find_element(By.ID, "jurisdiction")).select_by_value("620725")
        wait.until(lambda b: "j=620725" in b.current_url and "山丹县" in text(b, "release"))
        page = browser.find_element(By.TAG_NAME, "main").text
        check(browser, "市委直属" not in page and ("县委直属" in page or "县政府直属" in page), "labels by level")
        withheld = [r for r in browser.find_elements(By.CSS_SELECTOR, "tr.item") if "—" in r.text]
        check(browser, withheld, "Shandan's release withholds records")
        withheld[0].click()
        wait.until(lambda b: b.find_elements(By.ID, "withheld"))
        check(browser, "门槛为 3 人" in text(browser, "withheld"), text(browser, "withheld"))
        accessible(browser, "a withheld record")
        if shots:
            browser.save_screenshot(os.path.join(shots, "portal-withheld.png"))
        # English, then back to Chinese: the page's language follows.
        browser.find_element(By.ID, "lang").click()
        wait.until(lambda b: "lang=en" in b.current_url)
        check(browser, browser.find_element(By.TAG_NAME, "html").get_attribute("lang").startswith("en"), "lang=en")
        accessible(browser, "the English page")
    finally:
        browser.quit()


def phone():
    browser = open_browser("390,844")
    wait = waiter(browser)
    try:
        # The city on a phone: over establishment explained, the footer.
        browser.get(f"{origin}/")
        ready(browser)
        check(browser, "超编" in text(browser, "explain") and "张掖市" in text(browser, "footer"), "explained on a phone too")
        accessible(browser, "the city on a phone")
        browser.get(f"{origin}/?j=620722")
        ready(browser)
        accessible(browser, "a county on a phone")
        width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        check(browser, width[0] <= width[1], f"no sideways scrolling on a phone: {width}")
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.item")
        check(browser, rows, "the list shows on a phone")
        rows[0].click()
        wait.until(lambda b: not b.find_element(By.ID, "record").get_attribute("hidden"))
        if shots:
            browser.save_screenshot(os.path.join(shots, "portal-phone.png"))
    finally:
        browser.quit()


desktop()
phone()
print("portal: desktop and phone checked")
