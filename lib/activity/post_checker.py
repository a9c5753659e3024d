"""The post checker: flags what a draft post should not contain before it goes out.

The rules are data (`data/post_rules.yaml`): each names its kind, parameters, the guideline it
comes from and the message that explains it. This module holds one small function per kind.

Terms are matched as whole words on a folded copy of the draft (any case, no accents, plain
apostrophes and spaces), English and French at once; a term ending in `*` matches any ending
(`licenci*`). Patterns are regular expressions over the same folded text. Words found are shown
as they were typed. Term lists may name a shared lexicon (`lexicons:` in the rules file) with `@name`.

Kinds:
- `terms`: any term or pattern found.
- `near`: a term of `match` within `window` words of a term of `near` (financial word and a figure,
  a colleague and a harsh word...).
- `disclosure`: the draft promotes the company (terms, the company's names) but does not say that
  its author works there: "I work at <company>", «je travaille chez <société>», #<company>employee.
- `contact_details`, `max_length`, `max_count`.
Any rule may have `unless`: terms that lift it (a cited press release lifts the figure rules; a job
offer lifts the salary rule). How public information is treated is documented in the rules file.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.core import options
from lib.core.config import DATA_DIR
from lib.core.errors import Problem, ValidationError
from lib.core.i18n import t
from lib.core.models import CustomerSignal
from lib.core.permissions import Actor, require
from lib.core.vocab import LANGUAGES
from lib.training.catalogue import module, policy

RULES_FILE = DATA_DIR / "post_rules.yaml"
EMAIL_RE = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
# Phone numbers: international (+33 6 12 34 56 78), French (06.12.34.56.78) or North American
# ((555) 123-4567); dates and large amounts do not match.
PHONE_RE = re.compile(
    r"(?<![\w+/])(?:\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}|0[1-9](?:[\s.-]?\d{2}){4}|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4})(?![\w/])"
)
MIN_PHONE_DIGITS = 8
WORD_RE = re.compile(r"\w+")
COMPANY = "{company}"  # in a disclosure pattern: one of the company's names
TAG = "{tag}"  # the same in a hashtag: the name without spaces (#SensorProTeam)
# Without configured company names, "I work at" must be followed by a capitalised name
# ("I work at Acme", not "je travaille à la maison"): matched on the folded but cased text.
ANY_COMPANY = r"(?-i:[A-Z][\w&.'-]*(?:\s[A-Z][\w&.'-]*){0,3})"
SETTINGS = (
    "checker.company_names",
    "checker.competitor_names",
    "checker.customer_names",
    "checker.confidential_terms",
    "checker.own_domains",
)
CUSTOMERS = "checker.customer_names"
QUOTES = {"en": ("“", "”"), "fr": ("«\u00a0", "\u00a0»")}
EXAMPLE_COMPANY = "Acme"  # the company the rules' examples speak of
MAX_TERM = 100


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str  # i18n key
    guideline: dict
    params: dict = field(default_factory=dict)


# --- folding: lower case, no accents; `Folded.original` maps a span back to what was typed


def _fold_char(c: str) -> str:
    if c in "\u00a0\u202f\u2009":
        return " "
    if c in "\u2019\u2018\u02bc":
        return "'"
    return "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))


def normalise(text: str) -> str:
    """Lower case, without accents, with plain apostrophes and spaces."""
    return "".join(_fold_char(c) for c in text).lower()


class Folded:
    """A draft folded for matching (no accents, plain apostrophes and spaces; case is left to the
    expressions, which ignore it except in a `(?-i:...)` part); `original(start, end)` gives back
    the words as they were typed."""

    def __init__(self, text: str) -> None:
        self.text = text
        pieces = [_fold_char(c) for c in text]
        self.cased = "".join(pieces)
        self._origin: list[int] = []
        for i, piece in enumerate(pieces):
            self._origin.extend([i] * len(piece))
        self._origin.append(len(text))
        self._words = [m.start() for m in WORD_RE.finditer(self.cased)]

    def original(self, start: int, end: int) -> str:
        return self.text[self._origin[start] : self._origin[max(end - 1, start)] + 1].strip()

    def word_index(self, pos: int) -> int:
        return bisect_right(self._words, pos)


# --- matchers: terms and patterns compiled once into one regular expression


WORD_END = r"(?![\w/]|\.\w)"  # a whole word: not followed by a letter, a path or a domain


def _term_body(term: str) -> str:
    plain = normalise(term.strip())
    body = re.escape(plain.rstrip("*")).replace(r"\ ", r"\s+")
    return body + (r"\w*" if plain.endswith("*") else WORD_END)


def _term_regex(term: str) -> str:
    head = "(?<![\\w#@/.])" if normalise(term.strip())[:1].isalnum() else "(?<!\\w)"
    return head + _term_body(term)


def _trie(terms: Iterable[str]) -> str:
    """One expression for many terms, shaped as a tree of their letters ("sales|salary" becomes
    "sal(?:es|ary)"): Python's engine tries an alternation branch by branch, so thousands of
    customer names would otherwise cost thousands of tries at every letter of the draft."""
    root: dict = {}
    for term in terms:
        plain = normalise(term.strip())
        node = root
        for c in plain.rstrip("*"):
            node = node.setdefault(c, {})
        node.setdefault("", set()).add(r"\w*" if plain.endswith("*") else WORD_END)

    def emit(node: dict) -> str:
        parts = [
            (r"\s+" if c == " " else re.escape(c)) + emit(child)
            for c, child in sorted(node.items(), key=lambda kv: kv[0])
            if c
        ]
        parts += sorted(node.get("", ()), key=len, reverse=True)  # a stem (\w*) before a word end
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    return emit(root)


def _alternation(terms: Iterable[str], patterns: Iterable[str] = ()) -> re.Pattern | None:
    """One expression for a list: terms starting with a letter or digit share one start-of-word test
    (a term must not follow a letter, #, @, / or a dot, so that it is not part of a hashtag, an
    address or a link) and one tree of letters; then the others and the patterns."""
    unique = [term for term in dict.fromkeys(terms) if term.strip()]
    words = [term for term in unique if normalise(term.strip())[:1].isalnum()]
    parts = ["(?<![\\w#@/.])" + _trie(words)] if words else []
    parts += [_term_regex(term) for term in unique if not normalise(term.strip())[:1].isalnum()]
    parts += [f"(?:{p})" for p in patterns]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@lru_cache(maxsize=64)
def _names_index(names: tuple[str, ...]) -> tuple[dict[tuple[str, ...], str], int]:
    """The names as tuples of folded words, and the longest's length. Names (customers from the
    signal ledger, competitors...) are looked up word by word rather than compiled into one
    expression: thousands of them cost a set lookup per word of the draft, and a new name costs
    nothing to add (compiling 5,000 names took ~3 s)."""
    index = {tuple(WORD_RE.findall(normalise(n))): n for n in names if WORD_RE.search(n)}
    return index, max((len(k) for k in index), default=0)


def _name_spans(folded: Folded, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the names occur as whole words (not inside a hashtag, an address or a link)."""
    if not names:
        return []
    index, longest = _names_index(names)
    text = folded.cased
    tokens = [(m.start(), m.end(), m.group(0).lower()) for m in WORD_RE.finditer(text)]
    found = []
    for i, (start, _, _) in enumerate(tokens):
        if start and text[start - 1] in "#@/.":
            continue
        for n in range(min(longest, len(tokens) - i), 0, -1):
            if tuple(tok for _, _, tok in tokens[i : i + n]) in index:
                end = tokens[i + n - 1][1]
                if not (text[end : end + 1] == "/" or re.match(r"\.\w", text[end : end + 2])):
                    found.append((start, end))
                    break
    return found


