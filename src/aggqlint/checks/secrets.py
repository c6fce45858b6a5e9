"""Credentials in a report definition: named secrets, access tokens, random-looking strings.

A document rule (registered with scope "document"): it looks at the whole document, envelope and
unknown keys included, whatever its shape. Only shapes that are secrets with high confidence
are errors: a value under a credential name (AQL701, also `client_secret=...` in a text and
the password of `https://user:pass@host`), an access token by its shape (AQL702: an
Authorization header, a JSON Web Token, a vendor prefix such as ghp_ or AKIA). A string that
merely looks random is a warning (AQL703), and never on a field that holds ids or free text.

Messages show a secret only masked (`0HmE…(43 chars)`), and each finding lists the raw texts
under data["redact"] so that the engine masks them in every other diagnostic too. Texts are
split with linear regexes (one character class each, or literal prefixes then one) and judged
in Python: no pattern here can backtrack on a hostile 1 MB string.
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, NamedTuple

from msgspec import Struct

from aggqlint.api.endpoints import all_endpoints
from aggqlint.checks.registry import rule
from aggqlint.data import load_yaml
from aggqlint.diagnostics import Finding, pointer_join

_ENVIRONMENT = "GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET"
_ADVICE = (
    f"remove it: aggqlint reads credentials only from the environment ({_ENVIRONMENT}); "
    "rotate the secret if this file was ever shared"
)
# Shorter raw texts are masked in this rule's own message but not searched for in other
# diagnostics: replacing a 5-letter password everywhere would garble unrelated words.
_MIN_REDACT = 8
_HEX = frozenset("0123456789abcdefABCDEF")
# Characters of a name before '=' in a text (client_secret=, spring.datasource.password=).
_PAIR_NAME = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_LONGEST_PAIR_NAME = 64
# A value after 'name=' runs until one of these (one class: no backtracking).
_PAIR_VALUE = re.compile(r"""[^&\s"'<>#,;()\[\]{}|\\]*""")
# user:password@ right after '://'. Each class stops at '/', so a try never runs past the
# next '://': the text is read about once.
_URL_USERINFO = re.compile(r"""://[^/?#\s"'<>\\@:]*:([^/?#\s"'<>\\@]*)@""")
_STRONG = ("AQL701", "AQL702")
# A vendor token stands alone: no letter, digit, '_' or '-' right before or after it, so a
# longer id that merely starts or ends the same way is not one.
_TOKEN_EDGE = "[A-Za-z0-9_-]"


class _Hit(NamedTuple):
    code: str  # AQL701 named credential, AQL702 token shape, AQL703 random-looking word
    kind: str  # what it is, for the message ("a JSON Web Token")
    secret: str  # the raw text to mask


# eq=False: hashed by identity, as the one instance is a cache key for every field name; a
# field-by-field hash would cost more than the judgement it looks up.
class _Patterns(Struct, frozen=True, eq=False):
    exact: frozenset[str]
    suffixes: tuple[str, ...]
    not_credentials: frozenset[str]
    # Pattern texts, compiled on first use (re keeps them): most runs meet no vendor prefix
    # and no credential value, and compiling them all cost ~7 ms of every start.
    placeholders: tuple[str, ...]
    min_pair_value: int
    schemes: frozenset[str]
    headers: frozenset[str]
    min_bearer_token: int
    jwt_prefix: str
    private_key_marker: str
    vendor_prefixes: tuple[str, ...]
    vendor: str | None
    vendor_names: tuple[str, ...]  # by group index: the name of group v<index>
    word: re.Pattern[str]
    long_word: re.Pattern[str]  # words of min_length or more: the only ones that can be random
    min_length: int
    min_entropy: float
    min_class_changes: float
    min_non_hex: float
    free_text_fields: frozenset[str]


