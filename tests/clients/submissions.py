"""Institutions key their own changes, in a real browser: argv = [api binary, GraphQL URL].

An institution signs in, a departure dated in the future is refused before it is sent (in
Chinese), a departure and an arrival on an approved plan are sent; its department returns the
departure with a reason and passes the arrival; the institution reads the reason and sends the
departure again; the department passes it; the office approves both, and the unit's figures
change exactly once for each."""

import json
import os
import subprocess
import sys
import urllib.request
from datetime import date, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready

import chromium
import server_calls

api, graphql = sys.argv[1], sys.argv[2]
origin = graphql.rsplit("/graphql", 1)[0]
UNIT = "张掖市书画院"


def token(*args):
    return server_calls.token(api, *args)


def ask(bearer, query, variables=None):
    return server_calls.ask(graphql, bearer, query, variables, "submissions")


def add_user(username, password, *args):
    subprocess.run([api, "user", "add", "--username", username, "--jurisdiction", "620700", *args],
                   input=f"{password}\n".encode(), check=True, env=os.environ)


office = token("--role", "STAFFING_OFFICE", "--jurisdiction", "620700")
unit = ask(office, "query($q: String) { institutions(search: $q, first: 1) { edges { node { id department { id } } } } }",
           {"q": UNIT})["institutions"]["edges"][0]["node"]
unit_id, department_id = unit["id"], unit["department"]["id"]
add_user("zhang.office", "correct horse battery", "--role", "STAFFING_OFFICE")
add_user("wang.culture", "a department's passphrase", "--role", "DEPARTMENT", "--department", department_id)
add_user("unit.shuhua", "an institution's passphrase", "--role", "INSTITUTION", "--institution", unit_id)
# The department asks to fill one slot, and the office approves: the plan the arrival draws on.
department = token("--role", "DEPARTMENT", "--jurisdiction", "620700", "--department", department_id)
plan = ask(department, """mutation($i: VacancyUseRequestInput!) { requestVacancyUse(input: $i) { id } }""",
           {"i": {"institutionId": unit_id, "funding": "FISCAL", "slots": 1, "posts": "书画创作", "recruitment": "OPEN_EXAM",
                  "reason": "新增书画创作职能"}})["requestVacancyUse"]["id"]
ask(office, "mutation($i: DecideVacancyUseInput!) { decideVacancyUse(input: $i) { id } }",
    {"i": {"planId": plan, "decision": "APPROVE", "expiresOn": "2099-12-31", "documentNo": "张编办〔2026〕40号"}})


def in_establishment():
    return ask(office, "query($id: ID!) { institution(id: $id) { staffCounts { inEstablishment } } }",
               {"id": unit_id})["institution"]["staffCounts"]["inEstablishment"]


def national_id(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


browser = chromium.open_browser()
wait = chromium.waiter(browser)


def text(element_id):
    return browser.find_element(By.ID, element_id).text


def check(condition, message):
    if not condition:
        browser.save_screenshot("submissions-failure.png")
        raise SystemExit(f"submissions: {message}")


def sign_in(username, password):
    wait.until(lambda b: chromium.page_state(b) == "login")
    browser.find_element(By.ID, "username").clear()
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").clear()
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()


def sign_out():
    browser.find_element(By.ID, "logout").click()
    wait.until(lambda b: chromium.page_state(b) == "login")


def queue():
    """Opens the submissions tab and waits for its queue."""
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=submissions]").click()
    wait.until(ready.presence_of_element_located((By.ID, "queue")))


def accessible(where):
    """axe-core's WCAG 2 A/AA rules on the screen as it is now."""
    violations = server_calls.axe_violations(browser)
    check(violations == [], f"{where}: accessibility violations {violations}")


def badge():
    element = browser.find_element(By.ID, "badge")
    return int(element.text) if element.is_displayed() else 0


def row(kind):
    """The first listed submission of `kind` (its Chinese name), as a table row."""
    rows = [r for r in browser.find_elements(By.CSS_SELECTOR, "#subList tr") if r.text.startswith(kind)]
    check(rows, f"no {kind} row in {text('subList')!r}")
    return rows[0]