def _finds(regex: re.Pattern | None, folded: Folded) -> list[tuple[int, int]]:
    """Spans matched in the folded draft; the expressions ignore case, except a part written
    `(?-i:...)` (a capitalised name), hence the cased copy."""
    return [m.span() for m in regex.finditer(folded.cased)] if regex else []


def _words(folded: Folded, spans: Iterable[tuple[int, int]]) -> tuple[str, ...]:
    """The words found, as typed, once each, in the order of the draft; a match lying inside a
    longer one ("price" in "price list") is not repeated."""
    spans = sorted(set(spans), key=lambda sp: (sp[0], -sp[1]))
    kept: list[tuple[int, int]] = []
    for span in spans:
        if not kept or span[1] > kept[-1][1] or span[0] >= kept[-1][1]:
            kept.append(span)
    return tuple(w for w in dict.fromkeys(folded.original(*span) for span in kept) if w)


@dataclass
class Matcher:
    """One side of a rule: fixed terms and patterns, plus the names held by run-time options."""

    regex: re.Pattern | None
    options: tuple[str, ...] = ()

    def spans(self, folded: Folded, settings: dict) -> list[tuple[int, int]]:
        found = _finds(self.regex, folded)
        for key in self.options:
            found += _name_spans(folded, tuple(settings.get(key, ())))
        return sorted(found)


