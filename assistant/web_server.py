"""Serve the website chat page (web/) on a local URL, with no CDN and no build step.

python -m assistant.web_server --port 8080 --rasa-url http://127.0.0.1:5005
"""

from __future__ import annotations

import argparse
import functools
import json
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Sequence

from assistant.notice import standing_notice

WEB_ROOT = Path(__file__).resolve().parents[1] / "web"
# The browser libraries installed from web/package-lock.json (scripts/web_deps.sh), served from here.
SOCKET_IO_CLIENT = WEB_ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
VENDOR_FILES = {"/vendor/socket.io.min.js": SOCKET_IO_CLIENT}


def answers_available(action_url: str, timeout_s: float = 1.0) -> bool:
    """Whether the action server (which answers the information questions) says it is healthy."""
    try:
        with urllib.request.urlopen(action_url.rstrip("/") + "/health", timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (OSError, ValueError):
        return False


class ChatPageHandler(SimpleHTTPRequestHandler):
    """Static files from web/, /config.json telling the page where Rasa is, /status.json for the page's notice."""

    rasa_url = "http://127.0.0.1:5005"
    action_url = "http://127.0.0.1:5055"
    notice = ""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        if path == "/config.json":
            self._send_json({"rasaUrl": self.rasa_url, "notice": self.notice})
            return
        if path == "/status.json":
            self._send_json({"answersAvailable": answers_available(self.action_url)})
            return
        if path in VENDOR_FILES:
            self._send_file(VENDOR_FILES[path], "text/javascript")
            return
        if path.startswith("/node_modules/"):
            self.send_error(404)
            return
        super().do_GET()

    def _send_file(self, file: Path, content_type: str) -> None:
        try:
            body = file.read_bytes()
        except OSError:
            self.send_error(500, "The widget's libraries are not installed: run make setup")
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, payload: dict) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Access-Control-Allow-Origin", "*")  # read by the widget on any site; no secrets
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        socket_url = self.rasa_url.replace("https://", "wss://").replace("http://", "ws://")
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'self'; connect-src 'self' {self.rasa_url} {socket_url}; img-src 'self' data:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        )
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        pass


def make_server(
    host: str, port: int, rasa_url: str, notice: str, action_url: str = "http://127.0.0.1:5055"
) -> ThreadingHTTPServer:
    attributes = {"rasa_url": rasa_url, "notice": notice, "action_url": action_url}
    handler = type("ConfiguredChatPageHandler", (ChatPageHandler,), attributes)
    return ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(WEB_ROOT)))


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    parser.add_argument("--action-url", default="http://127.0.0.1:5055")
    args = parser.parse_args(list(argv) or None)
    server = make_server(args.host, args.port, args.rasa_url.rstrip("/"), standing_notice(), args.action_url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
