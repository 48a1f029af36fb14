"""mt-serve's web page in a real headless Chromium, driven over the DevTools protocol
(Python's standard library only: a minimal WebSocket client): types a sentence into the
source box, clicks Translate, and reads the translation back. --screenshot saves a PNG.

    python3 scripts/check-serve-browser.py --port PORT --input TEXT --expect TRANSLATION [--screenshot FILE]
"""
import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class DevTools:
    """One WebSocket connection to a page target; call() sends a command and waits for its reply."""

    def __init__(self, url):
        host_port, path = url[len("ws://"):].split("/", 1)
        host, port = host_port.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("the DevTools WebSocket closed during the handshake")
            reply += chunk
        if b" 101 " not in reply.split(b"\r\n")[0]:
            raise RuntimeError(f"WebSocket handshake refused: {reply[:80]!r}")
        self.buffer = reply.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("the DevTools WebSocket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        n = len(payload)
        header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else
                                  bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else
                                  bytes([0x80 | 127]) + struct.pack(">Q", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _message(self):
        parts = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            if b0 & 0x0F in (0x9, 0xA):   # ping/pong between fragments
                continue
            parts.append(payload)
            if b0 & 0x80:
                return json.loads(b"".join(parts))

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.time() + 30
        while time.time() < deadline:
            m = self._message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]
        raise RuntimeError(f"{method}: no answer in 30 s")

    def js(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return r["result"].get("value")


def wait_for(what, condition, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--screenshot")
    a = ap.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("check-serve-browser: skipped (no chromium)")
        return 0
    profile = tempfile.mkdtemp(prefix="mt-serve-chromium-")
    proc = subprocess.Popen([browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", f"--user-data-dir={profile}",
                             "--window-size=960,720", f"http://127.0.0.1:{a.port}/"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        active = os.path.join(profile, "DevToolsActivePort")
        wait_for("Chromium's DevTools port", lambda: os.path.exists(active) and open(active).read().count("\n") >= 1, 30)
        devtools_port = int(open(active).read().split("\n")[0])
        pages = wait_for("the page target", lambda: [t for t in json.load(urllib.request.urlopen(
            f"http://127.0.0.1:{devtools_port}/json/list", timeout=5)) if t["type"] == "page"], 20)
        page = DevTools(pages[0]["webSocketDebuggerUrl"])
        page.call("Emulation.setDeviceMetricsOverride", width=960, height=720, deviceScaleFactor=1, mobile=False)
        wait_for("the page and its model list", lambda: page.js(
            "document.readyState === 'complete' && document.getElementById('model').options.length > 0"))
        # Type, as a person would: focus the box, insert the text through the input pipeline.
        page.js("document.getElementById('source').focus()")
        page.call("Input.insertText", text=a.input)
        typed = page.js("document.getElementById('source').value")
        # Click the button where it is drawn.
        box = page.js("(() => { const r = document.getElementById('translate').getBoundingClientRect();"
                      " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            page.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)
        got = wait_for("the translation", lambda: page.js("document.getElementById('translation').textContent"))
        alternatives = page.js("document.querySelectorAll('#alternatives li').length")
        status = page.js("document.getElementById('status').textContent")
        ok = typed == a.input and got == a.expect and alternatives >= 1 and status.startswith("latency ")
        print(("ok    " if ok else "FAIL  ") + f"browser: typed {typed!r}, clicked, read back {got!r}"
              f" ({alternatives} alternatives, {status}); expected {a.expect!r}")
        if a.screenshot:
            shot = page.call("Page.captureScreenshot", format="png")
            with open(a.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            print(f"check-serve-browser: screenshot written to {a.screenshot}")
        return 0 if ok else 1
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
