"""The chat widget in a real headless Chromium against a real chat endpoint on 127.0.0.1.

The broker's chat routes run on their own event loop in a thread (selenium is blocking);
the page is the server's own ``/chat/demo`` under its strict policy. A visitor's words
reach the recording Intake, an agent's reply shows as text (markup in it stays text), and
closing the page tells the Intake the visitor left. ``CHAT_WIDGET_SCREENSHOT=docs/chat-widget.png``
also saves the screenshot there (the one in the docs was made so).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import web

from cti.channels.chat import ChatService, ChatSettings, add_chat_routes
from cti.channels.inbound import Outbound
from tests.integration.channels.chat_server import TypingLog
from tests.recording_intake import RecordingIntake

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="Debian chromium and chromium-driver are not installed "
    "(scripts/setup-env.sh desktop,dev installs them)",
)
DEADLINE = 30.0
T = TypeVar("T")


class ThreadedChatServer:
    """The chat routes on a real aiohttp server, on an event loop of their own."""

    def __init__(self) -> None:
        self.intake, self.typing_log = RecordingIntake(), TypingLog()
        self.service = ChatService(self.intake, ChatSettings(), self.typing_log)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.runner = web.AppRunner(self._app())
        port = self.run(self._start())
        self.base = f"http://127.0.0.1:{port}"

    def _app(self) -> web.Application:
        app = web.Application()
        add_chat_routes(app, self.service)
        return app

    async def _start(self) -> int:
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        return int(self.runner.addresses[0][1])

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(DEADLINE)

    def stop(self) -> None:
        self.run(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(DEADLINE)
        self.loop.close()


def wait_until(condition: Callable[[], Any], what: str) -> Any:
    """Poll until ``condition`` is truthy (a busy machine may take its time)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {DEADLINE} s: {what}")


@pytest.fixture
def server() -> Iterator[ThreadedChatServer]:
    running = ThreadedChatServer()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"):
        options.add_argument(argument)
    options.add_argument("--window-size=900,720")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def text_of(browser: Any, selector: str) -> str:
    """The text of the first element ``selector`` matches, or "" while there is none."""
    script = f"return document.querySelector({selector!r})?.textContent ?? ''"
    return str(browser.execute_script(script))


def start_chat(browser: Any, server: ThreadedChatServer, name: str) -> str:
    """Open the demo page, fill in the name, start the chat; return the chat's id."""
    from selenium.webdriver.common.by import By

    browser.get(server.base + "/chat/demo")
    browser.find_element(By.CSS_SELECTOR, ".cti-chat-launcher").click()
    browser.find_element(By.CSS_SELECTOR, ".cti-chat-start input[type=text]").send_keys(name)
    browser.find_element(By.CSS_SELECTOR, ".cti-chat-begin").click()
    wait_until(
        lambda: browser.execute_script(
            "return !document.querySelector('.cti-chat-compose').hidden"
        ),
        "the chat's welcome",
    )
    return str(wait_until(lambda: next(iter(server.service.chats), None), "the chat on the server"))


def visitor_says(browser: Any, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = browser.find_element(By.CSS_SELECTOR, ".cti-chat-input")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def test_a_visitor_chats_with_an_agent_through_the_widget(
    browser: Any, server: ThreadedChatServer, tmp_path: Path
) -> None:
    chat_id = start_chat(browser, server, "Ann")
    visitor_says(browser, "Hello, my parcel is late")
    wait_until(lambda: server.intake.arrivals, "the visitor's message at the intake")
    [inbound] = server.intake.arrivals
    assert (inbound.channel, inbound.thread_key) == ("chat", chat_id)
    assert (inbound.text, inbound.sender.name, inbound.sender.email) == (
        "Hello, my parcel is late",
        "Ann",
        None,
    )
    assert (chat_id, True) in server.typing_log.states
    wait_until(
        lambda: browser.execute_script("return !document.querySelector('.cti-chat-sending')"),
        "the message's ack",
    )

    server.run(server.service.typing("chat", chat_id, "Alice", True))
    wait_until(lambda: text_of(browser, ".cti-chat-typing") == "Alice is typing…", "typing")
    hostile = '<img src=x onerror="window.pwned=1">Hi Ann, let me look.'
    server.run(server.service.send(Outbound("chat", chat_id, hostile, agent_name="Alice")))
    wait_until(lambda: text_of(browser, ".cti-chat-agent"), "the agent's reply in the page")
    assert text_of(browser, ".cti-chat-agent .cti-chat-text") == hostile
    assert text_of(browser, ".cti-chat-agent .cti-chat-author") == "Alice"
    assert text_of(browser, ".cti-chat-typing") == ""
    assert browser.execute_script("return document.querySelectorAll('.cti-chat img').length") == 0
    assert browser.execute_script("return window.pwned === undefined")
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []  # the demo's strict policy would report an inline script or style
    _screenshot(browser, tmp_path / "chat-widget.png")

    browser.get("about:blank")
    wait_until(lambda: server.intake.departures, "the visitor's departure")
    assert server.intake.departures == [("chat", chat_id, "visitor_left")]


def test_the_widget_says_the_link_dropped_and_reconnects_to_a_new_chat(
    browser: Any, server: ThreadedChatServer
) -> None:
    first = start_chat(browser, server, "Bob")
    server.run(server.service.close_all())
    wait_until(lambda: server.intake.departures, "the dropped chat's departure")
    assert server.intake.departures == [("chat", first, "visitor_left")]
    wait_until(
        lambda: "Connection lost" in text_of(browser, ".cti-chat-status"), "the dropped link"
    )
    wait_until(
        lambda: "new conversation" in text_of(browser, ".cti-chat-note"), "the reconnected chat"
    )
    second = wait_until(lambda: next(iter(server.service.chats), None), "the new chat")
    assert second != first
    visitor_says(browser, "still there?")
    wait_until(lambda: server.intake.arrivals, "the message after the reconnect")
    assert server.intake.arrivals[0].thread_key == second
    assert server.intake.arrivals[0].sender.name == "Bob"  # the hello is sent again


def _screenshot(browser: Any, path: Path) -> None:
    assert browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    wanted = os.environ.get("CHAT_WIDGET_SCREENSHOT")
    if wanted:
        shutil.copyfile(path, wanted)
