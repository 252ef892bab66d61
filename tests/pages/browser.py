"""A real headless Chromium, driven over the DevTools protocol on a pipe (no extra Python package).

`--remote-debugging-pipe` makes Chromium read protocol messages from fd 3 and write them to fd 4,
each a JSON object ended by a NUL byte (https://chromedevtools.github.io/devtools-protocol/). A
viewport is emulated exactly (Emulation.setDeviceMetricsOverride): `--window-size` alone cannot
make a headless window narrower than 500 px. Every read has a deadline, so a stuck browser fails
the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome") if (path := shutil.which(name))), None)
REPO = Path(__file__).resolve().parents[2]
# .ci/run installs axe-core here (npm); FEEDGEN_AXE_JS may point at another axe.min.js
AXE = Path(os.environ.get("FEEDGEN_AXE_JS") or REPO / ".ci" / "npm" / "node_modules" / "axe-core" / "axe.min.js")


class BrowserError(RuntimeError):
    pass


class Browser:
    def __init__(self, profile: Path, timeout: float = 60) -> None:
        if CHROMIUM is None:
            raise BrowserError("Chromium is not installed")
        self.timeout = timeout
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire() -> None:  # in the child, before exec: the pipe ends become fds 3 and 4
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             "--mute-audio", f"--user-data-dir={profile}",
             # everything but the local server fails to resolve: the test never touches the network
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, pass_fds=(3, 4))
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next = 0
        self._events: list[dict] = []

    def close(self) -> None:
        try:
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            os.close(self._to_child)
            os.close(self._from_child)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_child], [], [], left)[0]:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._events.append(reply)

    def wait_event(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            for index, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self._events.pop(index)
            self._events.append(self._read(deadline))

    def open(self, url: str, width: int, height: int, *, mobile: bool = False) -> Tab:
        """A new tab with a `width` x `height` CSS-pixel viewport, loaded with `url`."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session)
        self.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                  deviceScaleFactor=3 if mobile else 1, mobile=mobile)
        self.send("Page.navigate", session, url=url)
        self.wait_event("Page.loadEventFired", session)
        return Tab(self, session)


class Tab:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def evaluate(self, expression: str) -> Any:
        """The JSON value of `expression` (awaited when it is a promise)."""
        result = self.browser.send("Runtime.evaluate", self.session, expression=expression, awaitPromise=True,
                                   returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"script failed: {result['exceptionDetails'].get('exception', result['exceptionDetails'])}")
        return result["result"].get("value")

    def axe(self) -> list[dict]:
        """axe-core's violations on the loaded page (its default rule set: WCAG 2.x A/AA and best practices)."""
        self.evaluate(AXE.read_text(encoding="utf-8"))
        return self.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => "
                             "({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))")