def _collect(value, lexicons: dict, where: str, as_patterns: bool = False) -> tuple[list[str], list[str]]:
    """(terms, patterns) of a list spec: {en: [...], fr: [...], terms: [...], patterns: [...]} or a
    plain list; an item `@name` brings in the lexicon `name` (its terms and its patterns)."""
    terms: list[str] = []
    patterns: list[str] = []
    if value is None:
        return terms, patterns
    if isinstance(value, dict):
        for key in (*LANGUAGES, "terms"):
            more = _collect(value.get(key), lexicons, where)
            terms += more[0]
            patterns += more[1]
        more = _collect(value.get("patterns"), lexicons, where, as_patterns=True)
        return terms + more[0], patterns + more[1]
    for item in value:
        item = str(item)
        if item.startswith("@"):
            if item[1:] not in lexicons:
                raise ValueError(f"{RULES_FILE.name}: {where} names an unknown lexicon {item!r}")
            more = _collect(lexicons[item[1:]], lexicons, where)
            terms += more[0]
            patterns += more[1]
        elif as_patterns:
            patterns.append(item)
        else:
            terms.append(item)
    return terms, patterns


def _matcher(spec, lexicons: dict, where: str) -> Matcher:
    """`spec`: a term list, or {en, fr, terms, patterns, options}."""
    terms, patterns = _collect(spec, lexicons, where)
    for p in patterns:
        try:
            re.compile(p)
        except re.error as e:
            raise ValueError(f"{RULES_FILE.name}: {where}: bad pattern {p!r}: {e}") from e
    names = tuple(spec.get("options", ())) if isinstance(spec, dict) else ()
    return Matcher(_alternation(terms, patterns), names)


# --- one function per kind: (folded draft, platform, compiled rule, settings) -> params | None

Check = Callable[[Folded, str, dict, dict], dict | None]


def _terms(folded: Folded, platform: str, rule: dict, settings: dict) -> dict | None:
    spans = rule["match"].spans(folded, settings)
    return {"words": _words(folded, spans)} if spans else None


def _near(folded: Folded, platform: str, rule: dict, settings: dict) -> dict | None:
    found = rule["alone"].spans(folded, settings) if "alone" in rule else []
    first = rule["match"].spans(folded, settings)
    second = rule["near"].spans(folded, settings) if first else []
    window = rule["params"].get("window", 6)
    at = sorted((folded.word_index(b[0]), b) for b in second)
    places = [i for i, _ in at]
    for a in first:
        i = folded.word_index(a[0])
        close = [
            b for _, b in at[bisect_left(places, i - window) : bisect_right(places, i + window)] if b != a
        ]
        if close:
            found += [a, *close]
    return {"words": _words(folded, sorted(set(found)))} if found else None


def _disclosure(folded: Folded, platform: str, rule: dict, settings: dict) -> dict | None:
    spans = rule["match"].spans(folded, settings)
    if not spans:
        return None
    names = tuple(n.strip() for n in settings.get("checker.company_names", ()) if n.strip())
    if _disclosure_regex(rule["params"]["_discloses"], names).search(folded.cased):
        return None
    return {"words": _words(folded, spans)}


@lru_cache(maxsize=32)
def _disclosure_regex(patterns: tuple[str, ...], names: tuple[str, ...]) -> re.Pattern:
    """The disclosure patterns with `{company}` standing for the company's names (any capitalised
    name while none is configured) and `{tag}` for the same without spaces, in a hashtag."""
    if names:
        company = "(?:" + "|".join(_term_regex(n) for n in names) + ")"
        tag = "(?:" + "|".join(re.escape(re.sub(r"[\s'-]+", "", normalise(n))) for n in names) + ")"
    else:
        company, tag = ANY_COMPANY, r"(?-i:[A-Z])\w+"
    return re.compile(
        "|".join(f"(?:{p.replace(TAG, tag).replace(COMPANY, company)})" for p in patterns),
        re.IGNORECASE,
    )


