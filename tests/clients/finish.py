"""The console's finish, in a real browser on a desktop and a phone: argv = [api binary, GraphQL URL].

A session that ends under a half-filled form is renewed in a dialog and the action goes on; a
reload on an ended session asks to sign in again in place. The institution list counts what the
overview counts, pages, and filters by area with an area column; a record shows the pool, the
people, the history and the documents, prints as one A4 sheet, and has write forms only on the
office's own records. Findings page with links to the records; the deciding office reads the
department's reason; the evaluator's sheet opens from the keyboard and scrolls to its form; a
release is previewed with its audit and changes, then published; GraphiQL answers a signed-in
browser. axe-core's WCAG rules on every screen, on both sizes. SCREENSHOTS=dir saves pictures."""

import base64
import os
import re
import subprocess
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select

import chromium
import server_calls

api, graphql = sys.argv[1], sys.argv[2]
origin = graphql.rsplit("/graphql", 1)[0]
shots = os.environ.get("SCREENSHOTS")
PASSWORDS = {"zhang.office": "correct horse battery", "wang.culture": "a department's passphrase",
             "li.expert": "an evaluator's passphrase"}


def token(*args):
    return server_calls.token(api, *args)


def ask(bearer, query, variables=None):
    return server_calls.ask(graphql, bearer, query, variables, "finish")


def add_user(username, *args):
    subprocess.run([api, "user", "add", "--username", username, "--jurisdiction", "620700", *args],
                   input=f"{PASSWORDS[username]}\n".encode(), check=True, env=os.environ)


office = token("--role", "STAFFING_OFFICE", "--jurisdiction", "620700")
unit = ask(office, '{ institutions(search: "张掖市书画院", first: 1) { edges { node { id department { id } } } } }')
department_id = unit["institutions"]["edges"][0]["node"]["department"]["id"]
add_user("zhang.office", "--role", "STAFFING_OFFICE")
add_user("wang.culture", "--role", "DEPARTMENT", "--department", department_id)
add_user("li.expert", "--role", "EVALUATOR", "--subject", "expert-li")
# A request with its reason, for the deciding office to read.
department = token("--role", "DEPARTMENT", "--jurisdiction", "620700", "--department", department_id)
ask(department, "mutation($i: VacancyUseRequestInput!) { requestVacancyUse(input: $i) { id } }",
    {"i": {"institutionId": unit["institutions"]["edges"][0]["node"]["id"], "funding": "FISCAL", "slots": 1,
           "posts": "书画修复", "recruitment": "OPEN_EXAM", "reason": "承接全市书画修复任务"}})
own_count = ask(office, '{ overview(jurisdiction: "620700") { institutionCount } }')["overview"]["institutionCount"]
county = ask(office, '{ jurisdiction(code: "620700") { children { code name } } }')["jurisdiction"]["children"][0]
county_count = ask(office, "query($j: String!) { overview(jurisdiction: $j) { institutionCount } }",
                   {"j": county["code"]})["overview"]["institutionCount"]

browser = None
wait = None


def check(condition, message):
    if not condition:
        browser.save_screenshot("finish-failure.png")
        raise SystemExit(f"finish: {message}")


def text(element_id):
    return browser.find_element(By.ID, element_id).text


def shot(name):
    if shots:
        browser.save_screenshot(os.path.join(shots, name))


def accessible(where):
    """axe-core's WCAG 2 A/AA rules on the screen as it is now."""
    violations = server_calls.axe_violations(browser)
    check(violations == [], f"{where}: accessibility violations {violations}")


def sign_in(username):
    wait.until(lambda b: chromium.page_state(b) == "login")
    browser.find_element(By.ID, "username").clear()
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(PASSWORDS[username])
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
    wait.until(lambda b: chromium.page_state(b) == "true")


def sign_out():
    browser.execute_script("sessionStorage.clear()")
    browser.find_element(By.ID, "logout").click()
    wait.until(lambda b: chromium.page_state(b) == "login")


def tab(name):
    browser.execute_script("document.body.dataset.ready = ''")
    browser.find_element(By.CSS_SELECTOR, f"nav button[data-tab={name}]").click()
    wait.until(lambda b: chromium.page_state(b) == "true")


def tabs_shown():
    return sorted(b.get_attribute("data-tab") for b in browser.find_elements(By.CSS_SELECTOR, "nav button") if b.is_displayed())


def end_session():
    """Signs the page's session out on the server, as an expiry or a sign-out elsewhere would."""
    status = browser.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch("/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${state.token}` } }).then((r) => done(r.status));""")
    check(status in (200, 204), f"the session ended: {status}")


