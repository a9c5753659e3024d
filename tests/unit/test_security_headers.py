"""Security headers (issue 10, hardening): Streamlit 1.67 has no setting to send them, so the deployment
proxy does. The nginx site in deploy/ must forbid framing and carry a Content-Security-Policy."""

import re

from lib.core.config import ROOT

CONF = ROOT / "deploy" / "nginx" / "porte-voix.conf"


def headers() -> dict[str, str]:
    found = re.findall(r'^\s*add_header\s+(\S+)\s+"([^"]*)"\s+always;', CONF.read_text(), re.MULTILINE)
    return {name.lower(): value for name, value in found}


def csp() -> dict[str, list[str]]:
    policy = headers()["content-security-policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_the_proxy_forbids_framing_by_other_sites():
    # the app's own components are same-origin iframes: 'self', not 'none' (which breaks sign-in)
    assert headers()["x-frame-options"] == "SAMEORIGIN"
    assert csp()["frame-ancestors"] == ["'self'"]


def test_the_policy_keeps_everything_on_this_origin():
    policy = csp()
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:", "https://fonts.gstatic.com"] and all(
        "*" not in v for values in policy.values() for v in values
    )
    assert headers()["x-content-type-options"] == "nosniff"


def test_the_readme_says_where_the_headers_come_from():
    readme = (ROOT / "README.md").read_text()
    assert "Content-Security-Policy" in readme and "deploy/nginx/porte-voix.conf" in readme
