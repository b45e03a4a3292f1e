"""Browser end-to-end tests: a person signing in, adding a user and signing out.

Run by e2e/run.sh, which starts `tandem serve --demo` and sets:
  TANDEM_E2E_URL         base URL of the running server, e.g. http://127.0.0.1:8080
  TANDEM_DEMO_PASSWORD   the password every demo user was given

Needs Debian's `chromium` and `chromium-driver` packages (no browser download) and
selenium 4 (e2e/requirements.txt). Screenshots go to e2e/artifacts/ (gitignored).
"""

import datetime
import os
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import icalendar

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE_URL = os.environ.get("TANDEM_E2E_URL", "").rstrip("/")
DEMO_PASSWORD = os.environ.get("TANDEM_DEMO_PASSWORD", "")
ADMIN_EMAIL = os.environ.get("TANDEM_E2E_ADMIN_EMAIL", "admin@demo.tandem.local")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = (375, 800)
WAIT_SECONDS = 15

pytestmark = pytest.mark.skipif(
    not BASE_URL or not DEMO_PASSWORD,
    reason="set TANDEM_E2E_URL and TANDEM_DEMO_PASSWORD (e2e/run.sh does)",
)


def _binary(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(f"none of {names} is on PATH: apt-get install chromium chromium-driver")


@pytest.fixture
def driver(request):
    options = webdriver.ChromeOptions()
    options.binary_location = _binary("chromium", "chromium-browser")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={PHONE[0]},{PHONE[1]}",
        "--lang=en-GB",
    ):
        options.add_argument(arg)
    browser = _start_browser(options)
    # Headless Chromium keeps windows at least 500px wide whatever --window-size says, so
    # emulate a phone viewport to really test at 375px.
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True},
    )
    browser.set_page_load_timeout(30)
    yield browser
    # Always keep a picture of where the test ended, passed or failed.
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / f"{_safe(request.node.name)}-end.png"))
    finally:
        browser.quit()


def _start_browser(options):
    # A cold first start on a busy 2-core machine can be slow; try once more before failing.
    last_error = None
    for _ in range(2):
        try:
            return webdriver.Chrome(service=Service(executable_path=_binary("chromedriver")), options=options)
        except WebDriverException as error:
            last_error = error
            time.sleep(2)
    raise last_error


def _safe(name):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def shot(browser, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{_safe(name)}.png"))


def wait(browser):
    return WebDriverWait(browser, WAIT_SECONDS)


def open_page(browser, path):
    browser.get(BASE_URL + path)
    wait(browser).until(lambda b: b.execute_script("return document.readyState") == "complete")


def path_of(browser):
    url = browser.current_url
    assert url.startswith(BASE_URL), f"left the app: {url}"
    return url[len(BASE_URL):].split("#")[0].split("?")[0] or "/"


def submit_button(browser, form_action, label):
    return browser.find_element(
        By.XPATH, f"//form[@action='{form_action}']//button[normalize-space()='{label}']"
    )


def click_and_wait_for_new_page(browser, element):
    """Click something that submits a form, then wait until the next document has loaded.

    The old page is marked with a window property; the new document does not have it.
    (Waiting for staleness of an old element races in chromedriver and can fail with
    "Node with given id does not belong to the document".)
    """
    browser.execute_script("window.__tandemE2EOldPage = true")
    element.click()
    WebDriverWait(browser, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.execute_script(
            "return window.__tandemE2EOldPage === undefined && document.readyState === 'complete'"
        )
    )


def sign_in(browser, email, password):
    open_page(browser, "/login")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Sign in")
    browser.find_element(By.ID, "f-email").send_keys(email)
    browser.find_element(By.ID, "f-password").send_keys(password)
    click_and_wait_for_new_page(browser, submit_button(browser, "/login", "Sign in"))


def no_horizontal_overflow(browser):
    return browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )


def test_admin_creates_user_and_signs_out(driver):
    sign_in(driver, ADMIN_EMAIL, DEMO_PASSWORD)
    assert path_of(driver) == "/"
    heading = driver.find_element(By.TAG_NAME, "h1").text
    assert heading.startswith("Hello,"), heading
    shot(driver, "01-home")

    # Add a user with two roles; the temporary password is shown once.
    stamp = f"{int(time.time() * 1000)}-{os.getpid()}"
    email = f"e2e-{stamp}@example.com"
    name = f"E2E Person {stamp}"
    open_page(driver, "/admin/users/new")
    assert path_of(driver) == "/admin/users/new"
    driver.find_element(By.ID, "f-display_name").send_keys(name)
    driver.find_element(By.ID, "f-email").send_keys(email)
    for role in ("hr", "comms"):
        box = driver.find_element(By.ID, f"f-roles-{role}")
        box.click()
        assert box.is_selected(), role
    # Pick the first real team. (Leaving "No team" fails: see test_create_user_without_team.)
    team = Select(driver.find_element(By.ID, "f-team_id"))
    assert len(team.options) >= 2, "the demo organisation should have teams"
    team.select_by_index(1)
    click_and_wait_for_new_page(driver, submit_button(driver, "/admin/users", "Create user"))

    body = driver.find_element(By.TAG_NAME, "body").text
    assert f"Created {name} ({email})." in body, body[:2000]
    secret = driver.find_element(By.ID, "one-time-secret").text.strip()
    assert secret, "the temporary password box is empty"
    assert len(secret) >= 10, secret
    shot(driver, "02-user-created")

    # The new user is listed.
    open_page(driver, "/admin/users")
    table = wait(driver).until(EC.presence_of_element_located((By.TAG_NAME, "table")))
    listed = table.get_attribute("textContent")
    assert email in listed, listed[:2000]
    shot(driver, "03-user-list")

    # Sign out from the header.
    click_and_wait_for_new_page(driver, submit_button(driver, "/logout", "Sign out"))
    assert path_of(driver) == "/login"
    assert "You are signed out." in driver.find_element(By.TAG_NAME, "main").text
    shot(driver, "04-signed-out")

    # Signed out for real: the admin pages send us back to sign in.
    open_page(driver, "/admin/users")
    assert path_of(driver) == "/login"


def test_wrong_password_is_refused(driver):
    sign_in(driver, ADMIN_EMAIL, DEMO_PASSWORD + "-not-it")
    assert path_of(driver) == "/login"
    alert = wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    assert "The email or password is not right" in alert.text, alert.text
    # Still the sign-in form, with the email kept and the password cleared.
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Sign in")
    assert driver.find_element(By.ID, "f-email").get_attribute("value") == ADMIN_EMAIL
    assert driver.find_element(By.ID, "f-password").get_attribute("value") == ""
    assert not driver.find_elements(By.XPATH, "//form[@action='/logout']")
    shot(driver, "05-wrong-password")


def test_sign_in_page_fits_a_phone(driver):
    open_page(driver, "/login")
    width, inner = no_horizontal_overflow(driver)
    assert inner <= PHONE[0] + 1, f"window is {inner}px wide, expected a phone width"
    assert width <= inner, f"/login scrolls sideways: scrollWidth {width} > innerWidth {inner}"
    shot(driver, "06-login-phone")