@functools.cache
def _patterns() -> _Patterns:
    data = load_yaml("rules", "secret-patterns.yaml")
    keys = data["credential_keys"]
    random = data["random_strings"]
    vendors = data["vendor_tokens"]
    return _Patterns(
        exact=frozenset(keys["exact"]),
        suffixes=tuple(keys["suffixes"]),
        not_credentials=frozenset(keys["not"]),
        placeholders=tuple(data["placeholders"]),
        min_pair_value=int(data["min_pair_value"]),
        schemes=frozenset(data["token_schemes"]),
        headers=frozenset(data["header_names"]),
        min_bearer_token=int(data["min_bearer_token"]),
        jwt_prefix=str(data["jwt_prefix"]),
        private_key_marker=str(data["private_key_marker"]),
        vendor_prefixes=tuple(p for v in vendors for p in v["prefixes"]),
        vendor=_vendor_pattern(vendors),
        vendor_names=tuple(str(v["name"]) for v in vendors),
        word=re.compile(f"[{random['alphabet']}]+"),
        long_word=re.compile(f"[{random['alphabet']}]{{{int(random['min_length'])},}}"),
        min_length=int(random["min_length"]),
        min_entropy=float(random["min_entropy"]),
        min_class_changes=float(random["min_class_changes"]),
        min_non_hex=float(random["min_non_hex"]),
        free_text_fields=frozenset(data["free_text_fields"]),
    )


def _vendor_pattern(vendors: list[dict[str, Any]]) -> str | None:
    """One pattern for all vendor tokens, group v<i> for entry i: literal prefixes, then one
    character class a bounded number of times, with nothing of that class on either side."""
    branches = []
    for index, vendor in enumerate(vendors):
        prefixes = "|".join(re.escape(p) for p in vendor["prefixes"])
        alphabet = vendor["alphabet"]
        low, high = vendor["length"]
        branches.append(
            f"(?P<v{index}>(?<!{_TOKEN_EDGE})(?:{prefixes})[{alphabet}]{{{low},{high}}}"
            f"(?!{_TOKEN_EDGE}))"
        )
    return "|".join(branches) if branches else None


# Where a value sits: (parent path, key or index), None at the top. The pointer is built only
# for the rare value that is reported, not for each of a file's 250,000 values.
_Path = tuple[Any, str | int] | None


@rule("AQL701", "AQL702", "AQL703", scope="document")
def check_document(document: Any) -> Iterator[Finding]:
    """Findings with pointers relative to the document (or payload) given."""
    patterns = _patterns()
    for path, key, value, is_key in _candidates(patterns, document):
        finding = _judge(patterns, path, key, value, is_key)
        if finding is not None:
            yield finding


def _candidates(
    patterns: _Patterns, document: Any
) -> Iterator[tuple[_Path, str | None, Any, bool]]:
    """(path, key the value sits under, value, is the value that key itself) for every
    mapping key and scalar that could hold a secret: text long enough for one, or any value
    under a credential's name. The rest (most values: names, numbers, short ids) is passed
    over here, not judged one by one. Iterative, and each container once: a payload built in
    code may be deeper than the stack or share (even contain) itself."""
    seen: set[int] = set()
    stack: list[tuple[_Path, str | None, Any]] = [(None, None, document)]
    shortest = _SHORTEST_SUSPECT
    while stack:
        path, key, value = stack.pop()
        if isinstance(value, dict):
            if id(value) in seen:
                continue
            seen.add(id(value))
            for name, child in reversed([(str(k), v) for k, v in value.items()]):
                child_path = (path, name)
                if len(name) >= shortest:
                    yield child_path, name, name, True
                if isinstance(child, dict | list):
                    stack.append((child_path, name, child))
                elif (isinstance(child, str) and len(child) >= shortest) or (
                    child is not None and _is_credential_name(patterns, name)
                ):
                    yield child_path, name, child, False
        elif isinstance(value, list):
            if id(value) in seen:
                continue
            seen.add(id(value))
            under = key is not None and _is_credential_name(patterns, key)
            for index in reversed(range(len(value))):
                item = value[index]
                if isinstance(item, dict | list):
                    stack.append(((path, index), key, item))
                elif (isinstance(item, str) and len(item) >= shortest) or (
                    under and item is not None
                ):
                    yield (path, index), key, item, False
        elif value is not None:  # the document itself is a scalar
            yield path, key, value, False


