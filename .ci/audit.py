"""Run pip-audit over the installed (pinned) dependencies; fail CI on a known vulnerability.

When the vulnerability service cannot be reached (CI offline, or a package index mirror without PyPI's JSON
API), say so plainly and do not fail: nothing was checked, which is not the same as nothing found.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

VENV_BIN = Path(__file__).resolve().parent.parent / ".venv" / "bin"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        result = subprocess.run(
            [str(VENV_BIN / "pip-audit"), "--skip-editable", "--progress-spinner", "off", "--format", "json",
             "--output", str(report)],
            capture_output=True, text=True, check=False,
        )
        if not report.exists():
            reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"warning: pip-audit could not reach a vulnerability service ({reason}); dependencies NOT checked")
            return 0
        data = json.loads(report.read_text())
    dependencies = data.get("dependencies", [])
    unchecked = [d for d in dependencies if d.get("skip_reason") and "editable" not in d["skip_reason"]]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    checked = len(dependencies) - len(unchecked)
    if vulnerable:
        return 1
    if unchecked and checked <= 1:
        print(f"warning: the vulnerability service answered for none of {len(unchecked)} dependencies (offline or "
              "a mirror without PyPI's JSON API); dependencies NOT checked")
        return 0
    for dep in unchecked:
        print(f"warning: {dep['name']} {dep.get('version', '')} not checked: {dep['skip_reason']}")
    print(f"pip-audit: {checked} dependencies checked, no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