def redrawn(click):
    """Clicks, then waits for the page drawn anew with what was done (a refusal fails the test)."""
    old = browser.find_element(By.ID, "subResult")
    browser.execute_script("arguments[0].textContent = ''", old)  # an earlier refusal is not this one's
    click()
    wait.until(lambda b: ready.staleness_of(old)(b) or "不能" in text("subResult"))
    check(ready.staleness_of(old)(browser), f"refused: {text('subResult')!r}")
    wait.until(ready.presence_of_element_located((By.ID, "subDone")))


def save(form):
    redrawn(lambda: browser.find_element(By.CSS_SELECTOR, f"#{form} button").click())


def act(kind, action, remark=None):
    submission = row(kind).get_attribute("data-submission")
    if remark:
        browser.find_element(By.ID, f"remark_{submission}").send_keys(remark)
    redrawn(lambda: browser.find_element(By.CSS_SELECTOR, f"button.subAct[data-act={action}][data-id='{submission}']").click())
    return submission


try:
    browser.get(f"{origin}/office/")
    before = in_establishment()
    # The institution: its own screens only, landing on its submissions.
    sign_in("unit.shuhua", "an institution's passphrase")
    wait.until(ready.presence_of_element_located((By.ID, "queue")))
    shown = [b.get_attribute("data-tab") for b in browser.find_elements(By.CSS_SELECTOR, "nav button") if b.is_displayed()]
    check(shown == ["people", "submissions"] or sorted(shown) == ["people", "submissions"], f"an institution's tabs: {shown}")
    # A departure dated in the future: saved, and refused when sent, in Chinese, before anyone sees it.
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    browser.execute_script("document.getElementById('dpDate').value = arguments[0]", tomorrow)
    person = [o for o in browser.find_elements(By.CSS_SELECTOR, "#dpPerson option") if "财政" in o.text]
    check(person, "someone in establishment to leave")
    person[0].click()
    browser.find_element(By.ID, "dpAttachments").send_keys("辞职申请书")
    save("departureForm")
    check("草稿" in row("人员出编").text, f"a draft: {row('人员出编').text!r}")
    submission = row("人员出编").get_attribute("data-submission")
    browser.find_element(By.CSS_SELECTOR, f"button.subAct[data-act=send][data-id='{submission}']").click()
    wait.until(lambda b: "日期晚于今天" in text("subResult"))
    check("不能" in text("subResult"), f"the refusal reads in Chinese: {text('subResult')!r}")
    act("人员出编", "withdraw")
    # Then the departure dated today, and an arrival on the approved plan; both sent.
    person = [o for o in browser.find_elements(By.CSS_SELECTOR, "#dpPerson option") if "财政" in o.text]
    person[0].click()
    browser.find_element(By.ID, "dpNote").send_keys("本人申请辞职")
    save("departureForm")
    leaver = row("人员出编").text
    act("人员出编", "send")
    browser.find_element(By.ID, "arName").send_keys("钱书画")
    browser.find_element(By.ID, "arId").send_keys(national_id("62070219960315002"))
    browser.find_element(By.ID, "arAttachments").send_keys("张人社〔2026〕21号")
    save("arrivalForm")
    check(badge() == 1, f"one draft waits for the institution: {badge()}")
    act("人员入编", "send")
    # Last year's annual report, its year-end headcount the roster's at 31 December.
    last = date.today().year - 1
    year_end = ask(office, "query($id: ID!, $d: NaiveDate!) { institution(id: $id, asOf: $d) { staffCounts { inEstablishment } } }",
                   {"id": unit_id, "d": f"{last}-12-31"})["institution"]["staffCounts"]["inEstablishment"]
    browser.find_element(By.ID, "rpActivities").send_keys("举办书画展览六场，开展公益培训")
    browser.find_element(By.ID, "rpPeople").send_keys(str(year_end))
    browser.find_element(By.ID, "rpEnd").send_keys("1302000.50")
    save("reportForm")
    act("年度报告", "send")
    check("待主管部门审核" in row("人员入编").text and "待主管部门审核" in row("人员出编").text, text("subList"))
    check(badge() == 0, "nothing waits for the institution once sent")
    accessible("the institution's submissions and forms")
    check(in_establishment() == before, "nothing is recorded by sending")
    sign_out()

    # The department: two waiting; the departure returned with its reason, the arrival passed.
    sign_in("wang.culture", "a department's passphrase")
    wait.until(lambda b: b.find_element(By.ID, "badge").is_displayed())
    check(badge() == 3, f"three wait for the department: {badge()}")
    queue()
    act("人员出编", "giveBack", "缺少单位同意辞职的文件")
    check("已退回" in row("人员出编").text, text("subList"))
    act("人员入编", "pass", "同意")
    act("年度报告", "pass")
    check("待编办核准" in row("人员入编").text, text("subList"))
    sign_out()

    # The institution reads why, and sends the departure again.
    sign_in("unit.shuhua", "an institution's passphrase")
    wait.until(ready.presence_of_element_located((By.ID, "queue")))
    check("退回理由：缺少单位同意辞职的文件" in row("人员出编").text, f"the reason, in Chinese: {row('人员出编').text!r}")
    check("退回（主管部门），缺少单位同意辞职的文件" in text("notices"), f"a notice of the return: {text('notices')!r}")
    wait.until(lambda b: UNIT in text("record"))
    check("核定编制" in text("record") and "在编人员" in text("record"), f"its own record: {text('record')!r}")
    act("人员出编", "send")
    sign_out()
    sign_in("wang.culture", "a department's passphrase")
    wait.until(lambda b: b.find_element(By.CSS_SELECTOR, "nav button[data-tab=submissions]").is_displayed())
    queue()
    act("人员出编", "pass")
    sign_out()

    # The office approves both: each changes the unit's figures once.
    sign_in("zhang.office", "correct horse battery")
    wait.until(lambda b: b.find_element(By.ID, "badge").is_displayed())
    check(badge() == 3, f"three wait for the office: {badge()}")
    queue()
    accessible("the office's queue")
    check("审核通过（主管部门）" in text("notices"), f"the office's notices: {text('notices')!r}")
    approved = act("人员入编", "approve")
    check(in_establishment() == before + 1, f"the arrival is recorded once: {before} then {in_establishment()}")
    check(not browser.find_elements(By.CSS_SELECTOR, f"button.subAct[data-id='{approved}']"), "an approved submission has no act left")
    act("人员出编", "approve")
    check(in_establishment() == before, f"the departure is recorded once: {in_establishment()}")
    check("已核准" in row("人员入编").text and "已核准" in row("人员出编").text, text("subList"))
    act("年度报告", "approve")
    reports = ask(office, "query($id: ID!) { annualReports(institutionId: $id) { year content { inEstablishment } } }", {"id": unit_id})
    check(reports["annualReports"] == [{"year": last, "content": {"inEstablishment": year_end}}], f"the report: {reports}")
    check(badge() == 0, "nothing waits for the office")
    # Approving again from another tab is refused and writes nothing.
    again = urllib.request.Request(graphql, data=json.dumps({"query": f'mutation {{ decideSubmission(id: "{approved}", approve: true) {{ id }} }}'}).encode(),
                                   headers={"Content-Type": "application/json", "Authorization": f"Bearer {office}"})
    with urllib.request.urlopen(again) as response:
        check(json.load(response)["errors"][0]["extensions"]["code"] == "CONFLICT", "a second approval is refused")
    check(in_establishment() == before, "and changes nothing")
    print(f"submissions: an institution sent a departure ({leaver.split()[1] if len(leaver.split()) > 1 else leaver}), an annual report and an "
          "arrival; a refusal and a return read in Chinese; the department passed them, the office approved them, and "
          "each changed the unit's figures once")
finally:
    browser.quit()