def renew(username):
    """The sign-in dialog over the page, filled in."""
    wait.until(lambda b: b.execute_script("return document.getElementById('reauth').open"))
    accessible("the sign-in dialog")
    field = browser.find_element(By.ID, "reUser")
    if not field.get_attribute("value"):
        field.send_keys(username)
    browser.find_element(By.ID, "rePassword").send_keys(PASSWORDS[username])
    browser.find_element(By.CSS_SELECTOR, "#reauthForm button[type=submit]").click()
    wait.until(lambda b: not b.execute_script("return document.getElementById('reauth').open"))


def ended_under_a_form(document_no, reason):
    """The session ends under a half-filled event form: signed in again in place, the form kept,
    and the preview asked for shown."""
    browser.find_element(By.ID, "evDocument").send_keys(document_no)
    browser.find_element(By.ID, "evReason").send_keys(reason)
    end_session()
    browser.find_element(By.ID, "evPreview").click()
    renew("zhang.office")
    wait.until(lambda b: "记录后" in text("evResult"))
    check(browser.find_element(By.ID, "evReason").get_attribute("value") == reason, "the form kept what was typed")


def shown_count():
    return int(re.search(r"共 ([\d,]+) 个", text("count")).group(1).replace(",", ""))


def open_first_record():
    browser.find_element(By.CSS_SELECTOR, "#list tr.item").click()
    wait.until(lambda b: b.find_element(By.ID, "record").is_displayed() and "编制" in text("record"))


def pdf_pages():
    """The page printed to PDF by the browser (A4), counted in pages."""
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True})
    return len(re.findall(rb"/Type\s*/Page[^s]", base64.b64decode(pdf["data"])))


def office_desktop():
    sign_in("zhang.office")
    check(tabs_shown() == sorted(["overview", "institutions", "people", "submissions", "plans", "imports", "findings",
                                  "disclosure", "rounds", "accounts"]), f"an office's tabs: {tabs_shown()}")
    # Chinese throughout: the tabs and who is signed in carry no English word.
    shown = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "nav button") if b.is_displayed()] + [text("who")]
    check(not [w for w in shown if re.search(r"[A-Za-z]{2,}", w)], f"English in the header: {shown}")
    accessible("the overview")
    # The list: the office's own level by default, counted as the overview counts, in pages of 50.
    tab("institutions")
    wait.until(lambda b: text("count"))
    check(shown_count() == own_count, f"the list counts {text('count')!r}, the overview {own_count}")
    check("地区" in text("main"), "an area column and filter")
    if own_count > 50:
        browser.find_element(By.ID, "nextPage").click()
        wait.until(lambda b: "第 51–" in text("count"))
        browser.find_element(By.ID, "prevPage").click()
        wait.until(lambda b: "第 1–" in text("count"))
    accessible("the institution list")
    # A county's records: read, never written by the city.
    Select(browser.find_element(By.ID, "area")).select_by_value(county["code"])
    wait.until(lambda b: shown_count() == county_count)
    open_first_record()
    check(not browser.find_elements(By.ID, "event"), "no write form on a county's record for the city")
    check("存入周转池" in text("recordEstablishment") and "借用周转池" in text("recordEstablishment"), text("recordEstablishment"))
    # The office's own record: people, history, documents, forms; printed on one A4 sheet.
    Select(browser.find_element(By.ID, "area")).select_by_value("620700")
    wait.until(lambda b: shown_count() == own_count)
    open_first_record()
    check(browser.find_elements(By.ID, "event"), "the office's own record has its forms")
    for part in ["recordPeople", "recordHistory"]:
        browser.find_element(By.CSS_SELECTOR, f"#{part} summary").click()
    check(browser.find_elements(By.CSS_SELECTOR, "#recordPeople tbody tr"), "the people of the unit")
    check(browser.find_elements(By.CSS_SELECTOR, "#recordHistory li"), "the history of the unit")
    check(text("recordDocuments") != "—", "the documents of the unit's decisions")
    accessible("a record with its people and history")
    shot("console-record.png")
    pages = pdf_pages()
    check(pages == 1, f"a record prints on one A4 page, not {pages}")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    check(not browser.find_element(By.ID, "event").is_displayed() and not browser.find_element(By.ID, "tabs").is_displayed(),
          "the printed sheet has no forms or tabs")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    ended_under_a_form("张编办〔2026〕77号", "保留的事由")
    # A reload on an ended session asks again, in place.
    end_session()
    browser.refresh()
    renew("zhang.office")
    wait.until(lambda b: chromium.page_state(b) == "true")
    check("概况" in text("main") or "overview" in text("main").lower(), "back on the overview")
    # Findings: more than one page of a list, each unit a link to its record.
    tab("findings")
    accessible("the findings")
    more = browser.find_elements(By.CSS_SELECTOR, "button.more")
    check(more, "a finding list longer than a page")
    section = more[0].find_element(By.XPATH, "..")
    before = len(section.find_elements(By.CSS_SELECTOR, "li"))
    more[0].click()
    wait.until(lambda b: len(section.find_elements(By.CSS_SELECTOR, "li")) > before)
    name = section.find_element(By.CSS_SELECTOR, "li button[data-record]").text
    section.find_element(By.CSS_SELECTOR, "li button[data-record]").click()
    wait.until(lambda b: b.find_element(By.ID, "record").is_displayed() and name in text("record"))
    # The deciding office reads the department's reason.
    tab("plans")
    check("承接全市书画修复任务" in text("planList"), "the department's reason beside its request")
    accessible("the plans")
    # Publishing: the audit and the changes first, then the release.
    tab("disclosure")
    browser.find_element(By.CSS_SELECTOR, "#publishForm button").click()
    wait.until(lambda b: b.find_elements(By.ID, "auditVerdict") or b.find_elements(By.ID, "auditRefused"))
    check(browser.find_elements(By.ID, "auditVerdict"), f"the audit passes openly: {text('publishResult')!r}")
    check("审核通过" in text("auditVerdict") and "新增" in text("releasePreview"), text("releasePreview"))
    accessible("a release's preview")
    shot("console-publish.png")
    browser.find_element(By.ID, "publishConfirm").click()
    wait.until(ready.presence_of_element_located((By.ID, "published")))
    for name in ["imports", "people", "accounts", "rounds", "submissions"]:
        tab(name)
        accessible(f"the {name} tab")
    # GraphiQL in the same signed-in browser: a query only an office may ask is answered.
    browser.get(f"{origin}/graphql")
    browser.execute_script("localStorage.setItem('graphiql:query', arguments[0])", "{ auditLog(first: 1) { totalCount } }")
    browser.refresh()
    wait.until(lambda b: "auditLog" in b.find_element(By.CSS_SELECTOR, ".graphiql-query-editor").text)
    wait.until(ready.element_to_be_clickable((By.CSS_SELECTOR, ".graphiql-execute-button"))).click()
    try:
        wait.until(lambda b: "totalCount" in b.find_element(By.CSS_SELECTOR, ".graphiql-response").text)
    except Exception:
        browser.save_screenshot("finish-graphiql.png")
        raise
    check("CSRF" not in browser.find_element(By.CSS_SELECTOR, ".graphiql-response").text, "GraphiQL sends the CSRF token")
    browser.get(f"{origin}/office/")
    wait.until(lambda b: chromium.page_state(b) == "true")
    sign_out()


