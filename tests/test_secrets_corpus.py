"""The secrets family on whole report definitions: ids and free text never alarm, leaks do.

tests/corpus/secrets/ holds three folders of definitions written as people write them:
- clean/: CRM case ids in externalTag, Salesforce ids, custom properties, correlation, room,
  session and conversation ids, wrap-up codes, base64 tags, URLs without credentials, hex ids,
  flow versions. No AQL7xx at all, and no error of any rule (they are valid queries).
- warns/: random-looking strings where no id or free text belongs: AQL703 warnings only.
- leaks/: real leak shapes (a JWT, a Genesys client secret under credentials:, a pasted curl
  with "Authorization: Bearer", AWS, GitHub and Slack tokens, a basic-auth URL, a token in a
  URL's query string): errors.
Beside each warns/leaks file, NAME.expected lists its AQL7xx diagnostics, one a line:
`LINE:COL CODE severity message-up-to-the-advice`. Adding a case is adding files.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_aggqlint

from aggqlint.checks import secrets
from aggqlint.checks.engine import LintOptions, lint_text
from aggqlint.checks.metadata import all_rules
from aggqlint.diagnostics import Diagnostic

CORPUS = Path(__file__).resolve().parent / "corpus" / "secrets"
NOW = LintOptions(now=datetime(2026, 11, 23, tzinfo=UTC))


def _files(folder: str) -> list[Path]:
    return sorted(p for p in (CORPUS / folder).iterdir() if p.suffix in (".yaml", ".json"))


def _lint(path: Path) -> list[Diagnostic]:
    return lint_text(path.read_bytes(), path.name, NOW)


def _secret_lines(diagnostics: list[Diagnostic]) -> list[str]:
    return [
        f"{d.location.line}:{d.location.column} {d.code} {d.severity} {d.message.split(';')[0]}"
        for d in diagnostics
        if d.code.startswith("AQL7")
    ]


def _expected(path: Path) -> list[str]:
    text = path.with_suffix(".expected").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("path", _files("clean"), ids=lambda p: p.name)
def test_ids_and_free_text_never_alarm(path: Path) -> None:
    diagnostics = _lint(path)
    assert _secret_lines(diagnostics) == []
    assert [d for d in diagnostics if str(d.severity) == "error"] == []


def test_the_clean_corpus_is_full_of_random_looking_values() -> None:
    # The clean files prove something only if their values would look like secrets anywhere
    # else: each of these, under an unknown key, is an AQL703 warning.
    random_looking = [
        "U2FsZXNmb3JjZUNhc2UtMDAwNDgyOTMxNy1aWDlR",  # base64 externalTag
        "zd-ticket-4829317-7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA",  # ticket key in externalTag
        "cmVxLTAwMDQ4MjkzMTctN0hxMkxtWDl2QjNrUjh0TjFwVzZ5QzRm",  # base64 correlationId
        "0HmEYl3yVxFY8JmUFTQ7Z4sNdVBgw9pRu1Ip2TnpAjc",  # secret-shaped correlationId
        "eyJjdXN0b21lcklkIjoiMTIzNDUiLCJzZWdtZW50IjoiZ29sZCJ9",  # base64 JSON property value
        "7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA2eZ",  # custom property value
        "7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA2eZbXn",  # externalTag in the JSON body
    ]
    corpus = "".join(p.read_text(encoding="utf-8") for p in _files("clean"))
    for value in random_looking:
        assert value in corpus
        [finding] = secrets.check_document({"apiClient": value})
        assert (finding.code, finding.pointer) == ("AQL703", "/apiClient")


@pytest.mark.parametrize("path", _files("warns"), ids=lambda p: p.name)
def test_random_looking_strings_elsewhere_only_warn(path: Path) -> None:
    found = _secret_lines(_lint(path))
    assert found == _expected(path)
    assert all(" AQL703 warning " in line for line in found)


@pytest.mark.parametrize("path", _files("leaks"), ids=lambda p: p.name)
def test_leaks_are_errors(path: Path) -> None:
    found = _secret_lines(_lint(path))
    assert found == _expected(path)
    assert found and all(" error " in line for line in found)


# Every raw secret in leaks/ and warns/; none may reach any output.
RAW_SECRETS = [
    "AKIAQ3EGRIGM5XJ7TN2P",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Hd2Lm4N",
    "Xk9mP2vLq7wR",
    "pzE8-sJfr2QyD1bXo7Y0nWkLc3VhT5uGa9MiR6eNtA4lKjHgFdSqPzXbCvBnM1lO0iU8yT7rE6wQ2aS3dF4gH5",
    "q3Vx-0mYbL9uTz2HkPfR7wNc5aJeDs1Gi8Ko4Xt6Bv0",
    "xoxb-2049117331-5112233445566-Zq8Hd2Lm4NpR7tV1wY3bC6fG",
    "ghp_7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA2eZbX",
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImM0ZjNhMmIxIn0.eyJzdWIiOiIzYjBj",
    "Tk7vYp2QwL9xRn4bZc8Md1Fh6Js3Ga0E",
    "0HmEYl3yVxFY8JmUFTQ7Z4sNdVBgw9pRu1Ip2TnpAjc",
    "7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA2eZbX",
]


def test_no_secret_reaches_the_cli_output() -> None:
    # Other rules quote some of these values (AQL201 the unknown metric, AQL308 the user id
    # that is no UUID); the engine masks them there too. A message names only the first
    # secret of a text (the AWS key ID, not the secret key after it): both are masked.
    corpus = "".join(
        p.read_text(encoding="utf-8") for folder in ("leaks", "warns") for p in _files(folder)
    )
    assert all(secret in corpus for secret in RAW_SECRETS)
    folders = [str(CORPUS / "leaks"), str(CORPUS / "warns")]
    text = run_aggqlint("check", "--now", "2026-11-23T00:00:00Z", *folders)
    as_json = run_aggqlint("check", "--now", "2026-11-23T00:00:00Z", "--format", "json", *folders)
    assert text.returncode == as_json.returncode == 1, text.stderr
    codes = {d["code"] for d in json.loads(as_json.stdout)["diagnostics"]}
    assert {"AQL701", "AQL702", "AQL703", "AQL201", "AQL308"} <= codes
    for secret in RAW_SECRETS:
        assert secret not in text.stdout + text.stderr
        assert secret not in as_json.stdout + as_json.stderr


def test_the_rule_docs_examples_say_what_they_show() -> None:
    # `aggqlint rules AQL70x` shows these: the bad one must fire, the good one must not.
    for meta in all_rules().values():
        if meta.code.startswith("AQL7"):
            bad = [d.code for d in lint_text(meta.bad, "bad.yaml", NOW)]
            good = [d.code for d in lint_text(meta.good, "good.yaml", NOW)]
            assert meta.code in bad, meta.code
            assert [c for c in good if c.startswith("AQL7")] == [], meta.code
