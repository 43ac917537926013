"""Signing in to the console at an OpenID Connect provider, in a real browser: argv = [api
binary, GraphQL URL]. Run by oidc.sh, which starts the provider (oidc-provider.mjs) and the
server with OIDC_* set; the server's environment is inherited, so `api user add` writes into
its database."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By

import chromium

api, graphql = sys.argv[1], sys.argv[2]
origin = graphql.rsplit("/graphql", 1)[0]
# The contract's form: the user name as an argument; --oidc reads no password.
subprocess.run([api, "user", "add", "zhao.office", "--role", "STAFFING_OFFICE", "--jurisdiction", "620700", "--oidc"],
               check=True, env=os.environ, stdin=subprocess.DEVNULL)
shots = os.environ.get("SCREENSHOTS")


def http(method, path, body=None, headers=None):
    """Status, headers and body of one request, redirects not followed."""
    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None
    request = urllib.request.Request(origin + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.build_opener(Stay).open(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def check(condition, message):
    if not condition:
        browser.save_screenshot("oidc-failure.png")
        raise SystemExit(f"oidc: {message}")


# Without a browser: passwords are off, and a callback nobody started is refused.
status, _, body = http("POST", "/auth/login", json.dumps({"username": "zhao.office", "password": "x" * 12}).encode(),
                       {"Content-Type": "application/json"})
assert status == 403 and json.loads(body)["errors"][0]["extensions"]["code"] == "FORBIDDEN", (status, body)
status, _, body = http("GET", "/auth/methods")
assert json.loads(body) == {"password": False, "openIdConnect": True}, body
status, headers, _ = http("GET", "/auth/oidc/callback?code=stolen&state=guessed",
                          headers={"Cookie": "establishment_oidc_state=guessed"})
assert status == 303 and headers["Location"] == "/office/#signin=refused", (status, headers["Location"])
status, headers, _ = http("GET", "/auth/oidc/start")
assert status == 302 and "code_challenge_method=S256" in headers["Location"], (status, headers)
assert "SameSite=Lax" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"], headers["Set-Cookie"]

browser = chromium.open_browser()
wait = chromium.waiter(browser)


def text(element_id):
    return browser.find_element(By.ID, element_id).text


def at_provider_as(name):
    """Signs in at the provider's page as `name` (its own session forgotten first) and
    consents; back at the console after."""
    console = browser.current_url
    browser.get(os.environ["OIDC_ISSUER"] + "/.well-known/openid-configuration")
    browser.delete_all_cookies()
    browser.get(console)
    at_login_page()
    browser.find_element(By.ID, "oidcSignIn").click()
    wait.until(lambda b: b.find_elements(By.NAME, "login"))
    check(browser.current_url.startswith("http://localhost:"), f"at the provider: {browser.current_url}")
    browser.find_element(By.NAME, "login").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys("anything")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda b: b.current_url.startswith(origin) or b.find_elements(By.CSS_SELECTOR, "input[value=consent]"))
    if not browser.current_url.startswith(origin):
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda b: b.current_url.startswith(origin + "/office/"))


def at_login_page():
    wait.until(lambda b: chromium.page_state(b) == "login")


try:
    browser.get(f"{origin}/office/")
    at_login_page()
    check(not browser.find_element(By.ID, "oidcSignIn").get_attribute("hidden"), "the provider's button is shown")
    check(not browser.find_element(By.ID, "username").is_displayed(), "no password form when the provider signs people in")
    if shots:
        browser.save_screenshot(os.path.join(shots, "console-oidc.png"))
    # Someone the provider knows but who has no account here.
    at_provider_as("stranger")
    at_login_page()
    wait.until(lambda b: text("loginError") != "")
    check(text("loginError") == "统一身份认证未通过，或该身份尚未开通本系统账号", f"a stranger: {text('loginError')!r}")
    # The office's account: the dashboard, with the city's figures.
    at_provider_as("zhao.office")
    wait.until(lambda b: "4,158" in text("main"))
    check("620700" in text("who") and "编办" in text("who"), f"who: {text('who')!r}")
    # A new tab (no session storage) resumes from the cookie.
    browser.execute_script("sessionStorage.clear()")
    browser.refresh()
    wait.until(lambda b: "4,158" in text("main"))
    # Signing out ends the session: a reload asks to sign in again.
    browser.find_element(By.ID, "logout").click()
    at_login_page()
    browser.refresh()
    at_login_page()
    # A disabled account is refused even though the provider still vouches for the person.
    subprocess.run([api, "user", "disable", "zhao.office"], check=True, env=os.environ, stdout=subprocess.DEVNULL)
    at_provider_as("zhao.office")
    at_login_page()
    wait.until(lambda b: text("loginError") != "")
    check("未通过" in text("loginError"), f"a disabled account: {text('loginError')!r}")
    print("oidc: refused without a browser's own state; a stranger refused in Chinese; an office signed in at the "
          "provider saw 4,158, resumed in a new tab, signed out; a disabled account refused")
finally:
    browser.quit()
