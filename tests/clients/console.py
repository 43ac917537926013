"""The office console in a real browser: argv = [api binary, GraphQL URL]. The server's
environment (DATABASE_URL, DATA_DIR, secrets) is inherited, so `api user add` writes the
account into the server's own database."""

import json
import os
import re
import subprocess
import sys
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select

import chromium

api, graphql = sys.argv[1], sys.argv[2]
origin = graphql.rsplit("/graphql", 1)[0]
subprocess.run(
    [api, "user", "add", "--username", "zhang.office", "--role", "STAFFING_OFFICE", "--jurisdiction", "620700"],
    input=b"correct horse battery\n", check=True, env=os.environ,
)
subprocess.run(
    [api, "user", "add", "--username", "li.expert", "--role", "EVALUATOR", "--jurisdiction", "620700",
     "--subject", "expert-li"],
    input=b"an evaluator's passphrase\n", check=True, env=os.environ,
)

# The supervising department of the unit the office changes below gets an account too.
office_token = subprocess.run(
    [api, "token", "--role", "STAFFING_OFFICE", "--jurisdiction", "620700"], capture_output=True, check=True, env=os.environ,
).stdout.decode().strip()
lookup = urllib.request.Request(
    graphql,
    data=json.dumps({"query": '{ institutions(search: "张掖市书画院", first: 1) { edges { node { creditCode department { id } } } } }'}).encode(),
    headers={"Content-Type": "application/json", "Authorization": f"Bearer {office_token}"},
)
with urllib.request.urlopen(lookup) as response:
    unit_node = json.load(response)["data"]["institutions"]["edges"][0]["node"]
    department_id, unit_code = unit_node["department"]["id"], unit_node["creditCode"]
subprocess.run(
    [api, "user", "add", "--username", "wang.culture", "--role", "DEPARTMENT", "--jurisdiction", "620700",
     "--department", department_id],
    input=b"a department's passphrase\n", check=True, env=os.environ,
)
shots = os.environ.get("SCREENSHOTS")

browser = chromium.open_browser()
# A page reload (sign-out) or a re-render replaces elements under a wait: try again then.
wait = chromium.waiter(browser)


def text(element_id):
    return browser.find_element(By.ID, element_id).text