@pytest.mark.parametrize("path", ["/", "/admin/users", "/admin/users/new", "/account", "/admin/scim", "/audiences", "/audiences/new", "/personas", "/personas/new", "/people/attributes", "/posts", "/posts/new", "/topics", "/reviews", "/campaigns", "/calendar", "/calendar/feeds", "/translations", "/deliveries", "/deliveries/email", "/deliveries/channels", "/analytics", "/analytics/channels", "/analytics/best", "/analytics/kpis", "/analytics/scorecards", "/analytics/annotations", "/surveys", "/surveys/1", "/surveys/1/heatmap", "/surveys/2", "/surveys/3", "/surveys/3/trend", "/surveys/7", "/surveys/8", "/surveys/9"])
def test_signed_in_pages_fit_a_phone(driver, path):
    sign_in(driver, ADMIN_EMAIL, DEMO_PASSWORD)
    open_page(driver, path)
    assert path_of(driver) == path
    width, inner = no_horizontal_overflow(driver)
    assert width <= inner, f"{path} scrolls sideways: scrollWidth {width} > innerWidth {inner}"


def test_create_user_without_team(driver):
    sign_in(driver, ADMIN_EMAIL, DEMO_PASSWORD)
    stamp = f"{int(time.time() * 1000)}-{os.getpid()}"
    email = f"e2e-noteam-{stamp}@example.com"
    open_page(driver, "/admin/users/new")
    driver.find_element(By.ID, "f-display_name").send_keys(f"E2E No Team {stamp}")
    driver.find_element(By.ID, "f-email").send_keys(email)
    driver.find_element(By.ID, "f-roles-analyst").click()
    assert Select(driver.find_element(By.ID, "f-team_id")).first_selected_option.text == "No team"
    click_and_wait_for_new_page(driver, submit_button(driver, "/admin/users", "Create user"))
    shot(driver, "07-user-without-team")
    assert driver.find_elements(By.ID, "one-time-secret"), driver.find_element(By.TAG_NAME, "main").text


COMMS_EMAIL = os.environ.get("TANDEM_E2E_COMMS_EMAIL", "comms@demo.tandem.local")


def preview_text(browser):
    return browser.find_element(By.ID, "audience-preview").text


def test_rule_builder_live_count(driver):
    """Comms builds an audience in the rule builder; the live count follows every change."""
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/audiences/new")
    assert driver.find_element(By.TAG_NAME, "h1").text == "New audience"
    width, inner = no_horizontal_overflow(driver)
    assert width <= inner, f"/audiences/new scrolls sideways: {width} > {inner}"

    # First row: country = BR. The text box and the count follow without a page load.
    Select(driver.find_element(By.ID, "c0-field")).select_by_value("country")
    Select(driver.find_element(By.ID, "c0-op")).select_by_value("=")
    driver.find_element(By.ID, "c0-value").send_keys("BR")
    rule_box = driver.find_element(By.ID, "f-rule")
    wait(driver).until(lambda b: rule_box.get_attribute("value") == 'country = "BR"')
    wait(driver).until(lambda b: re.search(r"^\d+ people$", b.find_element(By.CSS_SELECTOR, "[data-preview-count]").text))
    brazil = int(driver.find_element(By.CSS_SELECTOR, "[data-preview-count]").text.split()[0])
    assert brazil > 5, brazil
    assert "Some of the people it selects" in preview_text(driver)
    shot(driver, "08-builder-one-condition")

    # Typing in the rule box narrows the count and redraws the builder as two rows.
    rule_box.clear()
    rule_box.send_keys('country = "BR" and worker_type = "frontline"')
    wait(driver).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "li.condition")) == 2)
    wait(driver).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "[data-preview-count]").text not in ("", f"{brazil} people")
    )
    narrowed = driver.find_element(By.CSS_SELECTOR, "[data-preview-count]").text
    assert re.match(r"^(\d+ people|fewer than \d+)$", narrowed), narrowed
    if narrowed.endswith("people"):
        assert int(narrowed.split()[0]) < brazil
    assert driver.find_element(By.ID, "c1-value").get_attribute("value") == "frontline"

    # A mistake is explained where it is, not as a failed page.
    rule_box.send_keys(" and hire_date >= soon")
    wait(driver).until(lambda b: b.find_elements(By.CSS_SELECTOR, "[data-preview-error]"))
    assert "line 1, column" in preview_text(driver), preview_text(driver)
    rule_box.send_keys(Keys.BACKSPACE * len("soon") + "today - 1y")
    wait(driver).until(lambda b: b.find_elements(By.CSS_SELECTOR, "[data-preview-count]"))

    # Save it; the audience page shows the rule and version 1.
    stamp = f"{int(time.time() * 1000)}-{os.getpid()}"
    name = f"E2E Brazil frontline {stamp}"
    driver.find_element(By.ID, "f-name").send_keys(name)
    click_and_wait_for_new_page(driver, submit_button(driver, "/audiences", "Save audience"))
    main = driver.find_element(By.TAG_NAME, "main").text
    assert f"Saved the audience {name}." in main, main[:2000]
    assert 'worker_type = "frontline"' in main and "v1" in main, main[:2000]
    shot(driver, "09-audience-saved")

    open_page(driver, "/audiences")
    assert name in driver.find_element(By.TAG_NAME, "table").get_attribute("textContent")


HR_EMAIL = os.environ.get("TANDEM_E2E_HR_EMAIL", "hr@demo.tandem.local")


