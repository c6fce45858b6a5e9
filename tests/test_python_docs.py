"""docs/python.md shows real runs: its before and after scripts are examples/python/, and the
output it prints is what aggqlint prints for them today."""

from __future__ import annotations

from conftest import REPO, run_aggqlint

DOC = (REPO / "docs" / "python.md").read_text(encoding="utf-8")
EXAMPLES = REPO / "examples" / "python"


def test_the_scripts_shown_are_the_examples() -> None:
    for name in ("durations.py", "durations_fixed.py"):
        assert f"```python\n{(EXAMPLES / name).read_text(encoding='utf-8')}```" in DOC


def test_the_output_shown_is_todays() -> None:
    before = run_aggqlint("check", "durations.py", cwd=EXAMPLES)
    assert before.returncode == 1
    assert f"$ aggqlint check durations.py\n{before.stdout}```" in DOC
    after = run_aggqlint("check", "durations_fixed.py", cwd=EXAMPLES)
    assert after.returncode == 0
    assert f"$ aggqlint check durations_fixed.py\n{after.stdout}```" in DOC