def national_id(first17):
    """Completes an 18-character national ID with its ISO 7064 MOD 11-2 check character."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


def sign_in(username, password):
    browser.find_element(By.ID, "username").clear()
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").clear()
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()


def sign_out():
    browser.find_element(By.ID, "logout").click()
    wait.until(lambda b: chromium.page_state(b) == "login")


def open_record(name, shown):
    """Finds the one institution called `name` on the institutions tab and opens its record;
    waits for the element `shown` of the record."""
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=institutions]").click()
    wait.until(ready.presence_of_element_located((By.ID, "search")))
    browser.find_element(By.ID, "search").send_keys(name)
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "tr.item")) == 1)
    browser.find_element(By.CSS_SELECTOR, "tr.item").click()
    wait.until(ready.presence_of_element_located((By.ID, shown)))


def check(condition, message):
    if not condition:
        browser.save_screenshot("console-failure.png")
        raise SystemExit(f"console: {message}")


try:
    browser.get(f"{origin}/office/")
    wait.until(lambda b: chromium.page_state(b) == "login")
    browser.find_element(By.ID, "username").send_keys("zhang.office")
    browser.find_element(By.ID, "password").send_keys("not the password")
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
    wait.until(lambda b: text("loginError") != "")
    check(text("loginError") == "用户名或密码不正确", f"a wrong password: {text('loginError')!r}")
    browser.find_element(By.ID, "password").clear()
    browser.find_element(By.ID, "password").send_keys("correct horse battery")
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
    wait.until(lambda b: "4,158" in text("main"))
    for figure in ["236", "3,980", "74"]:
        check(figure in text("main"), f"{figure} missing from the overview")
    # The dashboard: what needs attention (the findings' counts) and the charts.
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#attention li")) > 0)
    check("微小型单位" in text("attention") and len(browser.find_elements(By.CSS_SELECTOR, ".bar")) > 5, "attention and charts")
    if shots:
        browser.save_screenshot(os.path.join(shots, "console.png"))
    open_record("张掖市书画院", "evPreview")
    before = text("record")
    Select(browser.find_element(By.ID, "evAction")).select_by_value("APPROVE")
    browser.find_element(By.ID, "evSlots").clear()
    browser.find_element(By.ID, "evSlots").send_keys("2")
    browser.find_element(By.ID, "evDocument").send_keys("张编发〔2026〕20号")
    browser.find_element(By.ID, "evReason").send_keys("新增书画创作职能")
    browser.find_element(By.ID, "evPreview").click()
    wait.until(lambda b: "记录后" in text("evResult"))
    check("核定编制 49" in text("evResult"), f"the preview: {text('evResult')!r}")
    first = browser.find_element(By.ID, "evConfirm")
    browser.find_element(By.ID, "evPreview").click()  # previewing again writes nothing either
    wait.until(ready.staleness_of(first))
    wait.until(lambda b: "核定编制 49" in text("evResult"))
    browser.find_element(By.ID, "evConfirm").click()
    wait.until(lambda b: "核定编制 49（" in text("record"))
    check("核定编制 47（" in before, f"the record before: {before!r}")
    # A school's staffing norm: its profile changed in its record, then a suggested transfer drafted,
    # previewed and confirmed from the findings.
    open_record("张掖市第二中学", "normSummary")
    check("标准编制 174 名" in text("normSummary"), f"the school's norm: {text('normSummary')!r}")
    browser.find_element(By.ID, "pf_pupilsSenior").clear()
    browser.find_element(By.ID, "pf_pupilsSenior").send_keys("2500")
    browser.find_element(By.CSS_SELECTOR, "#profileForm button").click()
    wait.until(lambda b: "标准编制 200 名" in text("normSummary"))
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=findings]").click()
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "#norms table")))
    check("教育" in text("norms") and "低于编制标准" in text("main"), f"the norms' sector view: {text('norms')[:200]!r}")
    browser.find_element(By.CSS_SELECTOR, "button.normMove").click()
    wait.until(ready.presence_of_element_located((By.ID, "nmDocument")))
    browser.find_element(By.ID, "nmDocument").send_keys("张编发〔2026〕31号")
    browser.find_element(By.CSS_SELECTOR, "#normMoveForm button").click()
    wait.until(ready.presence_of_element_located((By.ID, "nmConfirm")))
    browser.find_element(By.ID, "nmConfirm").click()
    wait.until(ready.presence_of_element_located((By.ID, "nmDone")))
    sign_out()
    # The department asks to fill two of the unit's vacant slots (用编申请)...
    sign_in("wang.culture", "a department's passphrase")
    wait.until(ready.presence_of_element_located((By.ID, "ask")))
    unit = [o for o in Select(browser.find_element(By.ID, "askInstitution")).options if "张掖市书画院" in o.text]
    check(unit, "the department's own unit is offered")
    Select(browser.find_element(By.ID, "askInstitution")).select_by_value(unit[0].get_attribute("value"))
    browser.find_element(By.ID, "askSlots").clear()
    browser.find_element(By.ID, "askSlots").send_keys("2")
    browser.find_element(By.ID, "askPosts").send_keys("书画创作")
    browser.find_element(By.ID, "askReason").send_keys("新增书画创作职能")
    browser.find_element(By.CSS_SELECTOR, "#ask button").click()
    wait.until(lambda b: "申请已提交" in text("planResult"))
    check("待审批" in text("planList"), f"the request waits: {text('planList')!r}")
    if shots:
        browser.save_screenshot(os.path.join(shots, "console-department.png"))
    check(not browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=accounts]").is_displayed(),
          "accounts are an office's screen, not a department's")
    tabs = sorted(b.get_attribute("data-tab") for b in browser.find_elements(By.CSS_SELECTOR, "nav button") if b.is_displayed())
    check(tabs == ["institutions", "people", "plans", "submissions"], f"a department's tabs, none only refused: {tabs}")
    # Its people, with ID numbers masked (only the office of their jurisdiction sees them whole).
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=people]").click()
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#peopleList tr")) > 0)
    ids = [r.find_elements(By.TAG_NAME, "td")[1].text for r in browser.find_elements(By.CSS_SELECTOR, "#peopleList tr")]
    check(all(i.startswith("**************") for i in ids), f"masked ID numbers for a department: {ids[:3]}")
    sign_out()
    # ...and the office approves it with its document number.
    sign_in("zhang.office", "correct horse battery")
    wait.until(lambda b: "4,160" in text("main"))
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=plans]").click()
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "button.decide")))
    browser.find_element(By.CSS_SELECTOR, "button.decide").click()
    wait.until(ready.presence_of_element_located((By.ID, "decideForm")))
    browser.find_element(By.ID, "decDocument").send_keys("张编办〔2026〕30号")
    browser.find_element(By.CSS_SELECTOR, "#decideForm button").click()
    wait.until(lambda b: "已审批" in text("planResult"))
    check("已批准" in text("planList") and "张掖市书画院" in text("planList"), f"approved: {text('planList')!r}")
    # Its 编制使用核准通知单 downloads beside it, with the sign-in cookie, as a PDF.
    def pdf_at(href):
        return browser.execute_async_script(
            "const done = arguments[1]; fetch(arguments[0]).then(async (r) => done([r.status, r.headers.get('content-type'),"
            " new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))]));",
            href,
        )
    notices = browser.find_elements(By.CSS_SELECTOR, "#planList a[href^='/documents/vacancy-use/']")
    check(len(notices) >= 1, "an approved plan links its notice")
    answer = pdf_at(notices[0].get_attribute("href"))
    check(answer == [200, "application/pdf", "%PDF-"], f"the notice: {answer}")
    if shots:
        browser.save_screenshot(os.path.join(shots, "console-approval.png"))
    # The office records a hire on that plan through the confirmation step and sees the figures change.
    open_record("张掖市书画院", "hiPreview")
    def listed():
        """Staff in establishment as the record lists it (the preview words it differently)."""
        return int(re.search(r"在编人员 (\d+)（", text("record")).group(1))

    staff_before = listed()
    browser.find_element(By.ID, "hiName").send_keys("赵书文")
    browser.find_element(By.ID, "hiId").send_keys(national_id("62070219950315002"))
    plan = [o for o in Select(browser.find_element(By.ID, "hiPlan")).options if "书画创作" in o.text]
    check(plan, "the approved plan is offered")
    Select(browser.find_element(By.ID, "hiPlan")).select_by_value(plan[0].get_attribute("value"))
    browser.find_element(By.ID, "hiPreview").click()
    wait.until(lambda b: "记录后" in text("hiResult"))
    check(f"在编人员 {staff_before + 1}" in text("hiResult"), f"the hire's preview: {text('hiResult')!r}")
    check(listed() == staff_before, "a preview writes nothing")
    browser.find_element(By.ID, "hiConfirm").click()
    wait.until(lambda b: "已记录" in text("hiResult"))
    check(listed() == staff_before + 1, f"the record after the hire: {text('record')!r}")
    check("已用 1" in text("record"), f"the hire drew on the plan: {text('record')!r}")
    # The record links the unit's establishment card and each act's document (the hire's 入编 notice).
    answer = pdf_at(browser.find_element(By.ID, "recordCard").get_attribute("href"))
    check(answer == [200, "application/pdf", "%PDF-"], f"the establishment card: {answer}")
    acts = browser.find_elements(By.CSS_SELECTOR, "#recordHistory a[href^='/documents/movement/']")
    check(len(acts) >= 1, "the hire's notice is linked from the history")
    answer = pdf_at(acts[0].get_attribute("href"))
    check(answer == [200, "application/pdf", "%PDF-"], f"the hire's notice: {answer}")
    if shots:
        browser.save_screenshot(os.path.join(shots, "console-hire.png"))
    # An import by upload with one bad row: nothing goes in, and the row's reason reads in Chinese.
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=imports]").click()
    wait.until(ready.presence_of_element_located((By.ID, "importFile")))
    check(browser.find_element(By.ID, "template").get_attribute("href").startswith("blob:"), "a CSV template to download")
    with urllib.request.urlopen(browser.find_element(By.ID, "templateXlsx").get_attribute("href")) as response:
        check(response.read(2) == b"PK", "the XLSX template downloads")
    good, bad = national_id("62070219930101011"), national_id("62070219930101012")
    bad = bad[:17] + ("1" if bad[17] != "1" else "2")
    upload = os.path.join(os.environ.get("DATA_DIR", "/tmp"), "名册.csv")
    with open(upload, "w", encoding="utf-8-sig") as f:
        f.write("身份证号,姓名,单位统一社会信用代码,岗位类别,用编类型,人员状态,进人日期\n")
        f.write(f"{good},钱一,{unit_code},专业技术,FISCAL,ACTIVE,2020/01/01\n")
        f.write(f"{bad},钱二,{unit_code},管理,FISCAL,ACTIVE,2020年1月1日\n")
    browser.find_element(By.ID, "importFile").send_keys(upload)
    browser.find_element(By.CSS_SELECTOR, "#importForm button").click()
    # First how the file will be read: each header's column in Chinese, the first rows; nothing written.
    wait.until(ready.presence_of_element_located((By.ID, "importConfirm")))
    check("单位统一社会信用代码" in text("importPreview") and "钱二" in text("importPreview") and "共 2 行" in text("importPreview"),
          f"the preview: {text('importPreview')!r}")
    browser.find_element(By.ID, "importConfirm").click()
    # A small file goes up at once; the page says what it is doing until the report arrives.
    wait.until(ready.presence_of_element_located((By.ID, "importErrors")))
    errors = text("importErrors")
    check(errors.startswith("3 ") and "身份证号校验码不正确" in errors, f"the bad row's reason: {errors!r}")
    check("文件未导入" in text("importResult"), "nothing was imported")
    # The file comes back with each line's reason, to correct and send again.
    browser.find_element(By.ID, "importAnnotated").click()
    wait.until(ready.presence_of_element_located((By.ID, "annotatedLink")))
    link = browser.find_element(By.ID, "annotatedLink")
    check(link.get_attribute("href").startswith("blob:") and link.get_attribute("download") == "名册-错误原因.csv",
          f"the annotated file's link: {link.get_attribute('href')} {link.get_attribute('download')}")
    # What that link holds (the page's policy keeps scripts from reading it back): the same request.
    with open(upload, "rb") as f:
        again = urllib.request.Request(f"{origin}/imports/staff.csv?lang=zh&annotated=true", data=f.read(),
                                       headers={"Authorization": f"Bearer {office_token}"})
    with urllib.request.urlopen(again) as response:
        annotated = response.read().decode("utf-8-sig")
    check("错误原因" in annotated and "身份证号校验码不正确" in annotated and "钱一" in annotated, f"the annotated file: {annotated!r}")
    if shots:
        browser.save_screenshot(os.path.join(shots, "console-import.png"))
    # A departure through its preview: the person's unit shows one fewer in establishment only on confirming.
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=people]").click()
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "button.move[data-move=staffLeaves]")) > 0)
    leaver = browser.find_element(By.CSS_SELECTOR, "button.move[data-move=staffLeaves]")
    leaver_id = leaver.get_attribute("data-id")
    leaver.click()
    wait.until(ready.presence_of_element_located((By.ID, "mvPreview")))
    Select(browser.find_element(By.ID, "mvReason")).select_by_value("RESIGNATION")
    browser.find_element(By.ID, "mvPreview").click()
    wait.until(lambda b: "记录后" in text("mvResult"))
    check(f'data-id="{leaver_id}"' in browser.page_source, "a preview leaves the person listed as before")
    browser.find_element(By.ID, "mvConfirm").click()
    wait.until(ready.presence_of_element_located((By.ID, "moved")))
    check(f'data-id="{leaver_id}"' not in browser.page_source, "once gone, the person has nothing left to record")
    # A transfer to another unit, its target found by name.
    browser.find_element(By.CSS_SELECTOR, "button.move[data-move=transferStaff]").click()
    wait.until(ready.presence_of_element_located((By.ID, "mvSearch")))
    browser.find_element(By.ID, "mvSearch").send_keys("张掖市书画院")
    wait.until(lambda b: len(Select(b.find_element(By.ID, "mvTarget")).options) == 1)
    browser.find_element(By.ID, "mvPreview").click()
    wait.until(lambda b: "记录后：张掖市书画院" in text("mvResult") or "不能记录" in text("mvResult"))
    check("记录后：张掖市书画院" in text("mvResult"), f"the transfer's preview: {text('mvResult')!r}")
    browser.find_element(By.ID, "mvConfirm").click()
    wait.until(ready.presence_of_element_located((By.ID, "moved")))
    # A person's record (档案) changed by its document, previewed first; then time off post.
    browser.find_element(By.CSS_SELECTOR, "button.move[data-move=personRecord]").click()
    wait.until(ready.presence_of_element_located((By.ID, "pr_ethnicity")))
    Select(browser.find_element(By.ID, "pr_ethnicity")).select_by_visible_text("裕固族")
    Select(browser.find_element(By.ID, "pr_education")).select_by_visible_text("大学本科毕业")
    browser.find_element(By.ID, "prDocument").send_keys("张人社〔2026〕12号")
    browser.find_element(By.CSS_SELECTOR, "#prForm button[type=submit]").click()
    wait.until(lambda b: "记录后" in text("prResult") or "不能记录" in text("prResult"))
    check("大学本科毕业" in text("prResult"), f"the record's preview: {text('prResult')!r}")
    browser.find_element(By.ID, "prFormConfirm").click()
    wait.until(ready.presence_of_element_located((By.ID, "moved")))
    browser.find_element(By.CSS_SELECTOR, "button.move[data-move=startOffPost]").click()
    wait.until(ready.presence_of_element_located((By.ID, "opKind")))
    Select(browser.find_element(By.ID, "opKind")).select_by_value("LONG_SICK_LEAVE")
    browser.find_element(By.ID, "opDocument").send_keys("张人社〔2026〕13号")
    browser.find_element(By.CSS_SELECTOR, "#opForm button[type=submit]").click()
    wait.until(lambda b: "记录后" in text("opResult") or "不能记录" in text("opResult"))
    check("长期病休" in text("opResult"), f"the off-post preview: {text('opResult')!r}")
    browser.find_element(By.ID, "opFormConfirm").click()
    wait.until(ready.presence_of_element_located((By.ID, "moved")))
    # A merger (撤并) from a record: the culture hall's sister unit into it, previewed, then done.
    open_record("张掖市群众艺术馆", "rfSearch")
    browser.find_element(By.ID, "rfSearch").send_keys("张掖市文化馆")
    wait.until(lambda b: any("张掖市文化馆" in o.text for o in Select(b.find_element(By.ID, "rfTarget")).options))
    browser.find_element(By.ID, "rfDocument").send_keys("张编发〔2026〕31号")
    browser.find_element(By.ID, "rfReason").send_keys("职能相近，合并设置")
    browser.find_element(By.ID, "rfPreview").click()
    wait.until(lambda b: "记录后" in text("rfResult") or "不能记录" in text("rfResult"))
    check("转入人员" in text("rfResult") and "张掖市文化馆" in text("rfResult"), f"the merger's preview: {text('rfResult')!r}")
    browser.find_element(By.ID, "rfConfirm").click()
    wait.until(ready.presence_of_element_located((By.ID, "reformed")))
    check("已记录" in text("reformed") and "张掖市文化馆" in text("reformed"), text("reformed"))
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=imports]").click()
    wait.until(ready.presence_of_element_located((By.ID, "importFile")))
    # A large import tells how far it has gone: rows read, checked (every 500), written.
    lookup = urllib.request.Request(
        graphql,
        data=json.dumps({"query": '{ institutions(search: "张掖市文化馆", first: 1) { edges { node { creditCode } } } }'}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {office_token}"},
    )
    with urllib.request.urlopen(lookup) as response:
        hall = json.load(response)["data"]["institutions"]["edges"][0]["node"]["creditCode"]
    large = os.path.join(os.environ.get("DATA_DIR", "/tmp"), "编外名册.csv")
    with open(large, "w", encoding="utf-8-sig") as f:
        f.write("身份证号,姓名,单位统一社会信用代码,岗位类别,用编类型,人员状态,进人日期\n")
        for i in range(1200):
            birth = f"1991{1 + (i // 28) % 12:02}{1 + i % 28:02}"
            f.write(f"{national_id(f'620702{birth}{i % 1000:03}')},编外{i},{hall},工勤技能,编外,在职,2021/03/01\n")
    browser.find_element(By.ID, "importFile").send_keys(large)
    browser.find_element(By.CSS_SELECTOR, "#importForm button").click()
    wait.until(ready.presence_of_element_located((By.ID, "importConfirm")))
    browser.find_element(By.ID, "importConfirm").click()
    wait.until(lambda b: "已导入 1,200" in text("importResult"))
    stages = browser.find_element(By.ID, "importResult").get_attribute("data-stages")
    check(stages == "read,checking,checked,written", f"the import's progress: {stages!r}")
    # A payroll reconciled against the roster: its upload's progress, the lists, the saved result's workbook.
    payroll = os.path.join(os.environ.get("DATA_DIR", "/tmp"), "工资统发名单.csv")
    with open(payroll, "w", encoding="utf-8-sig") as f:
        f.write("身份证号,姓名,单位统一社会信用代码\n")
        f.write(f"{national_id('62070219770707077')},查无此人,{hall}\n")
    browser.find_element(By.ID, "payrollFile").send_keys(payroll)
    browser.find_element(By.CSS_SELECTOR, "#reconcileForm button").click()
    wait.until(ready.presence_of_element_located((By.ID, "reconcileSummary")))
    check("发放 1 人" in text("reconcileSummary"), f"the summary: {text('reconcileSummary')!r}")
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody[data-list=paidNotInEstablishment] tr")
    check(len(rows) == 1 and "查无此人" in rows[0].text, "the unknown person is paid but not in establishment")
    check(len(browser.find_elements(By.CSS_SELECTOR, "tbody[data-list=inEstablishmentNotPaid] tr")) == 200, "the first 200 unpaid are listed")
    answer = browser.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then((r) => done([r.status, r.headers.get('content-type')]));",
        browser.find_element(By.ID, "reconcileXlsx").get_attribute("href"),
    )
    check(answer[0] == 200 and "spreadsheet" in answer[1], f"the saved result's workbook: {answer}")
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#reconcileRunList tr")) == 1)
    check("zhang.office" in text("reconcileRunList"), f"the run is listed with who ran it: {text('reconcileRunList')!r}")
    # Exports download with the sign-in cookie: the same workbooks as `api export`.
    for link in browser.find_elements(By.CSS_SELECTOR, "a.export"):
        status = browser.execute_async_script(
            "const done = arguments[1]; fetch(arguments[0]).then((r) => done([r.status, r.headers.get('content-type')]));",
            link.get_attribute("href"),
        )
        check(status[0] == 200, f"{link.get_attribute('href')}: {status}")
    # Accounts of the office's jurisdiction and below: a county's office made, its password reset, then disabled.
    browser.find_element(By.CSS_SELECTOR, "nav button[data-tab=accounts]").click()
    wait.until(ready.presence_of_element_located((By.ID, "accountForm")))
    wait.until(lambda b: "wang.culture" in text("accountList"))
    browser.find_element(By.ID, "acUser").send_keys("minle.office")
    browser.find_element(By.ID, "acJurisdiction").clear()
    browser.find_element(By.ID, "acJurisdiction").send_keys("620722")
    browser.find_element(By.ID, "acPassword").send_keys("a county's first passphrase")
    browser.find_element(By.CSS_SELECTOR, "#accountForm button").click()
    wait.until(ready.presence_of_element_located((By.ID, "accountMade")))
    row = [r for r in browser.find_elements(By.CSS_SELECTOR, "#accountList tr") if "minle.office" in r.text]
    check(row and "620722" in row[0].text and "编办" in row[0].text, f"the new account is listed: {text('accountList')!r}")
    browser.find_element(By.CSS_SELECTOR, "button.acReset[data-user='minle.office']").click()
    wait.until(ready.presence_of_element_located((By.ID, "acNewPassword")))
    browser.find_element(By.ID, "acNewPassword").send_keys("another passphrase for it")
    browser.find_element(By.CSS_SELECTOR, "#resetForm button").click()
    wait.until(lambda b: "密码已重置" in text("accountResult"))
    browser.find_element(By.CSS_SELECTOR, "button.acDisable[data-user='minle.office']").click()
    wait.until(lambda b: "已停用" in text("accountResult"))
    row = [r for r in browser.find_elements(By.CSS_SELECTOR, "#accountList tr") if "minle.office" in r.text]
    check(row and "已停用" in row[0].text, f"the account is disabled: {text('accountList')!r}")
    # A second account of the same name is refused, in Chinese.
    browser.find_element(By.ID, "acUser").send_keys("minle.office")
    browser.find_element(By.ID, "acPassword").send_keys("a county's first passphrase")
    browser.find_element(By.CSS_SELECTOR, "#accountForm button").click()
    wait.until(lambda b: "不能记录" in text("accountResult"))
    if shots:
        browser.save_screenshot(os.path.join(shots, "console-accounts.png"))
    # A conversion to an enterprise (转企) through its preview: the unit's slots are removed.
    open_record("张掖市书画院", "rfKind")
    Select(browser.find_element(By.ID, "rfKind")).select_by_value("convert")
    browser.find_element(By.ID, "rfDocument").send_keys("张编发〔2026〕32号")
    browser.find_element(By.ID, "rfReason").send_keys("经营性业务，转为企业")
    browser.find_element(By.ID, "rfPreview").click()
    wait.until(lambda b: "记录后" in text("rfResult") or "不能记录" in text("rfResult"))
    check("核销编制 49" in text("rfResult"), f"the conversion's preview: {text('rfResult')!r}")
    browser.find_element(By.ID, "rfConfirm").click()
    wait.until(ready.presence_of_element_located((By.ID, "reformed")))
    check("已记录" in text("reformed") and "核销编制 49" in text("reformed"), text("reformed"))
    sign_out()
    # The evaluator: the open round's scoring sheet, an institution still to score, saved.
    browser.find_element(By.ID, "username").clear()
    browser.find_element(By.ID, "username").send_keys("li.expert")
    browser.find_element(By.ID, "password").send_keys("an evaluator's passphrase")
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "button.sheet")) == 1)
    browser.find_element(By.CSS_SELECTOR, "button.sheet").click()
    wait.until(lambda b: "待评" in text("sheet"))
    owed = [r for r in browser.find_elements(By.CSS_SELECTOR, "#sheet tr.item") if "待评" in r.text]
    before_owed = len(owed)
    owed[0].click()
    wait.until(ready.presence_of_element_located((By.ID, "scores")))
    for field in browser.find_elements(By.CSS_SELECTOR, "#scores input"):
        field.send_keys("85")
    browser.find_element(By.CSS_SELECTOR, "#scores button").click()
    wait.until(lambda b: "已保存" in text("form"))
    after_owed = len([r for r in browser.find_elements(By.CSS_SELECTOR, "#sheet tr.item") if "待评" in r.text])
    check(after_owed == before_owed - 1, f"one institution fewer to score: {before_owed} then {after_owed}")
    print("console: an office recorded an event through its preview; a department asked to use vacancies, the office "
          "approved and hired on the plan through its preview; a departure, a transfer, a merger and a conversion went through "
          "theirs; an import's bad row was named in Chinese; a large import showed its progress; a payroll was reconciled to its lists and workbook; a school's profile changed its norm and a suggested transfer was confirmed; a county's account was made, "
          "reset and disabled; an evaluator scored an institution")
finally:
    browser.quit()
