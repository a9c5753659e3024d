"""A post's identity from its address, whatever form of it people paste or platforms export.

- LinkedIn: the activity, share or ugcPost id, from `/feed/update/urn:li:activity:<id>/`,
  `/posts/<slug>-activity-<id>-<tag>`, `/posts/<slug>-share-<id>-…`, URL-encoded URNs
  (`urn%3Ali%3Aactivity%3A<id>`), `lnkd.in`-free long forms, with any query or fragment.
  Activity and share ids of one post differ, so each is kept with its kind.
- X: the status id of `x.com/<user>/status/<id>`, `twitter.com/…`, `mobile.twitter.com/…`,
  `/i/web/status/<id>`, with or without `/photo/1`, query or fragment.
- Anything else: scheme, `www.`, query, fragment and trailing slash dropped, host lower-cased.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

LINKEDIN_RE = re.compile(r"(?:urn:li:|[-/:])(activity|share|ugcPost)[:-](\d{10,25})", re.IGNORECASE)
X_HOSTS = {"x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"}
X_STATUS_RE = re.compile(r"/status(?:es)?/(\d{5,25})")
MAX_KEY = 300


def url_key(url: str | None) -> str | None:
    """The post's identity ("linkedin:activity:<id>", "x:<id>" or the normalised address)."""
    if not url or not str(url).strip():
        return None
    text = unquote(str(url).strip())
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = (parts.hostname or "").lower()
    except ValueError:
        return text.lower()[:MAX_KEY]
    host = host.removeprefix("www.")
    if host.endswith("linkedin.com"):
        found = LINKEDIN_RE.search(parts.path + "?" + parts.query)
        if found:
            kind = found.group(1).lower()
            return f"linkedin:{'ugcpost' if kind == 'ugcpost' else kind}:{found.group(2)}"
    if host in X_HOSTS:
        found = X_STATUS_RE.search(parts.path)
        if found:
            return f"x:{found.group(1)}"
    path = parts.path.rstrip("/")
    return f"{host}{path}".lower()[:MAX_KEY]


def platform_of(key: str | None) -> str | None:
    """The platform a key names ("linkedin", "x"), or None for other addresses."""
    if key and key.startswith("linkedin:"):
        return "linkedin"
    if key and key.startswith("x:"):
        return "x"
    return None