def department_and_evaluator():
    # The department: the tabs it can use; records without the office's forms.
    sign_in("wang.culture")
    check(tabs_shown() == sorted(["institutions", "people", "submissions", "plans"]), f"a department's tabs: {tabs_shown()}")
    tab("institutions")
    open_first_record()
    check(not browser.find_elements(By.ID, "event"), "no office form for a department")
    accessible("a department's record")
    sign_out()
    # The evaluator: a row opened from the keyboard, the form scrolled to and focused.
    sign_in("li.expert")
    check(tabs_shown() == ["rounds"], f"an evaluator's tabs: {tabs_shown()}")
    wait.until(ready.element_to_be_clickable((By.CSS_SELECTOR, "button.sheet"))).click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#sheet tr.item[data-recused=false]"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#sheet tr.item[data-recused=false]")
    row = rows[-1]
    browser.execute_script("arguments[0].focus()", row)
    row.send_keys(Keys.ENTER)
    wait.until(ready.presence_of_element_located((By.ID, "scores")))
    focused = browser.execute_script("return document.activeElement.dataset.code || ''")
    check(focused, "the first score is focused")
    top = browser.execute_script("return document.getElementById('form').getBoundingClientRect().top")
    check(0 <= top < browser.execute_script("return innerHeight"), f"the form is in view (top {top})")
    accessible("the evaluator's sheet")
    sign_out()


def office_phone():
    sign_in("zhang.office")
    accessible("the overview on a phone")
    tab("institutions")
    wait.until(lambda b: text("count"))
    check(shown_count() == own_count, f"the phone's list counts {text('count')!r}")
    open_first_record()
    accessible("a record on a phone")
    ended_under_a_form("张编办〔2026〕78号", "手机上填写")
    shot("console-phone.png")
    for name in ["findings", "plans", "disclosure", "people"]:
        tab(name)
        accessible(f"the {name} tab on a phone")
    sign_out()


try:
    for size, run in [("1280,1000", [office_desktop, department_and_evaluator]), ("390,844", [office_phone])]:
        browser = chromium.open_browser(size, "--lang=zh-CN")
        wait = chromium.waiter(browser)
        browser.get(f"{origin}/office/")
        for step in run:
            step()
        browser.quit()
        browser = None
finally:
    if browser:
        browser.quit()
print("finish: a session renewed in place kept its form, on a desktop and a phone; the list counted as the overview, paged and "
      "filtered by area; a record showed the pool, people, history and documents and printed on one page; forms only on "
      "own records; findings paged to their records; a release previewed and published; GraphiQL answered a signed-in "
      "browser; axe found nothing on any screen")
