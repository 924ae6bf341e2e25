"""The README's `callersim test` section is true: its suite is the shipped one, and runs verbatim against
the example bot, as the CI example runs it, shard by shard."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
SECTION = README[README.index("## Test your bot: `callersim test`") : README.index("## The REPL")]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", SECTION, re.S)


def test_the_readme_suite_is_the_shipped_example() -> None:
    assert blocks("toml")[0] == (ROOT / "examples" / "pizza-suite.toml").read_text()


def test_the_ci_example_runs_each_shard_of_the_example_suite(tmp_path: Path) -> None:
    workflow = blocks("yaml")[0]
    command = re.search(r"run: >-\n\s+(callersim test .*?)\n\s+- uses", workflow, re.S)
    assert command is not None
    checkout = tmp_path / "checkout"  # what actions/checkout gives the job: the repository's files
    shutil.copytree(ROOT / "examples", checkout / "examples")
    cases = []
    for shard in (1, 2, 3):
        args = " ".join(command.group(1).split()).replace("${{ matrix.shard }}", str(shard)).split()
        done = subprocess.run(
            [sys.executable, "-m", "callersim_cli", *args[1:]],
            cwd=checkout,  # verbatim, from the checkout's root, as the workflow runs it
            env={**os.environ, "CALLERSIM_HOME": str(tmp_path / "home")},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        cases += [c.get("name") for c in ET.parse(checkout / f"junit-{shard}.xml").getroot().iter("testcase")]
        assert len((checkout / f"results-{shard}" / "results.jsonl").read_text().splitlines()) == 1
    assert sorted(cases) == ["delivery-card", "pickup-cash", "wants-a-person"]


def test_the_readme_names_every_kind_of_failure_and_every_expectation() -> None:
    from callersim_cli.suite.expect import EXPECTATIONS
    from callersim_cli.suite.outcome import KINDS, Status

    assert set(EXPECTATIONS) <= {kind for kind, (status, _) in KINDS.items() if status is Status.FAIL}
    for key in EXPECTATIONS:
        assert f"| `{key}` |" in SECTION
    for kind in KINDS:
        assert f"`{kind}`" in SECTION