def _contact_details(folded: Folded, platform: str, rule: dict, settings: dict) -> dict | None:
    text = folded.text
    own = {d.lower().lstrip("@") for d in settings.get("checker.own_domains", ())}
    items = [m.group(0) for m in EMAIL_RE.finditer(text) if m.group(1).lower() not in own]
    without_emails = EMAIL_RE.sub(" ", text)
    items += [
        m.group(0).strip()
        for m in PHONE_RE.finditer(without_emails)
        if sum(c.isdigit() for c in m.group(0)) >= MIN_PHONE_DIGITS
    ]
    return {"words": tuple(dict.fromkeys(items))} if items else None


def _max_length(folded: Folded, platform: str, rule: dict, settings: dict) -> dict | None:
    limit = rule["params"]["limits"].get(platform)
    if limit is not None and len(folded.text) > limit:
        return {"length": len(folded.text), "limit": limit}
    return None


def _max_count(folded: Folded, platform: str, rule: dict, settings: dict) -> dict | None:
    params = rule["params"]
    most = params.get("per_platform", {}).get(platform, params["max"])
    count = len(re.findall(params["pattern"], folded.text))
    return {"count": count, "max": most} if count > most else None


KINDS: dict[str, Check] = {
    "terms": _terms,
    "near": _near,
    "disclosure": _disclosure,
    "contact_details": _contact_details,
    "max_length": _max_length,
    "max_count": _max_count,
}
NEEDS = {"terms": ("match",), "near": ("match", "near"), "disclosure": ("match", "discloses")}


def _compile(rule: dict, lexicons: dict) -> dict:
    where = f"rule {rule.get('id')!r}"
    if rule.get("kind") not in KINDS or not rule.get("guideline") or not rule.get("message"):
        raise ValueError(f"{RULES_FILE.name}: {where} needs a known kind, a guideline and a message")
    if not rule.get("examples"):
        raise ValueError(f"{RULES_FILE.name}: {where} needs its examples")
    params = dict(rule.get("params") or {})
    compiled = {**rule, "params": params}
    for key in NEEDS.get(rule["kind"], ()):
        if key not in params:
            raise ValueError(f"{RULES_FILE.name}: {where} needs params.{key}")
    if rule["kind"] == "disclosure":
        params["_discloses"] = tuple(_collect(params["discloses"], lexicons, where, as_patterns=True)[1])
        try:
            _disclosure_regex(params["_discloses"], ())
        except re.error as e:
            raise ValueError(f"{RULES_FILE.name}: {where}: bad disclosure pattern: {e}") from e
    for key in ("match", "near", "alone"):
        if key in params:
            compiled[key] = _matcher(params[key], lexicons, where)
    compiled["unless"] = _matcher(params["unless"], lexicons, where) if "unless" in params else None
    return compiled


