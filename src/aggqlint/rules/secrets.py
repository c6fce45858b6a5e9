"""Credentials in a report definition: named secrets, access tokens, random-looking strings.

A document family (see `DOCUMENT_FAMILIES`): it looks at the whole document, envelope and
unknown keys included, whatever its shape. Messages show a secret only masked (`0HmE…(43
chars)`), and each finding lists the raw text under data["redact"] so that the engine masks it
in every other diagnostic too. Texts are split into words with one linear regex and the words
are judged in Python: no pattern here can backtrack on a hostile 1 MB string.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class _Patterns:
    exact: frozenset[str]
    suffixes: tuple[str, ...]
    not_credentials: frozenset[str]
    placeholders: tuple[re.Pattern[str], ...]
    schemes: frozenset[str]
    headers: frozenset[str]
    min_bearer_token: int
    jwt_prefix: str
    word: re.Pattern[str]
    min_length: int
    min_entropy: float
    min_class_changes: float
    min_non_hex: float


@functools.cache
def _patterns() -> _Patterns:
    data = load_yaml("rules", "secret-patterns.yaml")
    keys = data["credential_keys"]
    random = data["random_strings"]
    return _Patterns(
        exact=frozenset(keys["exact"]),
        suffixes=tuple(keys["suffixes"]),
        not_credentials=frozenset(keys["not"]),
        placeholders=tuple(re.compile(p) for p in data["placeholders"]),
        schemes=frozenset(data["token_schemes"]),
        headers=frozenset(data["header_names"]),
        min_bearer_token=int(data["min_bearer_token"]),
        jwt_prefix=str(data["jwt_prefix"]),
        word=re.compile(f"[{random['alphabet']}]+"),
        min_length=int(random["min_length"]),
        min_entropy=float(random["min_entropy"]),
        min_class_changes=float(random["min_class_changes"]),
        min_non_hex=float(random["min_non_hex"]),
    )


# Where a value sits: (parent path, key or index), None at the top. The pointer is built only
# for the rare value that is reported, not for each of a file's 250,000 values.
_Path = tuple[Any, str | int] | None


def check_document(document: Any) -> Iterator[Finding]:
    """Findings with pointers relative to the document (or payload) given."""
    patterns = _patterns()
    for path, key, value, is_key in _walk(document):
        finding = _judge(patterns, path, key, value, is_key)
        if finding is not None:
            yield finding


def _walk(document: Any) -> Iterator[tuple[_Path, str | None, Any, bool]]:
    """(path, key the value sits under, value, is the value that key itself) for every
    scalar and every mapping key. Iterative, and each container once: a payload built in code
    may be deeper than the stack or share (even contain) itself."""
    seen: set[int] = set()
    stack: list[tuple[_Path, str | None, Any]] = [(None, None, document)]
    while stack:
        path, key, value = stack.pop()
        if isinstance(value, dict | list):
            if id(value) in seen:
                continue
            seen.add(id(value))
            if isinstance(value, dict):
                children = [(str(k), v) for k, v in value.items()]
                for name, child in reversed(children):
                    child_path = (path, name)
                    yield child_path, name, name, True
                    stack.append((child_path, name, child))
            else:
                for index in reversed(range(len(value))):
                    stack.append(((path, index), key, value[index]))
        else:
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
            data = _redaction(secret)
            token = _access_token(patterns, secret)
            if token is not None and data:  # other checks may quote the token alone
                data["redact"].update(_redaction(token[1]).get("redact", {}))
            return Finding(
                "AQL701",
                _pointer(path),
                f"{_label(key)} holds a credential ({mask(secret)}); {_ADVICE}",
                data=data,
            )
    if not isinstance(value, str):
        return None
    found = _suspicious_text(value)
    if found is None:
        return None
    code, kind, secret = found
    where = "a key" if is_key else _label(key)
    if code == "AQL702":
        message = f"{where} holds {kind} ({mask(secret)}); {_ADVICE}"
    else:
        message = (
            f"{where} holds a random-looking string ({mask(secret)}) like a client secret or "
            f"API key, which no query field takes; {_ADVICE}"
        )
    return Finding(code, _pointer(path), message, at_key=is_key, data=_redaction(secret))


def _suspicious_text(text: str) -> tuple[str, str, str] | None:
    """(code, what it is, the secret) for a text holding a token or a random-looking word."""
    if len(text) < _shortest_suspect(_patterns()):
        return None
    if len(text) > _MAX_CACHED:
        return _judge_text(text)
    return _judge_text_cached(text)


# Cached: the same metric names, ids and intervals recur in every file of a run. Long texts
# are not kept: 4,096 one-megabyte descriptions would hold 4 GB.
_MAX_CACHED = 256


@functools.lru_cache(maxsize=4096)
def _judge_text_cached(text: str) -> tuple[str, str, str] | None:
    return _judge_text(text)


def _judge_text(text: str) -> tuple[str, str, str] | None:
    patterns = _patterns()
    token = _access_token(patterns, text)
    if token is not None:
        return "AQL702", token[0], token[1]
    for word in _words(patterns, text):
        if _looks_random(patterns, word):
            return "AQL703", "", word
    return None


def _shortest_suspect(patterns: _Patterns) -> int:
    # Nothing shorter than the shortest token or random word the patterns accept can match
    # (a JSON Web Token is at least two 8-character parts and two dots).
    return min(patterns.min_length, patterns.min_bearer_token, 18)


def mask(secret: str) -> str:
    """`0HmE…(43 chars)`: the first characters only when they are a small part of the text."""
    shown = secret[:4] if len(secret) >= 16 else ""
    return f"{shown}…({len(secret):,} chars)"


def _redaction(secret: str) -> dict[str, Any]:
    return {"redact": {secret: mask(secret)}} if len(secret) >= _MIN_REDACT else {}


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
    if any(p.fullmatch(text) for p in patterns.placeholders):
        return None
    return text


def _access_token(patterns: _Patterns, text: str) -> tuple[str, str] | None:
    """(what it is, the token) for the first access token in a text."""
    previous: list[str] = ["", ""]  # the two words before, lower-cased
    for word in _words(patterns, text):
        if _is_jwt(patterns, word):
            return "a JSON Web Token", word
        before, last = previous
        if before in patterns.headers and last in patterns.schemes and len(word) >= 8:
            return "an Authorization header value", word
        if last in patterns.headers and _token_like(patterns, word):
            return "an Authorization header value", word
        if last == "bearer" and _token_like(patterns, word):
            return "a bearer token", word
        previous = [last, word.lower()]
    return None


def _words(patterns: _Patterns, text: str) -> Iterable[str]:
    return (match.group() for match in patterns.word.finditer(text))


def _is_jwt(patterns: _Patterns, word: str) -> bool:
    parts = word.split(".")
    return (
        len(parts) == 3
        and all(part.startswith(patterns.jwt_prefix) and len(part) >= 8 for part in parts[:2])
        and all(c.isalnum() or c in "-_=" for c in word.replace(".", ""))
    )


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