def _pointer(path: _Path) -> str:
    tokens: list[str | int] = []
    while path is not None:
        path, token = path
        tokens.append(token)
    return pointer_join("", *reversed(tokens))


def _judge(
    patterns: _Patterns, path: _Path, key: str | None, value: Any, is_key: bool
) -> Finding | None:
    if not is_key and key is not None and _is_credential_name(patterns, key):
        secret = _credential_text(patterns, value)
        if secret is not None:
            # Other checks may quote a token inside the value alone: mask that too.
            inside = [h.secret for h in _suspicious_text(secret) if h.code in _STRONG]
            return Finding(
                "AQL701",
                _pointer(path),
                f"{_label(key)} holds a credential ({mask(secret)}); {_ADVICE}",
                data=_redaction(secret, *inside),
            )
    if not isinstance(value, str):
        return None
    hits = _suspicious_text(value)
    if not hits:
        return None
    strong = [h for h in hits if h.code in _STRONG]
    where = "a key" if is_key else _label(key)
    if strong:
        first = strong[0]
        message = f"{where} holds {first.kind} ({mask(first.secret)}); {_ADVICE}"
        found = strong
    else:
        if not is_key and key is not None and key in _id_or_text_fields():
            return None
        first = hits[0]
        message = (
            f"{where} holds a random-looking string ({mask(first.secret)}) like a client "
            f"secret or API key; if it is one, {_ADVICE}"
        )
        found = list(hits)
    data = _redaction(*(h.secret for h in found))
    return Finding(first.code, _pointer(path), message, at_key=is_key, data=data)


def _suspicious_text(text: str) -> tuple[_Hit, ...]:
    """Every secret in a text: high-confidence shapes (AQL701, AQL702) first, in the order
    the checks run, then the random-looking words (AQL703)."""
    if len(text) < _SHORTEST_TOKEN and (
        len(text) < _SHORTEST_SUSPECT or ("=" not in text and "@" not in text)
    ):
        return ()  # most names and short ids: decided without a cache lookup
    if len(text) > _MAX_CACHED:
        return _judge_text(text)
    return _judge_text_cached(text)


# Nothing shorter holds a secret the checks find: 'x://u:p@h' and 'token=' + 8 characters
# are the shortest, and they need '@' or '='. Every token and random word is at least
# _SHORTEST_TOKEN long (a JSON Web Token is two 8-character parts, a signature and two dots;
# AKIA keys are 20, bearer tokens 16, random words 32).
_SHORTEST_SUSPECT = 9
_SHORTEST_TOKEN = 16

# Cached: the same metric names, ids and intervals recur in every file of a run. Long texts
# are not kept: 4,096 one-megabyte descriptions would hold 4 GB.
_MAX_CACHED = 256


@functools.lru_cache(maxsize=4096)
def _judge_text_cached(text: str) -> tuple[_Hit, ...]:
    return _judge_text(text)


def _judge_text(text: str) -> tuple[_Hit, ...]:
    patterns = _patterns()
    hits = list(_access_tokens(patterns, text))
    hits.extend(_vendor_tokens(patterns, text))
    if patterns.private_key_marker in text:
        hits.append(_Hit("AQL702", "a private key", text.strip()))
    if "://" in text:
        hits.extend(_url_passwords(patterns, text))
    if "=" in text:
        hits.extend(_credential_pairs(patterns, text))
    seen: set[str] = set()
    unique = []
    for hit in hits:  # a token in a URL query string is found twice: report it once
        if hit.secret not in seen:
            seen.add(hit.secret)
            unique.append(hit)
    unique.extend(
        _Hit("AQL703", "", word)
        for word in (match.group() for match in patterns.long_word.finditer(text))
        if word not in seen and _looks_random(patterns, word)
    )
    return tuple(unique)


