"""Steps the end-to-end tests share: signing up and in through the app's own forms, typing into a
composer, and Playwright's `expect` with the emulator's patience."""

from __future__ import annotations

from typing import Any

from tests.e2e.browser import APP_URL

PASSWORD = "password-123"


def expect() -> Any:
    from playwright.sync_api import expect as playwright_expect

    # The functions emulator starts a worker per concurrent request: a first call can take seconds.
    playwright_expect.set_options(timeout=15_000)
    return playwright_expect


def sign_up(page: Any, email: str) -> None:
    page.goto(APP_URL)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect()(page.get_by_role("heading", name="Lobby")).to_be_visible()


def sign_in_page(page: Any, email: str) -> None:
    page.goto(APP_URL)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect()(page.get_by_role("heading", name="Lobby")).to_be_visible()


def tick_checklist(page: Any) -> None:
    for box in page.locator("fieldset:has(legend:text('Before you start')) input[type=checkbox]").all():
        box.check()


def say(page: Any, text: str, label: str = "Your message") -> None:
    """Types and sends with the Enter key (the composers are keyboard-usable)."""
    box = page.get_by_label(label)
    box.fill(text)
    box.press("Enter")
    expect()(box).to_have_value("")


def log_api_errors(page: Any) -> None:
    """Prints every API answer of 400 or more (pytest shows it when a test fails): the page itself only
    shows a short toast, which the failing step's screenshot may not have caught."""

    def on_response(response: Any) -> None:
        if "/api/v1/" in response.url and response.status >= 400:
            try:
                body = response.text()[:300]
            except Exception as error:  # the page may have navigated away before the body was read
                body = f"(body unavailable: {error})"
            print(f"API {response.request.method} {response.url} -> {response.status}: {body}")

    page.on("response", on_response)