class _UniqueKeys(yaml.SafeLoader):
    """YAML's safe loader, refusing a key written twice in one mapping (the second would silently
    replace the first: a term list lost)."""

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = sorted({str(k) for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(
                f"{RULES_FILE.name}: line {node.start_mark.line + 1}: {', '.join(twice)} written twice"
            )
        return super().construct_mapping(node, deep=deep)


@cache
def load_rules() -> tuple[dict, ...]:
    """The rules from data/post_rules.yaml, compiled and checked: a broken file stops the app, not a page."""
    data = yaml.load(RULES_FILE.read_text(encoding="utf-8"), Loader=_UniqueKeys)  # a SafeLoader
    rules = data["rules"]
    ids = [r.get("id") for r in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{RULES_FILE.name}: rule ids must be unique")
    lexicons = data.get("lexicons") or {}
    return tuple(_compile(r, lexicons) for r in rules)


def find_issues(text: str, platform: str, settings: dict | None = None, rules=None) -> list[Finding]:
    """Every rule `text` breaks on `platform`; `settings` holds the run-time lists by option name."""
    settings = settings or {}
    folded = Folded(text)
    findings = []
    for rule in rules or load_rules():
        found = KINDS[rule["kind"]](folded, platform, rule, settings)
        if found is None:
            continue
        if rule["unless"] is not None and rule["unless"].spans(folded, settings):
            continue
        findings.append(Finding(rule["id"], rule["message"], rule["guideline"], found))
    return findings


def known_customers(session: Session) -> list[str]:
    """The customers named in the customer-signal ledger, and those HR added to the list."""
    ledger = session.scalars(select(CustomerSignal.customer_name).distinct()).all()
    return list(dict.fromkeys([*options.get(session, CUSTOMERS, []), *(n.strip() for n in ledger if n)]))


def check_post(session: Session, actor: Actor, text: str, platform: str) -> list[Finding]:
    """Check a draft with the rules and the run-time lists (company, competitors, customers...)."""
    require(actor, "checker.use")
    values = {key: options.get(session, key, []) for key in SETTINGS}
    values[CUSTOMERS] = known_customers(session)
    return find_issues(text, platform, values)


def settings(session: Session, actor: Actor) -> dict[str, list[str]]:
    """HR/admin: the checker's lists as set (they name customers and confidential terms)."""
    require(actor, "checker.configure")
    return {key: list(options.get(session, key, [])) for key in SETTINGS}


def update_settings(session: Session, actor: Actor, values: dict[str, list[str]]) -> None:
    """HR/admin: the company's names, its competitors, customers, confidential terms, e-mail domains."""
    require(actor, "checker.configure")
    problems = [
        Problem("activity.too_long", key, params={"n": MAX_TERM})
        for key in SETTINGS
        for term in values.get(key, [])
        if len(term.strip()) > MAX_TERM
    ]
    if problems:
        raise ValidationError(problems)
    for key in SETTINGS:
        options.put(
            session, actor, key, list(dict.fromkeys(v.strip() for v in values.get(key, []) if v.strip()))
        )


# --- where a rule comes from


def policy_section(ref) -> tuple[int, dict[str, str]] | None:
    """The number and titles of a section of the posting guidelines, named by its number or its id.

    Sections are read from `sections` (a list with ids) when policy.yaml has them, otherwise from
    the numbered paragraphs of the body ("3. **Title.**")."""
    data = policy()
    sections = data.get("sections")
    if isinstance(sections, list):
        for n, section in enumerate(sections, start=1):
            if ref in (n, section.get("id")):
                title = section.get("title") or {}
                return n, {lang: str(title.get(lang, "")).rstrip(".") for lang in LANGUAGES}
        return None
    if not isinstance(ref, int):
        return None
    titles = {}
    for lang in LANGUAGES:
        found = re.search(rf"^{ref}\. \*\*(.+?)\*\*", data["body"][lang], re.MULTILINE)
        if not found:
            return None
        titles[lang] = found.group(1).rstrip(".")
    return ref, titles


def guideline_text(ref: dict, lang: str) -> str:
    """Where a rule comes from, in words: the guidelines' section and the training lesson."""
    parts = []
    if ref.get("platform"):
        parts.append(t("checker.ref_platform", lang))
    if "policy" in ref:
        section = policy_section(ref["policy"])
        if section is None:
            parts.append(t("checker.ref_policy_only", lang))
        else:
            parts.append(t("checker.ref_policy", lang, n=section[0], title=section[1][lang]))
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


def explain(finding: Finding, lang: str, escape: Callable[[str], str] = str) -> str:
    """What a finding means, in `lang`: the words found (quoted as the language quotes, each passed
    through `escape`), why it matters and what to do."""
    params = dict(finding.params)
    if "words" in params:
        opening, closing = QUOTES.get(lang, QUOTES["en"])
        params["terms"] = ", ".join(f"{opening}{escape(w)}{closing}" for w in params.pop("words"))
    return t(finding.message, lang, **params)


def example(rule_id: str, lang: str, company: str | None = None) -> str | None:
    """The rule's passing example in `lang`, with the company's name for the examples' "Acme"."""
    rule = next((r for r in load_rules() if r["id"] == rule_id), None)
    text = rule["examples"].get(lang, {}).get("pass") if rule else None
    return text.replace(EXAMPLE_COMPANY, company) if text and company else text


def company_name(session: Session, actor: Actor) -> str | None:
    """The company's first name in the checker's settings, if any."""
    names = options.get(session, "checker.company_names", [])
    return names[0] if names else None


def platform_limit(platform: str) -> int | None:
    """The platform's length limit, from the length rule."""
    rule = next(r for r in load_rules() if r["kind"] == "max_length")
    return rule["params"]["limits"].get(platform)
