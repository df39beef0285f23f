"""Static security analysis: Bandit finds nothing of medium or high severity in the application.

A finding that is truly a false positive is silenced at its line with `# nosec BXXX: reason`,
so the reason sits next to the code; anything else is fixed.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bandit(*args: str) -> dict:
    run = subprocess.run([sys.executable, "-m", "bandit", "-q", "-f", "json", *args],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode in (0, 1), run.stderr  # 1: findings; anything else: bandit itself failed
    return json.loads(run.stdout)


def test_bandit_finds_no_medium_or_high_issue():
    report = bandit("-r", "awards", "-ll")
    assert report["errors"] == []
    assert report["metrics"]["_totals"]["loc"] > 1000  # it really read the package
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} ({r['issue_severity']}): {r['issue_text']}"
                for r in report["results"]]
    assert findings == []


def test_every_nosec_names_the_check_and_gives_a_reason():
    bare = []
    for path in sorted((ROOT / "awards").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "nosec" in line and not re.search(r"#\s*nosec\s+B\d{3}(,\s*B\d{3})*\s*:\s*\S", line):
                bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert bare == []


def test_bandit_would_report_an_issue(tmp_path):
    """The check can fail: the same run over a module with a shell injection finds it."""
    (tmp_path / "bad.py").write_text("import subprocess\n\ndef run(name):\n"
                                     "    subprocess.call('ls ' + name, shell=True)\n")
    report = bandit("-r", str(tmp_path), "-ll")
    assert [r["test_id"] for r in report["results"]] == ["B602"]
