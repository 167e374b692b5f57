"""Security headers on every response (issue 9 §5).

Framing is refused (clickjacking), MIME sniffing is off, the referrer does
not leave the site, and the browser may use no camera/microphone/geolocation.
A Content-Security-Policy is not set yet: Flask-AppBuilder's own templates
rely on inline scripts, so a CSP worth having needs nonces in those templates.
"""

from flask import Flask

HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def install(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
