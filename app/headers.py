"""Security headers on every response (issue 9 §5).

Framing is refused (clickjacking), MIME sniffing is off, the referrer does
not leave the site, and the browser may use no camera/microphone/geolocation.

Content-Security-Policy: scripts only from our own origin or carrying this
response's nonce. Flask-AppBuilder 5.3's templates already mark every inline
<script> with `baselib.get_nonce()`, which calls a `csp_nonce()` template
global when one exists (Flask-Talisman's name); we provide it here, so no
'unsafe-inline' is needed for scripts. Our own templates' repeated inline
"打印" snippets became data-print buttons handled by static/js/ux.js and the one inline
onclick= handler (催缴通知书) was removed: handlers in attributes cannot carry a
nonce. What remains inline carries the nonce: FAB's list/search/lib widgets.

Styles keep 'unsafe-inline': FAB's templates and widgets (select2, the
datepicker, list tables) set style="" attributes and <style> blocks, which a
nonce cannot cover for attributes. Injected CSS cannot run code; the risk kept
is CSS-based data exfiltration, limited by img-src/connect-src 'self'.

Swagger UI (/swagger/v1) is FAB's template that loads its bundle from a CDN;
under this policy (and without internet) it does not render — the OpenAPI
document at /api/v1/_openapi is unaffected.
"""

import secrets

from flask import Flask, g

HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

CSP = {
    "default-src": "'self'",
    "script-src": "'self' 'nonce-{nonce}'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def csp_nonce() -> str:
    """This request's nonce (one per response, unguessable), for templates and the header."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(f"{name} {value.format(nonce=nonce)}" for name, value in CSP.items())


def install(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
