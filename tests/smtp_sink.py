"""A tiny SMTP server on 127.0.0.1 that keeps what it receives (tests only).

Enough of RFC 5321 for smtplib: greeting, EHLO/HELO, MAIL, RCPT, DATA, QUIT.
No external host is ever involved; the port is picked by the OS.
"""

import socketserver
import threading
from email import message_from_bytes, policy


class _Handler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self._say("220 sink ready")
        rcpt = []
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO", "MAIL", "RSET", "NOOP"):
                self._say("250 ok")
            elif verb == "RCPT":
                rcpt.append(line.decode().split(":", 1)[1].strip(" <>\r\n"))
                self._say("250 ok")
            elif verb == "DATA":
                self._say("354 end with <CRLF>.<CRLF>")
                self.server.sink.messages.append((rcpt, self._data()))
                rcpt = []
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")

    def _data(self):
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return message_from_bytes(b"".join(lines), policy=policy.default)


class SmtpSink:
    def __init__(self):
        self.messages = []
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