@functools.cache
def _id_or_text_fields() -> frozenset[str]:
    """Fields whose values are ids or free text: every string field without an enum in the
    request models, and the envelope's free-text fields. Read only when a random-looking
    string turns up, so a clean file never pays for loading all the schemas."""
    names = set(_patterns().free_text_fields)
    for endpoint in all_endpoints().values():
        _collect_free_strings(endpoint.schema(), names)
    return frozenset(names)


def _collect_free_strings(schema: Any, names: set[str]) -> None:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        properties = node.get("properties")
        if isinstance(properties, dict):
            names.update(name for name, sub in properties.items() if _is_free_string(sub))
        stack.extend(node.values())


def _is_free_string(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "array":
        return _is_free_string(schema.get("items"))
    return schema.get("type") == "string" and "enum" not in schema and "const" not in schema


def mask(secret: str) -> str:
    """`0HmE…(43 chars)`: the first characters only when they are a small part of the text."""
    shown = secret[:4] if len(secret) >= 16 else ""
    return f"{shown}…({len(secret):,} chars)"


def _redaction(*secrets: str) -> dict[str, Any]:
    masks = {secret: mask(secret) for secret in secrets if len(secret) >= _MIN_REDACT}
    return {"redact": masks} if masks else {}


def _label(key: str | None) -> str:
    return "the document" if key is None else f"'{key}'"


def _normalise(name: str) -> str:
    return "".join(c for c in name.lower() if c.isascii() and c.isalnum())


def _is_credential_name(patterns: _Patterns, key: str) -> bool:
    # No field name is that long, and long keys must not fill the cache (see _MAX_CACHED).
    return len(key) <= _MAX_CACHED and _is_credential_name_cached(patterns, key)


@functools.lru_cache(maxsize=4096)
def _is_credential_name_cached(patterns: _Patterns, key: str) -> bool:
    name = _normalise(key)
    if not name or name in patterns.not_credentials:
        return False
    return name in patterns.exact or name.endswith(patterns.suffixes)


def _credential_text(patterns: _Patterns, value: Any) -> str | None:
    """The value as text when it can be a secret: text that is no placeholder, or a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return repr(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    return None if _is_placeholder(patterns, text) else text


def _is_placeholder(patterns: _Patterns, text: str) -> bool:
    return any(re.fullmatch(p, text) for p in patterns.placeholders)


def _access_tokens(patterns: _Patterns, text: str) -> Iterator[_Hit]:
    """JSON Web Tokens anywhere; a token after 'Authorization:' (and a scheme), or after
    the word Bearer."""
    if patterns.jwt_prefix not in text:
        lowered = text.lower()
        if "bearer" not in lowered and not any(h in lowered for h in patterns.headers):
            return  # most texts: no word to read one by one
    before: re.Match[str] | None = None  # the two words before
    last: re.Match[str] | None = None
    for match in patterns.word.finditer(text):
        word = match.group()
        jwt = _jwt(patterns, word)
        if jwt is not None:
            yield _Hit("AQL702", "a JSON Web Token", jwt)
        elif (
            last is not None
            and last.group().lower() in patterns.schemes
            and _after_header(patterns, text, before, last)
            and len(word) >= 8
            and not _plain_word(word)
        ) or (_after_header(patterns, text, last, match) and _token_like(patterns, word)):
            yield _Hit("AQL702", "an Authorization header value", word)
        elif last is not None and last.group().lower() == "bearer" and _token_like(patterns, word):
            yield _Hit("AQL702", "a bearer token", word)
        before, last = last, match


def _after_header(
    patterns: _Patterns, text: str, header: re.Match[str] | None, then: re.Match[str] | None
) -> bool:
    """A header name written as one ('Authorization:' or '"Authorization": '), not the
    word in prose ('authorization codes')."""
    if header is None or then is None or header.group().lower() not in patterns.headers:
        return False
    gap = text[header.end() : then.start()]
    return ":" in gap or "=" in gap


def _jwt(patterns: _Patterns, word: str) -> str | None:
    """The JSON Web Token a word is (without a sentence's final dot), or None."""
    if not word.startswith(patterns.jwt_prefix):
        return None
    parts = word.split(".")
    if len(parts) < 3 or any(parts[3:]):
        return None
    header, payload, signature = parts[:3]
    if not payload.startswith(patterns.jwt_prefix) or len(payload) < 8:
        return None
    if not all(c.isalnum() or c in "-_=" for c in header + payload + signature):
        return None
    return ".".join(parts[:3]) if _is_jwt_header(header) else None


def _is_jwt_header(part: str) -> bool:
    try:
        header = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except ValueError:  # bad base64 (binascii.Error), bad UTF-8 or bad JSON
        return False
    return isinstance(header, dict) and "alg" in header


def _vendor_tokens(patterns: _Patterns, text: str) -> Iterator[_Hit]:
    if patterns.vendor is None or not any(p in text for p in patterns.vendor_prefixes):
        return
    for match in re.finditer(patterns.vendor, text):
        group = match.lastgroup or "v0"
        yield _Hit("AQL702", patterns.vendor_names[int(group[1:])], match.group())


def _url_passwords(patterns: _Patterns, text: str) -> Iterator[_Hit]:
    """The password of each https://user:password@host."""
    for match in _URL_USERINFO.finditer(text):
        if not _is_placeholder(patterns, match.group(1)):
            yield _Hit("AQL701", "a password in a URL", match.group(1))


def _credential_pairs(patterns: _Patterns, text: str) -> Iterator[_Hit]:
    """Values after a credential name and '=': ?access_token=..., client_secret=...,
    PASSWORD=...; each part of the text is read once."""
    start = 0
    while (equals := text.find("=", start)) != -1:
        value = _PAIR_VALUE.match(text, equals + 1)
        assert value is not None  # the pattern matches the empty string
        start = max(value.end(), equals + 1)
        begin = equals
        while begin > 0 and equals - begin < _LONGEST_PAIR_NAME and text[begin - 1] in _PAIR_NAME:
            begin -= 1
        if begin > 0 and text[begin - 1] in _PAIR_NAME:
            continue  # a name longer than any credential's: not a name at all
        secret = value.group().rstrip(".")
        if (
            len(secret) >= patterns.min_pair_value
            and _is_credential_name(patterns, text[begin:equals])
            and not _is_placeholder(patterns, secret)
            and not _plain_words(secret)  # 'password=incorrect', 'auth=sso-redirect': prose
        ):
            yield _Hit("AQL701", f"a credential after '{text[begin:equals]}='", secret)


def _plain_word(word: str) -> bool:
    """'authentication', 'Required': prose after 'Authorization: Basic' or 'password=', not a
    token."""
    return word.isalpha() and word[1:].islower()


def _plain_words(text: str) -> bool:
    """Plain words joined by '-' or '_' ('sso-redirect', 'rotated_quarterly'): a link's
    parameter or prose, not a credential's shape."""
    return all(part and _plain_word(part) for part in re.split(r"[-_]", text))


def _token_like(patterns: _Patterns, word: str) -> bool:
    return (
        len(word) >= patterns.min_bearer_token
        and any(c.isdigit() for c in word)
        and any(c.isalpha() for c in word)
    )


def _looks_random(patterns: _Patterns, word: str) -> bool:
    n = len(word)
    if n < patterns.min_length:
        return False
    if not (
        any(c.isupper() for c in word)
        and any(c.islower() for c in word)
        and any(c.isdigit() for c in word)
    ):
        return False
    if sum(c not in _HEX for c in word) < patterns.min_non_hex * n:
        return False
    # Case and digit changes between neighbouring letters and digits: separators do not count,
    # so a path such as build/src/PureCloudPlatform.Client.V2 reads as the words it is.
    pairs = changes = 0
    for a, b in itertools.pairwise(word):
        if a.isalnum() and b.isalnum():
            pairs += 1
            changes += _kind(a) != _kind(b)
    if not pairs or changes < patterns.min_class_changes * pairs:
        return False
    entropy = -sum(k / n * math.log2(k / n) for k in Counter(word).values())
    return entropy >= patterns.min_entropy


def _kind(char: str) -> int:
    if char.isupper():
        return 0
    return 1 if char.islower() else 2
