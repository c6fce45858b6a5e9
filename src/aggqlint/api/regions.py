"""Where requests go: a Genesys Cloud region's API and login hosts (rules/regions.json), or
URLs given directly for proxies and tests."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

from msgspec import Struct

from aggqlint.data import load_json

REGION_ENV = "GENESYSCLOUD_REGION"
API_URL_ENV = "GENESYSCLOUD_API_URL"
LOGIN_URL_ENV = "GENESYSCLOUD_LOGIN_URL"
DEFAULT_REGION = "us-east-1"  # the SDKs' default, used only where nothing is sent (plan)


class Hosts(Struct, frozen=True):
    api_url: str  # https://api.mypurecloud.com, no trailing slash
    login_url: str  # https://login.mypurecloud.com
    region: str | None = None  # None when the URLs were given directly


class RegionError(ValueError):
    """A region or URL that cannot be used; the CLI reports it as a usage error (exit 2)."""


def region_hosts(name: str) -> Hosts:
    import difflib  # only for a did-you-mean: most runs never ask

    table = _table()
    # The SDK enum spells regions with underscores (us_east_1); accept that spelling too.
    key = name.strip().lower().replace("_", "-")
    if key in table:
        entry = table[key]
        return Hosts(entry["api_base_url"], entry["login_base_url"], key)
    close = difflib.get_close_matches(key, list(table), n=2, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise RegionError(f"unknown region '{name}'; {hint}known regions: {', '.join(table)}")


def login_url_for(api_url: str) -> str | None:
    """The SDKs' rule: the login host is the API host with its leading 'api.' made 'login.'."""
    parts = urlsplit(api_url)
    host = parts.hostname or ""
    if not host.startswith("api."):
        return None
    return f"{parts.scheme}://login.{parts.netloc.removeprefix('api.')}"


def resolve_hosts(
    region: str | None,
    api_url: str | None,
    login_url: str | None,
    environ: Mapping[str, str],
    default_region: str | None = None,
    need_login: bool = True,
) -> Hosts:
    """Options win over the environment; for each host an explicit URL wins over a region.
    Without need_login (a dry run) a missing login URL is left empty.

    Raises RegionError when no host can be decided or a URL is unusable.
    """
    from_option = region_hosts(region) if region else None
    env_region = environ.get(REGION_ENV) or None
    from_env = region_hosts(env_region) if env_region else None
    api = api_url or (from_option.api_url if from_option else None)
    api = api or environ.get(API_URL_ENV) or (from_env.api_url if from_env else None)
    login = login_url or (from_option.login_url if from_option else None)
    login = login or environ.get(LOGIN_URL_ENV) or (from_env.login_url if from_env else None)
    if api is None and default_region:
        fallback = region_hosts(default_region)
        api, login = fallback.api_url, login or fallback.login_url
    if api is None:
        raise RegionError(
            f"no region: give --region (or {REGION_ENV}), e.g. us-east-1 or eu-west-1, "
            f"or --api-url (or {API_URL_ENV})"
        )
    api = check_url(api, "API URL")
    login = login or login_url_for(api)
    if login is None and not need_login:
        login = ""
    elif login is None:
        raise RegionError(
            f"cannot derive the login URL from {api}; give --login-url (or {LOGIN_URL_ENV})"
        )
    named = from_option or from_env
    name = named.region if named and named.api_url == api else None
    return Hosts(api, check_url(login, "login URL") if login else "", name)


def check_url(url: str, what: str) -> str:
    """An https base URL; plain http only to this machine (a local proxy or test server), so
    credentials never cross a network unencrypted."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RegionError(
            f"{what} '{url}' is not an http(s) URL such as https://api.mypurecloud.com"
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise RegionError(f"{what} '{url}' must use https (plain http only to localhost)")
    if parts.query or parts.fragment:
        raise RegionError(f"{what} '{url}' must not have a query or fragment")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _table() -> dict[str, dict[str, str]]:
    regions: dict[str, dict[str, str]] = load_json("rules", "regions.json")["regions"]
    return regions