def test_custom_attribute_defined_and_targeted(driver):
    """HR defines a list attribute on the page; Comms picks a custom attribute in the builder."""
    sign_in(driver, HR_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/people/attributes")
    table = driver.find_element(By.TAG_NAME, "table").get_attribute("textContent")
    assert "attr.shift" in table and "attr.union_member" in table, table[:1000]
    stamp = f"{int(time.time() * 1000) % 10_000_000}"
    name = f"e2e_site_role_{stamp}"
    driver.find_element(By.ID, "f-name").send_keys(name)
    Select(driver.find_element(By.ID, "f-kind")).select_by_value("list")
    driver.find_element(By.ID, "f-label").send_keys("Site role")
    driver.find_element(By.ID, "f-options").send_keys("first aider\nfire warden")
    click_and_wait_for_new_page(driver, submit_button(driver, "/people/attributes", "Define attribute"))
    assert path_of(driver) == f"/people/attributes/{name}"
    main = driver.find_element(By.TAG_NAME, "main").text
    assert f"attr.{name}" in main and "first aider, fire warden" in main, main[:1500]
    shot(driver, "10-attribute-defined")

    # Comms sees the shared attribute, not the HR-only one, and targets night shifts.
    driver.delete_all_cookies()
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/audiences/new")
    fields = [o.get_attribute("value") for o in Select(driver.find_element(By.ID, "c0-field")).options]
    assert "attr.shift" in fields and f"attr.{name}" in fields, fields
    assert "attr.union_member" not in fields, fields
    Select(driver.find_element(By.ID, "c0-field")).select_by_value("attr.shift")
    Select(driver.find_element(By.ID, "c0-op")).select_by_value("=")
    driver.find_element(By.ID, "c0-value").send_keys("night")
    rule_box = driver.find_element(By.ID, "f-rule")
    wait(driver).until(lambda b: rule_box.get_attribute("value") == 'attr.shift = "night"')
    wait(driver).until(lambda b: re.search(r"^\d+ people$", b.find_element(By.CSS_SELECTOR, "[data-preview-count]").text))
    nights = int(driver.find_element(By.CSS_SELECTOR, "[data-preview-count]").text.split()[0])
    assert nights > 5, nights
    shot(driver, "11-builder-custom-attribute")


APPROVER_EMAIL = os.environ.get("TANDEM_E2E_APPROVER_EMAIL", "approver@demo.tandem.local")


def test_post_drafted_in_two_languages_submitted_and_approved(driver):
    """An author drafts a post in English and German and submits it; the approver approves it from the review queue."""
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/posts/new")
    stamp = f"{int(time.time() * 1000)}-{os.getpid()}"
    title = f"E2E town hall {stamp}"
    driver.find_element(By.ID, "f-v0_language").clear()
    driver.find_element(By.ID, "f-v0_language").send_keys("en")
    driver.find_element(By.ID, "f-v0_title").send_keys(title)
    driver.find_element(By.ID, "f-v0_body").send_keys("Join the **town hall** on Friday. <script>alert(1)</script>")
    driver.find_element(By.ID, "f-v0_sms").send_keys("Town hall Friday 10:00, canteen.")
    driver.find_element(By.ID, "f-v1_language").send_keys("de")
    driver.find_element(By.ID, "f-v1_title").send_keys(f"Betriebsversammlung {stamp}")
    driver.find_element(By.ID, "f-v1_body").send_keys("Am Freitag in der Kantine.")
    culture = [e for e in driver.find_elements(By.CSS_SELECTOR, "input[name=topic_ids]")
               if e.find_element(By.XPATH, "following-sibling::label").text == "Culture"]
    assert culture, "the Culture topic is offered"
    culture[0].click()
    click_and_wait_for_new_page(driver, submit_button(driver, "/posts", "Save draft"))
    main = driver.find_element(By.TAG_NAME, "main")
    assert "Saved the draft." in main.text, main.text[:1500]
    html = main.get_attribute("innerHTML")
    assert "<strong>town hall</strong>" in html and "<script" not in html.lower()
    assert "32 / 160" in main.text, "the SMS length counter shows"
    post_path = path_of(driver)
    width, inner = no_horizontal_overflow(driver)
    assert width <= inner, f"{post_path} scrolls sideways: {width} > {inner}"
    shot(driver, "12-post-draft")
    click_and_wait_for_new_page(driver, submit_button(driver, f"{post_path}/transition", "Submit for approval"))
    assert "In review" in driver.find_element(By.TAG_NAME, "main").text

    driver.delete_all_cookies()
    sign_in(driver, APPROVER_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/reviews")
    driver.find_element(By.LINK_TEXT, title).click()
    wait(driver).until(lambda b: path_of(b) == post_path)
    click_and_wait_for_new_page(driver, submit_button(driver, f"{post_path}/transition", "Approve version 1"))
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "Approved: now approved." in main, main[:1500]
    shot(driver, "13-post-approved")

    # The author schedules it for a day in Berlin; it appears on that day of the calendar.
    driver.delete_all_cookies()
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    open_page(driver, post_path)
    day = datetime.date.today() + datetime.timedelta(days=20)
    form = f"form[action='{post_path}/transition']"
    when = driver.find_element(By.CSS_SELECTOR, f"{form} input[name=publish_at]")
    driver.execute_script("arguments[0].value = arguments[1]", when, f"{day.isoformat()}T09:30")
    zone = driver.find_element(By.CSS_SELECTOR, f"{form} input[name=time_zone]")
    zone.clear()
    zone.send_keys("Europe/Berlin")
    click_and_wait_for_new_page(driver, submit_button(driver, f"{post_path}/transition", "Schedule"))
    assert "now scheduled" in driver.find_element(By.TAG_NAME, "main").text
    calendar_path = f"/calendar?date={day.isoformat()}&time_zone=Europe/Berlin"
    open_page(driver, calendar_path)
    cell = driver.find_element(By.CSS_SELECTOR, f"td[data-date='{day.isoformat()}']")
    assert title in cell.text, cell.text
    assert "09:30" in cell.text
    shot(driver, "14-calendar-month")

    # Drag it to a neighbouring day. WebDriver cannot drive native HTML5 drag and drop, so the
    # page's own handlers get the same DragEvents a browser would send.
    post_id = post_path.rsplit("/", 1)[1]
    target_day = day + datetime.timedelta(days=1)
    if not driver.find_elements(By.CSS_SELECTOR, f"td[data-date='{target_day.isoformat()}']"):
        target_day = day - datetime.timedelta(days=1)
    entry = driver.find_element(By.CSS_SELECTOR, f"td[data-date='{day.isoformat()}'] li.entry[data-post='{post_id}']")
    target = driver.find_element(By.CSS_SELECTOR, f"td[data-date='{target_day.isoformat()}']")
    driver.execute_script("window.__tandemE2EOldPage = true")
    driver.execute_script(
        """
        var item = arguments[0], target = arguments[1], data = new DataTransfer();
        function fire(node, type) { node.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data})); }
        fire(item, 'dragstart'); fire(target, 'dragenter'); fire(target, 'dragover'); fire(target, 'drop');
        """,
        entry, target,
    )
    WebDriverWait(driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.execute_script("return window.__tandemE2EOldPage === undefined && document.readyState === 'complete'")
    )
    main = driver.find_element(By.TAG_NAME, "main").text
    assert f"Moved \"{title}\"" in main, main[:1500]
    moved = driver.find_element(By.CSS_SELECTOR, f"td[data-date='{target_day.isoformat()}']")
    assert title in moved.text and "09:30" in moved.text, moved.text
    assert title not in driver.find_element(By.CSS_SELECTOR, f"td[data-date='{day.isoformat()}']").text
    shot(driver, "15-calendar-moved")


def test_calendar_feed_reads_in_a_calendar_client(driver):
    """A feed made on the page is read by a real iCalendar parser (the `icalendar` package), without signing in."""
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/calendar/feeds")
    driver.find_element(By.ID, "f-name").send_keys("E2E plan")
    click_and_wait_for_new_page(driver, submit_button(driver, "/calendar/feeds", "Create feed"))
    url = driver.find_element(By.ID, "feed-url").text
    assert url.startswith(BASE_URL + "/calendar/feed/tcal_") and url.endswith(".ics"), url
    shot(driver, "16-calendar-feed")

    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        body = response.read()
    assert b"\r\n" in body and all(len(line) <= 75 for line in body.split(b"\r\n")), "folded at 75 octets with CRLF"
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    events = list(calendar.walk("VEVENT"))
    assert len(events) >= 20, f"the demo plans four weeks of posts; got {len(events)} events"
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)), "one event per post"
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Open enrolment: one week left" in summaries, sorted(summaries)[:10]
    for event in events:
        start = event.decoded("DTSTART")
        assert isinstance(start, datetime.datetime)
        assert event.get("DTSTAMP") and event.get("URL", "").startswith(BASE_URL + "/posts/")
    floating = [e for e in events if e.decoded("DTSTART").tzinfo is None]
    zoned = [e for e in events if e.decoded("DTSTART").tzinfo is not None]
    assert floating, "the demo's safety notice goes out at each employee's local time: a floating event"
    assert zoned and all(e.decoded("DTSTART").utcoffset() == datetime.timedelta(0) for e in zoned)
    assert any("\n" in str(e["DESCRIPTION"]) and "Channels:" in str(e["DESCRIPTION"]) for e in events), "escaped newlines decode"

    bad = url.replace("/tcal_", "/tcal_x")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bad, timeout=30)
    assert refused.value.code == 404


