"""What check says over the corpus, in every format, is exactly what it said before the speed
work of issue 14 (tests/output-digests.json was recorded with that code). A change meant to
alter the output records new digests: `python tools/output_digests.py --write`."""

from __future__ import annotations

import json
import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import output_digests


def test_check_output_in_every_format_is_unchanged() -> None:
    recorded = json.loads(output_digests.DIGESTS.read_text(encoding="utf-8"))
    assert sorted(recorded) == sorted(output_digests.FORMATS)
    assert output_digests.digests(output_digests.outputs()) == recorded
