"""A helper that has nothing to do with analytics: not read at all."""

import requests


def users(base: str, token: str) -> dict:
    body = {"pageSize": 25, "groupBys": "nonsense"}
    return requests.post(f"{base}/api/v2/users/search", json=body, timeout=10).json()