def test_review_comments_mentions_and_changes_since_last_look(driver):
    """The approver comments with an @mention; the author finds it under Reviews, replies and edits;
    the approver then sees exactly what changed since the version they read."""
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/posts/new")
    stamp = f"{int(time.time() * 1000)}-{os.getpid()}"
    title = f"E2E canteen menu {stamp}"
    driver.find_element(By.ID, "f-v0_title").send_keys(title)
    driver.find_element(By.ID, "f-v0_body").send_keys("New menu from Monday.")
    # Reach per channel refreshes as audiences are ticked.
    before = driver.find_element(By.CSS_SELECTOR, "#post-reach [data-reach-summary]").text
    assert before.startswith("Audience: "), before
    brazil = [e for e in driver.find_elements(By.CSS_SELECTOR, "input[name=include]")
              if e.find_element(By.XPATH, "following-sibling::label").text == "Frontline Brazil"]
    assert brazil, "the demo audience is offered"
    brazil[0].click()
    wait(driver).until(lambda b: b.find_element(By.CSS_SELECTOR, "#post-reach [data-reach-summary]").text != before)
    brazil[0].click()
    wait(driver).until(lambda b: b.find_element(By.CSS_SELECTOR, "#post-reach [data-reach-summary]").text == before)
    culture = [e for e in driver.find_elements(By.CSS_SELECTOR, "input[name=topic_ids]")
               if e.find_element(By.XPATH, "following-sibling::label").text == "Culture"]
    culture[0].click()
    click_and_wait_for_new_page(driver, submit_button(driver, "/posts", "Save draft"))
    post_path = path_of(driver)
    click_and_wait_for_new_page(driver, submit_button(driver, f"{post_path}/transition", "Submit for approval"))

    driver.delete_all_cookies()
    sign_in(driver, APPROVER_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/reviews")
    row = driver.find_element(By.XPATH, f"//tr[td/a[normalize-space()='{title}']]")
    assert "new to you" in row.text, row.text
    row.find_element(By.LINK_TEXT, title).click()
    wait(driver).until(lambda b: path_of(b) == post_path)
    driver.find_element(By.ID, "f-comment-new").send_keys("@comms which days is the **vegan** option on? <img src=x onerror=alert(1)>")
    click_and_wait_for_new_page(driver, submit_button(driver, f"{post_path}/comments", "Add comment"))
    comments = driver.find_element(By.ID, "comments")
    assert "Comment added." in driver.find_element(By.TAG_NAME, "main").text
    assert "Mentions: Cory Mensah" in comments.text, comments.text
    assert "<strong>vegan</strong>" in comments.get_attribute("innerHTML")
    assert "onerror" not in comments.get_attribute("innerHTML")
    shot(driver, "16-post-comment")

    driver.delete_all_cookies()
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/reviews")
    mention = driver.find_element(By.XPATH, f"//table[caption[normalize-space()='Mentions of you']]//a[normalize-space()='{title}']")
    mention.click()
    wait(driver).until(lambda b: path_of(b) == post_path)
    thread = driver.find_element(By.CSS_SELECTOR, "article.thread")
    thread.find_element(By.TAG_NAME, "summary").click()
    thread.find_element(By.CSS_SELECTOR, "textarea[name=body]").send_keys("Tuesdays and Thursdays; added to the post.")
    click_and_wait_for_new_page(driver, thread.find_element(By.XPATH, ".//button[normalize-space()='Reply']"))
    assert "Tuesdays and Thursdays" in driver.find_element(By.CSS_SELECTOR, "article.thread .reply").text
    open_page(driver, f"{post_path}/edit")
    body = driver.find_element(By.ID, "f-v0_body")
    body.send_keys("\nVegan option on Tuesdays and Thursdays.")
    click_and_wait_for_new_page(driver, submit_button(driver, post_path, "Save version 2"))
    assert "Saved version 2." in driver.find_element(By.TAG_NAME, "main").text

    driver.delete_all_cookies()
    sign_in(driver, APPROVER_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/reviews")
    row = driver.find_element(By.XPATH, f"//tr[td/a[normalize-space()='{title}']]")
    assert "changed since v1" in row.text, row.text
    row.find_element(By.LINK_TEXT, "changed since v1").click()
    wait(driver).until(lambda b: path_of(b) == post_path)
    changes = driver.find_element(By.ID, "changes")
    assert "Changes since you last looked (v1 → v2)" in changes.text, changes.text
    added = [e.text for e in changes.find_elements(By.TAG_NAME, "ins")]
    assert any("Vegan option on Tuesdays and Thursdays." in text for text in added), added
    shot(driver, "17-post-changes-since")
    width, inner = no_horizontal_overflow(driver)
    assert width <= inner, f"{post_path} scrolls sideways: {width} > {inner}"


def test_published_post_has_its_audience_frozen(driver):
    """The demo's published post was frozen into deliveries; its delivery page shows them per channel."""
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/deliveries")
    driver.find_element(By.LINK_TEXT, "Your 401(k) match is free money").click()
    wait(driver).until(lambda b: path_of(b).endswith("/deliveries"))
    main = driver.find_element(By.TAG_NAME, "main")
    assert "resolved" in main.text and 'in audience "401(k) not enrolled, non-HCE (US)"' in main.text, main.text[:1500]
    rows = driver.find_elements(By.XPATH, "//table[caption[normalize-space()='Deliveries per channel']]//tr[td]")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == ["Feed", "Email"], [r.text for r in rows]
    # The server's loop sends the feed deliveries within a few seconds.
    page = path_of(driver)

    def feed_all_sent(browser):
        open_page(browser, page)
        cells = [c.text for c in browser.find_element(
            By.XPATH, "//table[caption[normalize-space()='Deliveries per channel']]//tr[td][1]").find_elements(By.TAG_NAME, "td")]
        return cells[3] == cells[-1] and cells[-1] != "0"

    WebDriverWait(driver, 30, poll_frequency=1).until(feed_all_sent)
    shot(driver, "18-delivery-status")


MAIL_LOG = os.environ.get("TANDEM_E2E_MAIL_LOG", "")


def sign_in_link(address, since, what="a sign-in link"):
    """The sign-in link the SMTP sink received for `address` after its first `since` messages
    (an older, used link of the same person must not be picked), waiting up to 30 s."""
    link = None
    deadline = time.time() + 30
    while time.time() < deadline and not link:
        for message in mail_log()[since:]:
            if message.get("subject") == "Your Tandem sign-in link" and message["to"] == [address]:
                found = re.search(r"(https?://\S+/signin/link/\S+)", message["text"])
                link = found and found.group(1)
        time.sleep(0.5)
    assert link, f"no {what} for {address} reached the SMTP sink"
    return link


def employee_opener(address):
    """Signs in by magic link with urllib, as another person on their own phone would; returns
    the opener (its cookie jar holds the session) and a helper that posts a form with its CSRF
    token taken from the page it is on."""
    import http.cookiejar
    import json
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    since = len(mail_log())
    asked = opener.open(urllib.request.Request(BASE_URL + "/api/v1/signin/links", data=json.dumps({"identifier": address}).encode(),
                                               headers={"Content-Type": "application/json"}, method="POST"))
    assert asked.status == 202
    link = sign_in_link(address, since)

    def form_post(path, page, fields=()):
        html = opener.open(BASE_URL + page).read().decode()
        token = re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode([("_csrf", token)] + list(fields)).encode()
        return opener.open(urllib.request.Request(BASE_URL + path, data=body, method="POST",
                                                  headers={"Content-Type": "application/x-www-form-urlencoded"}))

    link_path = urllib.parse.urlsplit(link).path
    form_post(link_path, link_path)
    return opener, form_post


def acknowledge_over_http(address, post_path):
    """Signs in by magic link and acknowledges a post with urllib, as a second person would."""
    _, form_post = employee_opener(address)
    done = form_post(post_path + "/acknowledge", post_path)
    assert "You acknowledged this on" in done.read().decode()


def mail_log():
    """The messages the SMTP sink (scripts/smtp-sink.py) accepted, as it logged them."""
    import json
    if not MAIL_LOG or not os.path.exists(MAIL_LOG):
        return []
    with open(MAIL_LOG, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_email_arrives_and_its_unsubscribe_link_works(driver):
    """The demo's published post reaches the SMTP server as clean MIME in each person's language;
    its unsubscribe link opens a page that unsubscribes without signing in; HR sees flagged addresses."""
    assert MAIL_LOG, "e2e/run.sh sets TANDEM_E2E_MAIL_LOG"
    deadline = time.time() + 60
    messages = []
    while time.time() < deadline:
        messages = [m for m in mail_log() if m.get("list_unsubscribe")]
        if len(messages) >= 5:
            break
        time.sleep(1)
    assert len(messages) >= 5, f"{len(messages)} emails with an unsubscribe link reached the SMTP sink"
    subjects = {m["subject"] for m in messages}
    assert subjects <= {"Your 401(k) match is free money", "La aportación a su 401(k) es dinero gratis"}, subjects
    assert all(not m["defects"] and not m["eight_bit"] and m["longest_line"] <= 78 for m in messages)
    assert all(m["parts"] == ["multipart/alternative", "text/plain", "text/html"] for m in messages)
    assert len({m["message_id"] for m in messages}) == len(messages)

    url = messages[0]["list_unsubscribe"].strip("<>")
    assert url.startswith(BASE_URL + "/unsubscribe/"), url
    driver.get(url)
    wait(driver).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
    assert "Unsubscribe from Benefits" in driver.find_element(By.TAG_NAME, "main").text
    shot(driver, "19-unsubscribe")
    click_and_wait_for_new_page(driver, submit_button(driver, urllib.parse.urlsplit(url).path, "Unsubscribe from all optional email"))
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "no more optional email" in main and "Subscribe again" in main, main[:500]
    # A link with a changed id is refused.
    forged = re.sub(r"/u\.(\d+)\.", lambda m: f"/u.{int(m.group(1)) + 1}.", url)
    driver.get(forged)
    assert "not valid" in driver.find_element(By.TAG_NAME, "h1").text

    sign_in(driver, HR_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/deliveries/email")
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "127.0.0.1:" in main and "demo data" in main, main[:800]
    shot(driver, "20-email-flags")


def test_admin_sets_up_the_sms_gateway_and_sends_a_test(driver):
    """An admin saves the SMS gateway (the token is never shown back), sends a test message that
    the gateway receives with Basic auth, and a bad sender is refused next to its field."""
    import json
    url, log_path = os.environ.get("TANDEM_E2E_GATEWAY_URL", ""), os.environ.get("TANDEM_E2E_GATEWAY_LOG", "")
    assert url and log_path, "e2e/run.sh sets TANDEM_E2E_GATEWAY_URL and TANDEM_E2E_GATEWAY_LOG"
    sign_in(driver, ADMIN_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/deliveries/channels")
    driver.find_element(By.ID, "f-url").send_keys(url)
    driver.find_element(By.ID, "f-from").send_keys("bad sender!")
    driver.find_element(By.ID, "f-username").send_keys("ACe2e")
    driver.find_element(By.ID, "f-token").send_keys("e2e-token")
    click_and_wait_for_new_page(driver, submit_button(driver, "/deliveries/channels/sms", "Save the SMS gateway"))
    assert "sender must be" in driver.find_element(By.ID, "f-from-note").text
    field = driver.find_element(By.ID, "f-from")
    field.clear()
    field.send_keys("Tandem")
    driver.find_element(By.ID, "f-token").send_keys("e2e-token")
    click_and_wait_for_new_page(driver, submit_button(driver, "/deliveries/channels/sms", "Save the SMS gateway"))
    assert "e2e-token" not in driver.page_source
    assert "A token is stored" in driver.find_element(By.TAG_NAME, "main").text
    driver.find_element(By.ID, "f-number").send_keys("+1 555 010 4242")
    click_and_wait_for_new_page(driver, submit_button(driver, "/deliveries/channels/sms/test", "Send a test SMS"))
    assert "accepted the test message" in driver.find_element(By.TAG_NAME, "main").text
    with open(log_path, encoding="utf-8") as f:
        requests = [json.loads(line) for line in f if line.strip()]
    assert requests[-1]["form"]["To"] == "+15550104242" and requests[-1]["auth"] == "ACe2e:e2e-token", requests[-1]
    shot(driver, "21-sms-gateway")


def test_admin_adds_a_teams_destination(driver):
    """An admin adds a Teams webhook: a plain-http outside address is refused next to its field;
    the saved one is listed by host only (the address is a secret)."""
    sign_in(driver, ADMIN_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/deliveries/channels")
    driver.find_element(By.LINK_TEXT, "Chat and webhooks (Slack, Teams, other systems)").click()
    wait(driver).until(lambda b: path_of(b) == "/deliveries/destinations")
    driver.find_element(By.ID, "f-name").send_keys("Teams: Safety")
    Select(driver.find_element(By.ID, "f-kind")).select_by_value("teams")
    driver.find_element(By.ID, "f-url").send_keys("http://outlook.example.com/webhook/abc")
    click_and_wait_for_new_page(driver, submit_button(driver, "/deliveries/destinations", "Add destination"))
    assert "must start with https://" in driver.find_element(By.ID, "f-url-note").text
    driver.find_element(By.ID, "f-url").send_keys("https://outlook.example.com/webhookb2/secret-part-e2e")
    click_and_wait_for_new_page(driver, submit_button(driver, "/deliveries/destinations", "Add destination"))
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "“Teams: Safety” added" in main and "https://outlook.example.com/…" in main, main[:600]
    assert "secret-part-e2e" not in driver.page_source
    shot(driver, "25-destinations")


def test_employee_signs_in_by_magic_link_and_acknowledges(driver):
    """An employee asks for a sign-in link, reads it from the SMTP sink, sees the policy post in
    Spanish, acknowledges it; HR's acknowledgement board then counts them as done."""
    assert MAIL_LOG, "e2e/run.sh sets TANDEM_E2E_MAIL_LOG"
    spanish = "Nuestro código de conducta actualizado: confírmelo"
    deadline = time.time() + 60
    recipients = []
    while time.time() < deadline and not recipients:
        recipients = [m for m in mail_log() if m.get("subject") == spanish]
        time.sleep(1)
    assert recipients, "the policy post reached nobody in Spanish"

    # HR's board: who still has to acknowledge (the demo acknowledged about half).
    sign_in(driver, HR_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/deliveries")
    driver.find_element(By.LINK_TEXT, "Our updated code of conduct: please confirm").click()
    wait(driver).until(lambda b: path_of(b).endswith("/deliveries"))
    driver.find_element(By.LINK_TEXT, "Acknowledgement board").click()
    wait(driver).until(lambda b: path_of(b).endswith("/acknowledgements"))
    board = path_of(driver)
    before = int(driver.find_element(By.ID, "ack-count").text.split()[0])
    def waiting_rows():
        """(employee number, name) of everyone still waiting on the board, read in one script
        call: the board replaces its table every 10 s, which would stale rows read one by one."""
        rows = driver.execute_script("""
            const table = Array.from(document.querySelectorAll('table'))
                .find(t => t.caption && t.caption.textContent.trim().startsWith('Still waiting'));
            return table ? Array.from(table.tBodies[0].rows).map(r => [r.cells[0].innerText.trim(), r.cells[1].innerText.trim()]) : [];
            """)
        return [(number, name) for number, name in rows]

    def display_name(message):
        return message["to_header"].split("<")[0].strip().strip('"')

    waiting = waiting_rows()
    waiting_names = [name for _, name in waiting]
    shot(driver, "22-ack-board-before")
    # A reader whose name is on the board exactly once (demo names repeat), so their row is theirs.
    person = next((m for m in recipients if waiting_names.count(display_name(m)) == 1), None)
    assert person, f"no Spanish reader among those waiting: {sorted(waiting_names)[:5]}"
    person_number = next(number for number, name in waiting if name == display_name(person))
    address = person["to"][0]
    driver.delete_all_cookies()

    # The employee asks for a link on their phone-sized screen.
    open_page(driver, "/signin")
    field = driver.find_element(By.NAME, "identifier")
    field.send_keys(address.upper())
    since = len(mail_log())
    click_and_wait_for_new_page(driver, submit_button(driver, "/signin", "Send me a sign-in link"))
    assert "sign-in link is on its way" in driver.find_element(By.TAG_NAME, "main").text
    link = sign_in_link(address, since)
    driver.get(link)
    click_and_wait_for_new_page(driver, submit_button(driver, urllib.parse.urlsplit(link).path, "Continue to my feed"))
    assert path_of(driver) == "/feed"
    main = driver.find_element(By.TAG_NAME, "main").text
    assert spanish in main and "your acknowledgement" in main, main[:800]
    shot(driver, "23-employee-feed")
    width, inner = no_horizontal_overflow(driver)
    assert width <= inner, f"/feed scrolls sideways: {width} > {inner}"
    driver.find_element(By.LINK_TEXT, spanish).click()
    wait(driver).until(lambda b: "/feed/posts/" in path_of(b))
    click_and_wait_for_new_page(driver, driver.find_element(By.ID, "acknowledge"))
    assert "You acknowledged this on" in driver.find_element(By.TAG_NAME, "main").text
    shot(driver, "24-employee-acknowledged")

    # The link worked once.
    driver.delete_all_cookies()
    driver.get(link)
    assert "already used" in driver.find_element(By.TAG_NAME, "h1").text

    sign_in(driver, HR_EMAIL, DEMO_PASSWORD)
    open_page(driver, board)
    after = int(driver.find_element(By.ID, "ack-count").text.split()[0])
    # At least this reader's read (a page may report its dwell more than once, each a new event).
    assert after >= before + 1, (before, after)
    still = waiting_rows()
    assert person_number not in {number for number, _ in still}, f"{person_number} still waiting after acknowledging"
    still_names = [name for _, name in still]

    # The board is live: another reader acknowledges from their own phone (plain HTTP here)
    # while HR keeps the page open, and the count moves without a reload.
    other = next((m for m in recipients if m is not person and still_names.count(display_name(m)) == 1), None)
    assert other, "no second reader waiting"
    post_path = board[: -len("/acknowledgements")].replace("/posts/", "/feed/posts/")
    driver.execute_script("window.tandemBoardMarker = 1")
    acknowledge_over_http(other["to"][0], post_path)
    wait_long = WebDriverWait(driver, 30)
    wait_long.until(lambda b: int(b.find_element(By.ID, "ack-count").text.split()[0]) == after + 1)
    assert driver.execute_script("return window.tandemBoardMarker") == 1, "the page reloaded instead of updating in place"
    assert driver.find_element(By.ID, "ack-board").get_attribute("data-updated")


def dashboard_json(browser, post_id):
    """The post's dashboard from the API, read with the browser's staff session."""
    import json
    browser.get(BASE_URL + f"/api/v1/analytics/posts/{post_id}")
    return json.loads(browser.find_element(By.TAG_NAME, "body").text)


def test_reading_a_post_in_the_feed_reaches_the_dashboard(driver):
    """IC opens the policy post's dashboard (charts, definitions, small groups hidden); an
    employee reads the post for ten seconds in the feed; the page's beacon counts it as read and
    the dashboard shows one more read within seconds."""
    assert MAIL_LOG, "e2e/run.sh sets TANDEM_E2E_MAIL_LOG"
    title = "Our updated code of conduct: please confirm"
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/analytics")
    driver.find_element(By.LINK_TEXT, title).click()
    wait(driver).until(lambda b: "/analytics/posts/" in path_of(b))
    dashboard = path_of(driver)
    post_id = int(dashboard.rsplit("/", 1)[1])
    main = driver.find_element(By.TAG_NAME, "main")
    assert "Headline figures" in main.text and "By channel" in main.text, main.text[:1000]
    charts = driver.find_elements(By.CSS_SELECTOR, "figure.chart svg[role=img]")
    assert len(charts) >= 3, "funnel, timeline and breakdown charts"
    titled = driver.find_element(By.CSS_SELECTOR, "span.metric[title]").get_attribute("title")
    assert "Saw the post" in titled, titled
    shot(driver, "30-post-dashboard")
    before = dashboard_json(driver, post_id)["totals"]["any"].get("read", {}).get("events", 0)

    # An employee who received the post reads it on their phone for ten seconds.
    recipients = [m for m in mail_log() if m.get("subject") in (title, "Nuestro código de conducta actualizado: confírmelo")]
    assert recipients, "the policy post reached nobody by email"
    address = recipients[-1]["to"][0]
    driver.delete_all_cookies()
    import json
    since = len(mail_log())
    asked = urllib.request.urlopen(urllib.request.Request(BASE_URL + "/api/v1/signin/links", data=json.dumps({"identifier": address}).encode(),
                                                          headers={"Content-Type": "application/json"}, method="POST"))
    assert asked.status == 202
    link = sign_in_link(address, since)
    driver.get(link)
    click_and_wait_for_new_page(driver, submit_button(driver, urllib.parse.urlsplit(link).path, "Continue to my feed"))
    open_page(driver, f"/feed/posts/{post_id}")
    assert driver.find_element(By.CSS_SELECTOR, "article.feed-post[data-ev]")
    time.sleep(10)
    open_page(driver, "/feed")  # leaving the page sends the dwell beacon

    # Back as IC: the read shows on the dashboard within seconds.
    driver.delete_all_cookies()
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    deadline = time.time() + 10
    after = before
    while time.time() < deadline and after <= before:
        after = dashboard_json(driver, post_id)["totals"]["any"].get("read", {}).get("events", 0)
        time.sleep(0.5)
    # At least this reader's read (a page may report its dwell more than once, each a new event).
    assert after >= before + 1, (before, after)


def test_kpi_defined_in_the_form_and_shown_on_the_scorecards(driver):
    """IC defines a KPI: a misspelt metric is refused with a suggestion and the form keeps what
    was typed; the corrected KPI gets its progress chart and shows on IC's scorecard. The
    campaign dashboard and the channel matrix open too, and a reversed period is refused."""
    name = "Frontline reach " + datetime.datetime.now().strftime("%H%M%S%f")
    sign_in(driver, COMMS_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/analytics/kpis")
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/analytics/kpis']")
    form.find_element(By.NAME, "name").send_keys(name)
    form.find_element(By.NAME, "formula").send_keys('reachd{worker_type="frontline"} / recipients{worker_type="frontline"}')
    Select(form.find_element(By.NAME, "owner_team")).select_by_value("ic")
    form.find_element(By.NAME, "target").send_keys("70")
    click_and_wait_for_new_page(driver, submit_button(driver, "/analytics/kpis", "Create KPI"))
    main = driver.find_element(By.TAG_NAME, "main").text
    assert 'Did you mean "reached"' in main, main[:2000]
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/analytics/kpis']")
    assert form.find_element(By.NAME, "name").get_attribute("value") == name
    formula = form.find_element(By.NAME, "formula")
    formula.clear()
    formula.send_keys('reached{worker_type="frontline"} / recipients{worker_type="frontline"}')
    click_and_wait_for_new_page(driver, submit_button(driver, "/analytics/kpis", "Create KPI"))
    assert re.search(r"/analytics/kpis/\d+$", path_of(driver)), path_of(driver)
    assert driver.find_elements(By.CSS_SELECTOR, "figure.chart svg[role=img]"), "the progress chart"
    shot(driver, "31-kpi")
    open_page(driver, "/analytics/scorecards")
    card = driver.find_element(By.CSS_SELECTOR, "section[aria-label='Internal Communications scorecard']")
    assert name in card.text, card.text[:2000]

    open_page(driver, "/analytics")
    campaigns = driver.find_elements(By.CSS_SELECTOR, "a[href^='/analytics/campaigns/']")
    assert campaigns, "the demo's campaigns are listed"
    click_and_wait_for_new_page(driver, campaigns[0])
    assert "Each person counts once" in driver.find_element(By.TAG_NAME, "main").text
    assert driver.find_elements(By.CSS_SELECTOR, "figure.chart svg[role=img]")
    shot(driver, "32-campaign-dashboard")
    open_page(driver, "/analytics/channels?dimension=worker_type")
    assert "reach " in driver.find_element(By.TAG_NAME, "main").text
    today = datetime.date.today()
    driver.get(BASE_URL + f"/analytics/channels?from={today}&to={today - datetime.timedelta(days=3)}")
    alert = driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert "before it starts" in alert, alert


def test_employee_answers_a_survey_from_the_feed_card(driver):
    """HR writes a survey in the questions box and opens it to everyone: its results stay hidden
    while fewer than 5 have answered. Four people answer from their phones; the fifth finds the
    survey on their feed, reads the privacy promise and answers in the browser; then HR sees the
    eNPS."""
    title = "Pulse " + datetime.datetime.now().strftime("%H%M%S%f")
    sign_in(driver, HR_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/surveys")
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/surveys']")
    form.find_element(By.NAME, "title").send_keys(title)
    Select(form.find_element(By.NAME, "mode")).select_by_value("anonymous")
    questions = form.find_element(By.NAME, "questions")
    questions.clear()
    questions.send_keys("enps: Would you recommend working here?\nrating: I feel heard")
    click_and_wait_for_new_page(driver, submit_button(driver, "/surveys", "Save draft"))
    survey_path = path_of(driver)
    assert re.fullmatch(r"/surveys/\d+", survey_path), survey_path
    survey_id = survey_path.rsplit("/", 1)[1]
    click_and_wait_for_new_page(driver, submit_button(driver, survey_path + "/open", "Open the survey to its audience"))
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "people are asked" in main and "Fewer than 5 responses: hidden." in main, main[:1500]
    shot(driver, "30-survey-opened")

    addresses = []
    for message in mail_log():
        for address in message.get("to", []):
            if address not in addresses and message.get("subject") != "Your Tandem sign-in link":
                addresses.append(address)
    assert len(addresses) >= 5, addresses
    answer_path = f"/surveys/{survey_id}/answer"
    for index, address in enumerate(addresses[:4]):
        opener, form_post = employee_opener(address)
        page = opener.open(BASE_URL + answer_path).read().decode()
        submission = re.search(r'name="submission" value="([^"]+)"', page).group(1)
        done = form_post(answer_path, answer_path, [("submission", submission), ("q1", str(6 + index)), ("q2", "4")])
        assert urllib.parse.urlsplit(done.geturl()).path == "/feed", done.geturl()
    open_page(driver, survey_path)
    assert "Fewer than 5 responses: hidden." in driver.find_element(By.TAG_NAME, "main").text, "4 answers stay hidden"
    driver.delete_all_cookies()

    # The fifth person, in the browser.
    fifth = addresses[4]
    open_page(driver, "/signin")
    driver.find_element(By.NAME, "identifier").send_keys(fifth)
    since = len(mail_log())
    click_and_wait_for_new_page(driver, submit_button(driver, "/signin", "Send me a sign-in link"))
    link = sign_in_link(fifth, since, "a sign-in link for the fifth person")
    driver.get(link)
    click_and_wait_for_new_page(driver, submit_button(driver, urllib.parse.urlsplit(link).path, "Continue to my feed"))
    assert path_of(driver) == "/feed"
    card = driver.find_element(By.XPATH, f"//section[@class='feed-prompts']//article[h2[normalize-space()='{title}']]")
    assert "Anonymous" in card.text
    shot(driver, "31-survey-feed-card")
    click_and_wait_for_new_page(driver, card.find_element(By.LINK_TEXT, "Answer the survey"))
    assert path_of(driver) == answer_path
    assert "stored without your name" in driver.find_element(By.ID, "privacy").text
    width, inner = no_horizontal_overflow(driver)
    assert width <= inner, f"the survey form scrolls sideways: {width} > {inner}"
    driver.find_element(By.CSS_SELECTOR, "label[for='f-q1-9']").click()
    driver.find_element(By.CSS_SELECTOR, "label[for='f-q2-5']").click()
    shot(driver, "32-survey-form")
    click_and_wait_for_new_page(driver, submit_button(driver, answer_path, "Send my answers"))
    assert path_of(driver) == "/feed"
    assert "your answers to " + title + " are recorded" in driver.find_element(By.TAG_NAME, "main").text
    assert not driver.find_elements(By.XPATH, f"//section[@class='feed-prompts']//h2[normalize-space()='{title}']"), "answered: the card is gone"
    driver.delete_all_cookies()

    sign_in(driver, HR_EMAIL, DEMO_PASSWORD)
    open_page(driver, survey_path)
    main = driver.find_element(By.TAG_NAME, "main").text
    if "eNPS +20" not in main:
        # The five are not all of one group: their answers wait, sealed, to be counted with
        # others of their group, and closing counts them together.
        assert "Fewer than 5 responses: hidden." in main and "5 more answers wait to be counted" in main, main[:2000]
        driver.execute_script("window.confirm = function () { return true; }")  # HR says yes to "Close …?"
        click_and_wait_for_new_page(driver, submit_button(driver, survey_path + "/close", "Close the survey"))
        main = driver.find_element(By.TAG_NAME, "main").text
    # 6, 7, 8, 9 and 9: 2 promoters, 1 detractor of 5 → +20.
    assert "eNPS +20" in main and "5 of " in main and "wait to be counted" not in main, main[:2000]
    shot(driver, "33-survey-results")


def test_employee_answers_from_the_link_in_the_survey_email(driver):
    """HR opens a survey by email too. The invitation reaches the SMTP sink with a personal link;
    the employee opens it with no session, reads the privacy promise, answers, and the link then
    says it is answered. A changed link is refused. HR sees the invitations sent."""
    title = "Email pulse " + datetime.datetime.now().strftime("%H%M%S%f")
    sign_in(driver, HR_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/surveys")
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/surveys']")
    form.find_element(By.NAME, "title").send_keys(title)
    Select(form.find_element(By.NAME, "mode")).select_by_value("confidential")
    questions = form.find_element(By.NAME, "questions")
    questions.clear()
    questions.send_keys("rating: I know where to find the survey link")
    form.find_element(By.CSS_SELECTOR, "input[name='channels'][value='email']").click()
    click_and_wait_for_new_page(driver, submit_button(driver, "/surveys", "Save draft"))
    survey_path = path_of(driver)
    assert re.fullmatch(r"/surveys/\d+", survey_path), survey_path
    survey_id = survey_path.rsplit("/", 1)[1]
    since = len(mail_log())
    click_and_wait_for_new_page(driver, submit_button(driver, survey_path + "/open", "Open the survey to its audience"))
    driver.delete_all_cookies()

    link = None
    deadline = time.time() + 60
    while time.time() < deadline and not link:
        for message in mail_log()[since:]:
            if message.get("subject") == "Survey: " + title:
                found = re.search(r"(https?://\S+/s/sv\.%s\.\d+\.\S+)" % survey_id, message.get("text") or "")
                link = found and found.group(1)
                if link:
                    break
        time.sleep(0.5)
    assert link, "no survey invitation reached the SMTP sink"
    path = urllib.parse.urlsplit(link).path
    driver.get(BASE_URL + path)
    assert "Confidential" in driver.find_element(By.ID, "privacy").text
    width, inner = no_horizontal_overflow(driver)
    assert width <= inner, f"the survey form scrolls sideways: {width} > {inner}"
    driver.find_element(By.CSS_SELECTOR, "label[for='f-q1-4']").click()
    shot(driver, "34-survey-from-email")
    click_and_wait_for_new_page(driver, submit_button(driver, path, "Send my answers"))
    assert "your answers are recorded" in driver.find_element(By.TAG_NAME, "main").text
    driver.get(BASE_URL + path)
    assert "already answered" in driver.find_element(By.TAG_NAME, "main").text
    parts = path.split(".")
    forged = ".".join(parts[:2] + [str(int(parts[2]) + 1)] + parts[3:])
    driver.get(BASE_URL + forged)
    assert "This survey link is not valid" in driver.find_element(By.TAG_NAME, "main").text

    sign_in(driver, HR_EMAIL, DEMO_PASSWORD)
    open_page(driver, survey_path)
    card = driver.find_element(By.XPATH, "//section[.//h2[normalize-space()='Invitations and reminders']]")
    assert "Invitation" in card.text and "Email" in card.text, card.text
    shot(driver, "35-survey-invitations")


def test_hr_schedules_a_draft_to_open_later_and_cancels(driver):
    """HR writes a draft, picks the day it opens, sees that on its page, and cancels it; a day
    in the past is refused with the reason next to the form."""
    title = "Scheduled check " + datetime.datetime.now().strftime("%H%M%S%f")
    sign_in(driver, HR_EMAIL, DEMO_PASSWORD)
    open_page(driver, "/surveys")
    form = driver.find_element(By.CSS_SELECTOR, "form[action='/surveys']")
    form.find_element(By.NAME, "title").send_keys(title)
    questions = form.find_element(By.NAME, "questions")
    questions.clear()
    questions.send_keys("rating: I know when surveys open")
    click_and_wait_for_new_page(driver, submit_button(driver, "/surveys", "Save draft"))
    survey_path = path_of(driver)
    assert re.fullmatch(r"/surveys/\d+", survey_path), survey_path

    def schedule(day):
        field = driver.find_element(By.CSS_SELECTOR, f"form[action='{survey_path}/schedule'] input[name='opens_on']")
        # A date input takes its value from script reliably across locales.
        driver.execute_script("arguments[0].value = arguments[1]", field, day)
        click_and_wait_for_new_page(driver, submit_button(driver, survey_path + "/schedule", "Schedule the opening"))

    schedule((datetime.date.today() - datetime.timedelta(days=2)).isoformat())
    assert "has passed" in driver.find_element(By.TAG_NAME, "main").text
    day = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    schedule(day)
    main = driver.find_element(By.TAG_NAME, "main").text
    assert f"Opens by itself on {day}" in main, main
    width, inner = no_horizontal_overflow(driver)
    assert width <= inner, f"the scheduled survey scrolls sideways: {width} > {inner}"
    shot(driver, "36-survey-scheduled")
    click_and_wait_for_new_page(driver, submit_button(driver, survey_path + "/unschedule", "Cancel the scheduled opening"))
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "Opens by itself" not in main and "The scheduled opening is cancelled" in main, main
