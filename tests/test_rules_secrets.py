"""The secrets family (AQL7xx): credentials in report definitions, never echoed back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import only

from aggqlint.api.endpoints import all_endpoints
from aggqlint.checks import secrets
from aggqlint.checks.engine import lint_payload, lint_text
from aggqlint.checks.secrets import check_document, mask
from aggqlint.diagnostics import Diagnostic

SRC = Path(__file__).resolve().parents[1] / "src"

# Made up for these tests; shaped like the real things.
CLIENT_SECRET = "0HmEYl3yVxFY8JmUFTQ7Z4sNdVBgw9pRu1Ip2TnpAjc"  # 43 chars, base64url
API_KEY = "Zk8yQ2vN5xR7tL1mP4wB9cF3hJ6dS0gK"  # 32 chars
JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiI1YjBlM2MyYSIsIm9yZyI6ImFjbWUiLCJleHAiOjE3OTk5OTk5OTl9."
    "c2lnbmF0dXJlLW5vdC1yZWFsLWJ1dC1sb25nLWVub3VnaA"
)
SECRETS = (CLIENT_SECRET, API_KEY, JWT)

HEAD = "report: daily\nendpoint: conversations/aggregates\n"
QUERY = "query:\n  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n  metrics: [nOffered]\n"


def secrets_of(diagnostics: list[Diagnostic]) -> list[tuple[str, int | None, int | None]]:
    return [
        (d.code, d.location.line, d.location.column)
        for d in diagnostics
        if d.code.startswith("AQL7")
    ]


@pytest.mark.parametrize(
    "key",
    [
        "client_secret",
        "clientSecret",
        "GENESYSCLOUD_OAUTHCLIENT_SECRET",
        "password",
        "token",
        "access_token",
        "refreshToken",
        "api-key",
        "Authorization",
    ],
)
def test_credential_named_envelope_key(key: str) -> None:
    diagnostics = lint_text(HEAD + f"{key}: {CLIENT_SECRET}\n" + QUERY, "r.yaml")
    assert secrets_of(diagnostics) == [("AQL701", 3, len(key) + 3)]
    finding = only(diagnostics, "AQL701")
    assert finding.message.startswith(f"'{key}' holds a credential (0HmE…(43 chars)); remove it")
    assert "GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET" in finding.message
    assert str(finding.severity) == "error"


def test_credential_inside_the_query_and_nested() -> None:
    text = (
        HEAD
        + QUERY
        + "  auth:\n"
        + "    credentials: {client_id: 5b0e3c2a-3c1e-4f7e-9a2b-0c4d5e6f7a8b, password: 123456}\n"
    )
    diagnostics = lint_text(text, "r.yaml")
    # The client id is no secret; the numeric password is, and is masked entirely.
    assert secrets_of(diagnostics) == [("AQL701", 7, 78)]
    assert "'password' holds a credential (…(6 chars))" in only(diagnostics, "AQL701").message
    assert "123456" not in only(diagnostics, "AQL701").message


def test_bearer_token_in_a_pasted_curl_command() -> None:
    text = HEAD + f"description: \"curl -H 'Authorization: Bearer {API_KEY}' ...\"\n" + QUERY
    diagnostics = lint_text(text, "r.yaml")
    assert secrets_of(diagnostics) == [("AQL702", 3, 14)]
    message = only(diagnostics, "AQL702").message
    assert message.startswith("'description' holds an Authorization header value (Zk8y…(32 chars))")


def test_bearer_token_without_header_and_a_jwt() -> None:
    text = (
        HEAD
        + QUERY
        + "  filter:\n"
        + "    type: and\n"
        + "    predicates:\n"
        + f"      - {{dimension: queueId, value: 'bearer {API_KEY}'}}\n"
        + f"      - {{dimension: userId, value: {JWT}}}\n"
    )
    diagnostics = lint_text(text, "r.yaml")
    assert [c for c, *_ in secrets_of(diagnostics)] == ["AQL702", "AQL702"]
    messages = [d.message for d in diagnostics if d.code == "AQL702"]
    assert messages[0].startswith("'value' holds a bearer token (Zk8y…(32 chars))")
    assert messages[1].startswith(f"'value' holds a JSON Web Token (eyJh…({len(JWT)} chars))")


def test_random_string_in_an_unknown_field() -> None:
    diagnostics = lint_text(HEAD + QUERY + f"  apiClient: {CLIENT_SECRET}\n", "r.yaml")
    assert secrets_of(diagnostics) == [("AQL703", 6, 14)]
    assert "random-looking string (0HmE…(43 chars))" in only(diagnostics, "AQL703").message


def test_document_without_endpoint_or_query_is_still_scanned() -> None:
    # The body is never checked here (no endpoint, no query), but the leak is still found.
    diagnostics = lint_text(f"clientSecret: {CLIENT_SECRET}\n", "creds.yaml")
    assert secrets_of(diagnostics) == [("AQL701", 1, 15)]
    diagnostics = lint_text(f"- Authorization: Bearer {API_KEY}\n", "headers.yaml")
    assert secrets_of(diagnostics) == [("AQL701", 1, 18)]


def test_payload_api_scans_the_body() -> None:
    body = {
        "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",
        "metrics": ["nOffered"],
        "access_token": JWT,
    }
    diagnostics = lint_payload(body, "conversations/aggregates")
    found = only(diagnostics, "AQL701")
    assert found.location.pointer == "/access_token"
    assert JWT not in found.message


@pytest.mark.parametrize(
    "value",
    [
        "${GENESYSCLOUD_OAUTHCLIENT_SECRET}",
        "$GENESYSCLOUD_OAUTHCLIENT_SECRET",
        "'<your client secret>'",
        "'********'",
        "''",
        "null",
        "false",
    ],
)
def test_placeholders_are_not_secrets(value: str) -> None:
    assert secrets_of(lint_text(HEAD + f"client_secret: {value}\n" + QUERY, "r.yaml")) == []


NORMAL_QUERIES = [
    # UUIDs in filters, ISO 8601 intervals and durations, metric and dimension names.
    HEAD
    + QUERY
    + "  granularity: PT15M\n"
    + "  timeZone: America/Argentina/ComodRivadavia\n"
    + "  groupBy: [queueId, requestedRoutingSkillId, conversationInitiator]\n"
    + "  filter:\n"
    + "    type: or\n"
    + "    predicates:\n"
    + "      - {dimension: queueId, value: 3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f}\n"
    + "      - {dimension: userId, value: 3B0C7E364C3E4A8B9A8E5F7D2C1B0A9F}\n"
    + "      - {dimension: ani, value: 'tel:+4420794600001234567890123456789'}\n"
    + "      - {dimension: externalContactId, value: U4af4980629f4b2ac4c6c0a2b1e53f7d8}\n"
    + "      - {dimension: authenticated, value: 'true'}\n",
    "report: Queue_Sales_EMEA_2024_Tier1Priority-escalations\n"
    "description: SalesTeam2024Q3EMEAEscalationsPriority1, see\n"
    "  https://example.com/build/src/PureCloudPlatform.Client.V2/Model/Limit.cs\n"
    "endpoint: /api/v2/analytics/conversations/aggregates/query\n"
    "windows:\n"
    "  - 2026-11-01T08:00:00.000+01:00/2026-11-01T12:00:00.000+01:00\n"
    "chunk: P1D\n"
    "query:\n"
    "  interval: 2026-11-01T00:00:00Z/P1D\n"
    "  metrics: [tAverageHandleTimeWithTransferABC123XYZ, oServiceLevel, tHandle]\n",
]


@pytest.mark.parametrize("text", NORMAL_QUERIES, ids=["filters", "envelope"])
def test_normal_definitions_do_not_fire(text: str) -> None:
    assert secrets_of(lint_text(text, "r.yaml")) == []


def test_the_shipped_examples_do_not_fire() -> None:
    root = Path(__file__).resolve().parents[1]
    checked = 0
    for path in sorted((root / "examples").rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json"):
            checked += 1
            diagnostics = lint_text(path.read_bytes(), path.name)
            assert secrets_of(diagnostics) == [], path
    assert checked > 0


def test_mask_shows_little_of_short_secrets() -> None:
    assert mask(CLIENT_SECRET) == "0HmE…(43 chars)"
    assert mask("hunter2") == "…(7 chars)"
    assert mask("x" * 1_000_000) == "xxxx…(1,000,000 chars)"


def test_secret_quoted_by_another_rule_is_masked_there_too() -> None:
    # The unknown-metric rule quotes the name it does not know: here a secret.
    text = HEAD + "query:\n  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
    text += f"  metrics: [nOffered, {CLIENT_SECRET}]\n"
    diagnostics = lint_text(text, "r.yaml")
    assert {d.code for d in diagnostics} >= {"AQL201", "AQL703"}
    for diagnostic in diagnostics:
        assert CLIENT_SECRET not in diagnostic.message
        assert CLIENT_SECRET not in (diagnostic.suggestion or "")
        assert "redact" not in diagnostic.data
    assert "0HmE…(43 chars)" in only(diagnostics, "AQL201").message


def test_walks_shared_deep_and_cyclic_payloads() -> None:
    shared = {"token": CLIENT_SECRET}
    deep: dict[str, object] = {"password": API_KEY}
    for _ in range(50_000):  # deeper than Python's recursion limit
        deep = {"a": deep}
    cyclic: list[object] = []
    cyclic.append(cyclic)
    findings = list(check_document({"x": shared, "y": shared, "deep": deep, "c": cyclic}))
    assert sorted(f.code for f in findings) == ["AQL701", "AQL701"]


def test_secret_never_reaches_the_cli_output(tmp_path: Path) -> None:
    (tmp_path / "leaky.yaml").write_text(
        HEAD
        + f"client_secret: {CLIENT_SECRET}\n"
        + f"description: 'Authorization: Bearer {JWT}'\n"
        + QUERY
        + f"  metrics: [{API_KEY}]\n"
        + f"  {API_KEY}: 1\n",
        encoding="utf-8",
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.pop("GITHUB_ACTIONS", None)
    outputs = []
    for output_format in ("text", "json"):
        result = subprocess.run(
            [sys.executable, "-m", "aggqlint", "check", "--format", output_format, "leaky.yaml"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1, result.stderr
        outputs.append(result.stdout + result.stderr)
    text_output, json_output = outputs
    for secret in SECRETS:
        assert secret not in text_output
        assert secret not in json_output
    codes = [d["code"] for d in json.loads(json_output)["diagnostics"]]
    assert {"AQL701", "AQL702", "AQL703"} <= set(codes)
    assert "0HmE…(43 chars)" in text_output


def test_long_texts_do_not_fill_the_cache() -> None:
    # Judgements are cached for the short texts that recur (names, ids); caching every
    # one-megabyte description of a large run would hold gigabytes.
    # (The key is too short to judge: keys are judged and cached like values.)
    secrets._judge_text_cached.cache_clear()
    for i in range(50):
        assert list(check_document({"text": f"{i} " + "words " * 50_000})) == []
    assert secrets._judge_text_cached.cache_info().currsize == 0
    assert list(check_document({"text": "a short description, cached"})) == []
    assert secrets._judge_text_cached.cache_info().currsize == 1


# High-confidence shapes: errors in any field, ids and free text included.


def findings_for(value: object, key: str = "value") -> list[tuple[str, str]]:
    """(code, message up to the advice) for one value under one key."""
    return [(f.code, f.message.split(";")[0]) for f in check_document({key: value})]


def test_a_jwt_needs_a_json_header_naming_its_algorithm() -> None:
    assert findings_for(JWT) == [
        ("AQL702", f"'value' holds a JSON Web Token (eyJh…({len(JWT)} chars))")
    ]
    # At the end of a sentence the dot is not part of the token.
    [finding] = check_document({"description": f"token was {JWT}."})
    assert finding.data == {"redact": {JWT: mask(JWT)}}
    # Shaped like one, but the first part is no JSON header: base64 tags, truncated pastes.
    header_without_alg = "eyJ0eXAiOiJKV1QifQ"  # {"typ":"JWT"}
    not_tokens = [
        "eyJhbGciOi.eyJzdWIiOi.sig",
        f"{header_without_alg}.{JWT.split('.')[1]}.c2ln",
        "eyJjdXN0b21lcklkIjoiMTIzNDUifQ.eyJzZWdtZW50IjoiZ29sZCJ9",  # two parts
    ]
    for text in not_tokens:
        assert findings_for(text) == [], text


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        ("AKIAQ3EGRIGM5XJ7TN2P", "an AWS access key ID"),
        ("ghp_7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA2eZbX", "a GitHub token"),
        ("github_pat_11ABCDEFG0" + "a1B2c3D4e5" * 7 + "_x", "a GitHub token"),
        ("xoxb-2049117331-5112233445566-Zq8Hd2Lm4NpR7tV1wY3bC6fG", "a Slack token"),
        ("glpat-Zq8Hd2Lm4NpR7tV1wY3b", "a GitLab token"),
        ("sk_live_51H8xZq8Hd2Lm4NpR7tV1wY3b", "a Stripe secret key"),
        ("AIzaSyD-7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA", "a Google API key"),
        ("npm_7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA2eZbX", "an npm token"),
    ],
)
def test_vendor_tokens_by_prefix_and_length(token: str, kind: str) -> None:
    # In a predicate value (free text) too: the shape leaves no doubt.
    assert findings_for(token) == [("AQL702", f"'value' holds {kind} ({mask(token)})")]
    assert findings_for(f"see https://x.example.com/?key={token}&a=1", "description") == [
        ("AQL702", f"'description' holds {kind} ({mask(token)})")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "AKIAQ3EGRIGM5XJ7TN2PX",  # one character too long for an AWS key ID
        "XAKIAQ3EGRIGM5XJ7TN2P",  # does not start the word
        "ghp_7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA2eZ",  # 35 characters after ghp_
        "my-ghp_7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA2eZbX",
        "xoxb-123",
        "sk_test_51H8xZq8Hd2Lm4NpR7tV1wY3b",  # a test key, not live
    ],
)
def test_vendor_prefixes_alone_are_not_tokens(text: str) -> None:
    assert findings_for(text) == []


def test_authorization_counts_as_a_header_only_when_written_as_one() -> None:
    opaque = "pzE8-sJfr2QyD1bXo7Y0nWkLc3VhT5uGa9Mi"
    assert findings_for(f"Authorization: {opaque}", "description") == [
        ("AQL702", f"'description' holds an Authorization header value ({mask(opaque)})")
    ]
    assert findings_for(f'{{"Authorization": "Basic {opaque}"}}', "description") == [
        ("AQL702", f"'description' holds an Authorization header value ({mask(opaque)})")
    ]
    # Prose: the word, then an id; a scheme, then a word.
    assert findings_for("authorization codes 5003X00002abcDEQAY2049117331", "description") == []
    assert findings_for("Authorization: Basic authentication (see the CRM)", "description") == []
    basic = "c3ZjLXJlcG9ydHM6WGs5bVAydkxxN3dS"  # base64 of user:password
    assert findings_for(f"-H 'Authorization: Basic {basic}'", "description") == [
        ("AQL702", f"'description' holds an Authorization header value ({mask(basic)})")
    ]
    assert findings_for("the bearer of CASE-0004829317-ZX9Q", "description") == []


def test_a_private_key() -> None:
    key = (
        "-----BEGIN RSA PRIVATE KEY-----\n"
        "MIIEpAIBAAKCAQEA7Hq2LmX9vB3kR8tN\n"
        "-----END RSA PRIVATE KEY-----"
    )
    [finding] = check_document({"description": key})
    assert finding.code == "AQL702"
    assert finding.message.startswith(f"'description' holds a private key ({mask(key)})")


@pytest.mark.parametrize(
    ("text", "name", "secret"),
    [
        (
            "https://api.example.com/feed?team=emea&access_token=Tk7vYp2QwL9xRn4b",
            "access_token",
            "Tk7vYp2QwL9xRn4b",
        ),
        (
            "-d 'grant_type=client_credentials&client_secret=q3Vx-0mYbL9uTz2HkPfR'",
            "client_secret",
            "q3Vx-0mYbL9uTz2HkPfR",
        ),
        (
            "export GENESYSCLOUD_OAUTHCLIENT_SECRET=q3Vx-0mYbL9uTz2H.",
            "GENESYSCLOUD_OAUTHCLIENT_SECRET",
            "q3Vx-0mYbL9uTz2H",
        ),
    ],
)
def test_credential_after_its_name_in_a_text(text: str, name: str, secret: str) -> None:
    [finding] = check_document({"description": text})
    assert finding.code == "AQL701"
    assert finding.message.startswith(
        f"'description' holds a credential after '{name}=' ({mask(secret)})"
    )
    assert finding.data == {"redact": {secret: mask(secret)}}


@pytest.mark.parametrize(
    "text",
    [
        "https://reports.example.com/exports?pageToken=Q2hZ3kL0pN7vX1sR9tW4&format=csv",
        "https://api.example.com/list?nextToken=Q2hZ3kL0pN7vX1sR9tW4",
        "tokens are rotated by the platform team (token=none here)",
        "password=hunter2",  # shorter than any secret worth the alarm
        # Plain words after the name are prose (exit reasons a flow logs), not credentials.
        "the flow logs its exit reasons as token=expired and password=incorrect",
        "keys are renewed on token=rotation, see the runbook",
        # Plain words joined by '-' or '_' in a link's query string are parameters, not secrets.
        "Jira filter https://jira.example.com/issues/?jql=project%3DCC&auth=sso-redirect",
        "vault policy: secret=rotated-quarterly, owner: platform",
        "Set password=Required in the form",
        "export GENESYSCLOUD_OAUTHCLIENT_SECRET=${GENESYSCLOUD_OAUTHCLIENT_SECRET}",
        "client_secret=<your client secret>",
        "client_secret=CHANGE_ME && password=REDACTED",
        "Root=1-6744c3a7-0a1b2c3d4e5f6a7b8c9d0e1f;Parent=53995c3f42cd8ad8;Sampled=1",
    ],
)
def test_names_and_settings_in_a_text_are_not_credentials(text: str) -> None:
    assert findings_for(text, "description") == []


def test_password_in_a_url() -> None:
    [finding] = check_document(
        {"description": "to https://svc-reports:Xk9mP2vLq7wR@sftp.example.com/up"}
    )
    assert finding.code == "AQL701"
    assert finding.message.startswith("'description' holds a password in a URL (…(12 chars))")
    assert finding.data == {"redact": {"Xk9mP2vLq7wR": "…(12 chars)"}}
    for text in (
        "https://svc-reports@mirror.example.com/x",  # a user, no password
        "https://svc-reports:${SFTP_PASSWORD}@sftp.example.com/up",
        "https://svc-reports:@sftp.example.com/up",
        "https://reports.example.com/a:b@c",  # past the host: a path
        "5e8a7e2f1a2b3c4d5e6f7a8b@conference.mypurecloud.com",
    ):
        assert findings_for(text, "description") == [], text


@pytest.mark.parametrize(
    "value",
    ["changeme", "YOUR_CLIENT_SECRET", "your-client-secret", "[REDACTED]", "%CLIENT_SECRET%"],
)
def test_more_placeholders_are_not_secrets(value: str) -> None:
    assert findings_for(value, "client_secret") == []


def test_every_secret_in_a_text_is_masked_not_only_the_first() -> None:
    aws_id, aws_secret = "AKIAQ3EGRIGM5XJ7TN2P", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Hd2Lm4N"
    text = f"AWS_ACCESS_KEY_ID={aws_id} AWS_SECRET_ACCESS_KEY={aws_secret} and {JWT}"
    [finding] = check_document({"description": text})
    assert finding.code == "AQL702"  # named after the first: the JSON Web Token
    assert set(finding.data["redact"]) == {JWT, aws_id, aws_secret}


# Random-looking strings: a warning, and never on fields that hold ids or free text.


def test_random_looking_strings_are_warnings() -> None:
    diagnostics = lint_text(HEAD + QUERY + f"  apiClient: {CLIENT_SECRET}\n", "r.yaml")
    assert str(only(diagnostics, "AQL703").severity) == "warning"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("value", CLIENT_SECRET),  # a predicate value: externalTag, correlationId, roomId, ...
        ("property", "sfdc7Hq2LmX9vB3kR8tN1pW6yC4fJ0sD5gA2eZ"),
        ("name", "U2FsZXNmb3JjZUNhc2UtMDAwNDgyOTMxNy1aWDlR"),  # an aggregation's name
        ("description", f"tag {CLIENT_SECRET}"),
        ("report", f"crm-{API_KEY}"),
    ],
)
def test_ids_and_free_text_never_look_random(key: str, value: str) -> None:
    assert findings_for(value, key) == []
    assert findings_for(value, "apiClient")[0][0] == "AQL703"  # elsewhere, a warning


def test_id_and_free_text_fields_come_from_the_request_models() -> None:
    fields = secrets._id_or_text_fields()
    # String fields without an enum in schemas/models, and the envelope's free text.
    assert {"value", "property", "name", "interval", "timeZone"} <= fields
    assert {"report", "description"} <= fields
    # Enumerations are names, not ids: a random string in them is worth a warning.
    assert not {"metrics", "groupBy", "type", "operator", "propertyType", "order"} & fields


def test_no_request_model_field_is_named_like_a_credential() -> None:
    # AQL701 looks at names alone; a real field named like a credential would always fire.
    fields: set[str] = set()
    stack: list[object] = [endpoint.schema() for endpoint in all_endpoints().values()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            fields.update(node.get("properties", {}))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    assert len(fields) > 40
    patterns = secrets._patterns()
    assert [f for f in fields if secrets._is_credential_name(patterns, f)] == []


def test_a_clean_document_never_loads_the_models() -> None:
    # The id/free-text fields are read only when a random-looking string turns up.
    secrets._id_or_text_fields.cache_clear()
    for text in NORMAL_QUERIES:
        assert secrets_of(lint_text(text, "r.yaml")) == []
    assert list(check_document({"description": "a URL https://x.example.com/?a=b"})) == []
    assert secrets._id_or_text_fields.cache_info().currsize == 0


@pytest.mark.parametrize(
    "text",
    [
        "://" * 300_000,
        "a://b:c" * 150_000,
        "AKIA" * 250_000,
        "ghp_" + "a" * 1_000_000,
        "Authorization: " * 70_000,
        "password=aaaaaaaa&" * 50_000,
        "x" * 1_000_000 + "=secretvalue",
    ],
    ids=["schemes", "userinfo", "aws", "github", "headers", "pairs", "long-name"],
)
def test_hostile_megabyte_texts_take_linear_time(text: str) -> None:
    # Quadratic work on a megabyte would take minutes; linear takes about a second here.
    started = time.perf_counter()
    list(check_document({"description": text}))
    assert time.perf_counter() - started < 20


@pytest.mark.parametrize(
    ("key", "value"),
    [("auth", "oauth2"), ("authorization", "Bearer"), ("credentials", "client_credentials")],
)
def test_an_auth_mode_is_not_a_secret(key: str, value: str) -> None:
    assert findings_for(value, key) == []
    secret = f"{value}x7"
    assert findings_for(secret, key) == [("AQL701", f"'{key}' holds a credential ({mask(secret)})")]
