"""Debian's chromium under Selenium, as every browser test here opens it."""

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait


def open_browser(size="1280,1600", *arguments):
    """Headless chromium of window `size` ("width,height"), with any further `arguments`."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={size}", *arguments]:
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def waiter(browser):
    """Waits up to 20 s; a re-rendered element (stale or not there yet) is looked up again."""
    return WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException))


def page_state(browser):
    """The body's `data-ready` (None while a page loads). One script call, so a reload between
    finding the body and reading it ("node does not belong to the document") reads as loading."""
    try:
        return browser.execute_script("return document.body && document.body.getAttribute('data-ready')")
    except WebDriverException:
        return None
