"""The post checker: flags what a draft post should not contain before it goes out.

The rules are data (`data/post_rules.yaml`): each names its kind, parameters, the guideline it
comes from and the message that explains it. This module holds one small function per kind.
Terms are matched as whole words, ignoring case and accents, in English and French at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import yaml
from sqlalchemy.orm import Session

from lib.core import options
from lib.core.config import DATA_DIR
from lib.core.errors import Problem, ValidationError
from lib.core.i18n import t
from lib.core.permissions import Actor, require_role
from lib.core.vocab import LANGUAGES, ROLES
from lib.training.catalogue import module, policy

RULES_FILE = DATA_DIR / "post_rules.yaml"
EDITORS = ("hr", "admin")
EMAIL_RE = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
# Phone numbers: international (+33 6 12 34 56 78), French (06.12.34.56.78) or North American
# ((555) 123-4567); dates and large amounts do not match.
PHONE_RE = re.compile(
    r"(?<![\w+/])(?:\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}|0[1-9](?:[\s.-]?\d{2}){4}|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4})(?![\w/])"
)
MIN_PHONE_DIGITS = 8
SETTINGS = ("checker.confidential_terms", "checker.company_names", "checker.own_domains")


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str  # i18n key
    guideline: dict
    params: dict = field(default_factory=dict)


def normalise(text: str) -> str:
    """Lower case, without accents, with plain apostrophes and spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\u00a0\u202f]", " ", plain.replace("\u2019", "'")).lower()


def found_terms(text: str, terms) -> list[str]:
    """The `terms` present in `text` as whole words (case and accents ignored)."""
    plain = normalise(text)
    return [
        term
        for term in dict.fromkeys(terms)
        if re.search(rf"(?<!\w){re.escape(normalise(term))}(?!\w)", plain)
    ]


def _bilingual(terms: dict) -> list[str]:
    return [term for lang in LANGUAGES for term in terms.get(lang, [])]


# --- one function per kind: (text, platform, params, extra terms from the option) -> params | None


def _disclosure(text, platform, params, extra):
    promoting = found_terms(text, _bilingual(params["promotes"]) + extra)
    if promoting and not found_terms(text, _bilingual(params["discloses"])):
        return {"terms": ", ".join(promoting)}
    return None


def _terms(text, platform, params, extra):
    terms = found_terms(text, _bilingual(params["terms"]) + extra)
    return {"terms": ", ".join(terms)} if terms else None


def _contact_details(text, platform, params, own_domains):
    own = {d.lower().lstrip("@") for d in own_domains}
    items = [m.group(0) for m in EMAIL_RE.finditer(text) if m.group(1).lower() not in own]
    without_emails = EMAIL_RE.sub(" ", text)
    items += [
        m.group(0).strip()
        for m in PHONE_RE.finditer(without_emails)
        if sum(c.isdigit() for c in m.group(0)) >= MIN_PHONE_DIGITS
    ]
    return {"items": ", ".join(items)} if items else None


def _max_length(text, platform, params, extra):
    limit = params["limits"].get(platform)
    if limit is not None and len(text) > limit:
        return {"length": len(text), "limit": limit}
    return None


def _max_count(text, platform, params, extra):
    most = params.get("per_platform", {}).get(platform, params["max"])
    count = len(re.findall(params["pattern"], text))
    return {"count": count, "max": most} if count > most else None


KINDS = {
    "disclosure": _disclosure,
    "terms": _terms,
    "contact_details": _contact_details,
    "max_length": _max_length,
    "max_count": _max_count,
}


@cache
def load_rules() -> tuple[dict, ...]:
    """The rules from data/post_rules.yaml, checked: a broken file stops the app, not a page."""
    rules = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))["rules"]
    ids = [r["id"] for r in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{RULES_FILE.name}: rule ids must be unique")
    for r in rules:
        if r["kind"] not in KINDS or not r.get("guideline") or not r.get("message"):
            raise ValueError(
                f"{RULES_FILE.name}: rule {r['id']!r} needs a known kind, a guideline and a message"
            )
    return tuple(rules)


def find_issues(text: str, platform: str, settings: dict | None = None, rules=None) -> list[Finding]:
    """Every rule `text` breaks on `platform`; `settings` holds the options' lists by name."""
    settings = settings or {}
    findings = []
    for rule in rules or load_rules():
        params = rule.get("params", {})
        extra = list(settings.get(params.get("option"), []))
        found = KINDS[rule["kind"]](text, platform, params, extra)
        if found is not None:
            findings.append(Finding(rule["id"], rule["message"], rule["guideline"], found))
    return findings


def check_post(session: Session, actor: Actor, text: str, platform: str) -> list[Finding]:
    """Check a draft with the rules and the run-time lists (confidential terms, company names...)."""
    require_role(actor, *ROLES)
    return find_issues(text, platform, {key: options.get(session, key, []) for key in SETTINGS})


def settings(session: Session, actor: Actor) -> dict[str, list[str]]:
    return {key: list(options.get(session, key, [])) for key in SETTINGS}


def update_settings(session: Session, actor: Actor, values: dict[str, list[str]]) -> None:
    """HR/admin: the confidential terms, the company's names and its own e-mail domains."""
    require_role(actor, *EDITORS)
    problems = [
        Problem("activity.too_long", key, params={"n": 100})
        for key in SETTINGS
        for term in values.get(key, [])
        if len(term.strip()) > 100
    ]
    if problems:
        raise ValidationError(problems)
    for key in SETTINGS:
        options.put(
            session, actor, key, list(dict.fromkeys(v.strip() for v in values.get(key, []) if v.strip()))
        )


def guideline_text(ref: dict, lang: str) -> str:
    """Where a rule comes from, in words: the guidelines' section and the training lesson."""
    parts = []
    if ref.get("platform"):
        parts.append(t("checker.ref_platform", lang))
    if "policy" in ref:
        number = ref["policy"]
        title = re.search(rf"^{number}\. \*\*(.+?)\*\*", policy()["body"][lang], re.MULTILINE)
        parts.append(
            t("checker.ref_policy", lang, n=number, title=title.group(1).rstrip(".") if title else "")
        )
    if "module" in ref:
        m = module(ref["module"])
        lesson = next((x for x in m.lessons if x["id"] == ref.get("lesson")), None)
        parts.append(
            t(
                "checker.ref_module",
                lang,
                module=m.text("title", lang),
                lesson=lesson["title"][lang] if lesson else "",
            )
        )
    return " · ".join(parts)


def platform_limit(platform: str) -> int | None:
    """The platform's length limit, from the length rule."""
    rule = next(r for r in load_rules() if r["kind"] == "max_length")
    return rule["params"]["limits"].get(platform)
