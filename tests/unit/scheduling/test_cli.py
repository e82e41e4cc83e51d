"""`python -m app.scheduling` through a subprocess: exit codes, stderr line, stdout JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from .builders import base_data, meetings

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.scheduling", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_cli_solve_writes_result_json_to_stdout(tmp_path: Path) -> None:
    inst = write(tmp_path / "tiny.json", base_data())
    proc = run("solve", inst, "--time-limit", "5", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["format"] == "entremise-result/1"
    assert out["status"] == "OPTIMAL"
    assert sorted(m["id"] for m in out["meetings"]) == ["m1", "m2"]
    assert out["objective"] == {"shortfall": 0, "weight": 2, "breaks": 0}


def test_cli_solve_then_check_passes(tmp_path: Path) -> None:
    inst = write(tmp_path / "tiny.json", base_data())
    res = tmp_path / "out.json"
    assert run("solve", inst, "--time-limit", "5", "-o", res).returncode == 0
    proc = run("check", inst, res)
    assert proc.returncode == 0
    assert proc.stdout == ("objective: shortfall=0 weight=2 breaks=0\n"
                           "status: OPTIMAL; 0 violations\n")


def test_cli_solve_infeasible_instance_exits_zero_with_reason(tmp_path: Path) -> None:
    data = base_data(meetings=meetings(*({"participants": ["b1", c], "required": True}
                                         for c in ("b2", "c1", "c2"))))
    data["participants"][0]["unavailable"] = ["s1", "s2"]
    proc = run("solve", write(tmp_path / "inf.json", data))
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert out["status"] == "INFEASIBLE"
    assert out["meetings"] == []
    assert out["reason"] == "b1 has 3 required meetings but only 2 usable slots"
    assert [u["reason"] for u in out["unscheduled"]] == [
        "no schedule meets the hard rules: b1 has 3 required meetings but only 2 usable slots"
    ] * 3


def test_cli_solve_unknown_participant_exits_two_with_one_line(tmp_path: Path) -> None:
    data = base_data()
    data["meetings"][1]["participants"] = ["b2", "p99"]
    path = write(tmp_path / "forum.json", data)
    proc = run("solve", path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"{path}: meetings[1].participants[1]: unknown participant 'p99'\n"


def test_cli_solve_bad_json_exits_two(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    proc = run("solve", path)
    assert proc.returncode == 2
    assert proc.stderr == (f"{path}: line 1 column 2: invalid JSON "
                           "(Expecting property name enclosed in double quotes)\n")


def test_cli_check_reports_violations_and_exits_one(tmp_path: Path) -> None:
    inst = write(tmp_path / "tiny.json", base_data())
    res = write(tmp_path / "r.json", {
        "format": "entremise-result/1", "status": "FEASIBLE",
        "meetings": [{"id": "m1", "slot": "s1", "location": "T1"},
                     {"id": "m2", "slot": "s1", "location": "T1"}],
        "unscheduled": [], "objective": {"shortfall": 0, "weight": 5, "breaks": 0}})
    proc = run("check", inst, res)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "violation location_conflict: location T1 holds 2 activities in slot s1: "
        "meeting m1, meeting m2",
        "objective: shortfall=0 weight=2 breaks=0",
        "warning: the result claims shortfall=0 weight=5 breaks=0",
        "status: FEASIBLE; 1 violation",
    ]


def test_cli_check_bad_result_file_exits_two(tmp_path: Path) -> None:
    inst = write(tmp_path / "tiny.json", base_data())
    res = write(tmp_path / "r.json", {"format": "entremise-result/1", "status": "DONE",
                                      "meetings": [], "unscheduled": [], "objective": {}})
    proc = run("check", inst, res)
    assert proc.returncode == 2
    assert proc.stderr == (f"{res}: status: unknown status 'DONE' "
                           "(expected one of OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN)\n")


def test_cli_solve_with_previous_reports_changed_meetings(tmp_path: Path) -> None:
    inst = write(tmp_path / "tiny.json", base_data())
    first = tmp_path / "first.json"
    assert run("solve", inst, "--time-limit", "5", "-o", first).returncode == 0
    data = base_data()
    data["participants"][0]["unavailable"] = [
        json.loads(first.read_text(encoding="utf-8"))["meetings"][0]["slot"]]
    changed = write(tmp_path / "changed.json", data)
    proc = run("solve", changed, "--time-limit", "5", "--previous", first)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["stats"]["changed_meetings"] == 1
    assert out["stats"]["changed_meeting_ids"] == "m1"


def test_cli_check_warns_when_result_is_for_another_instance(tmp_path: Path) -> None:
    inst = write(tmp_path / "tiny.json", base_data())
    res = write(tmp_path / "r.json", {
        "format": "entremise-result/1", "instance": "other", "status": "FEASIBLE",
        "meetings": [{"id": "m1", "slot": "s1", "location": "T1"},
                     {"id": "m2", "slot": "s1", "location": "T2"}],
        "unscheduled": [], "objective": {"shortfall": 0, "weight": 2, "breaks": 0}})
    proc = run("check", inst, res)
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == [
        "warning: the result is for instance 'other', not 'tiny'",
        "objective: shortfall=0 weight=2 breaks=0",
        "status: FEASIBLE; 0 violations",
    ]


def test_cli_solve_bad_previous_file_exits_two(tmp_path: Path) -> None:
    inst = write(tmp_path / "tiny.json", base_data())
    prev = write(tmp_path / "prev.json", {"format": "entremise-result/1", "status": "OPTIMAL",
                                          "meetings": [{"id": "m1", "slot": "s1"}],
                                          "unscheduled": [], "objective": {}})
    proc = run("solve", inst, "--previous", prev)
    assert proc.returncode == 2
    assert proc.stderr == f"{prev}: meetings[0].location: missing required key\n"


def test_cli_solve_unwritable_output_exits_two(tmp_path: Path) -> None:
    inst = write(tmp_path / "tiny.json", base_data())
    target = tmp_path / "missing-dir" / "out.json"
    proc = run("solve", inst, "--time-limit", "2", "-o", target)
    assert proc.returncode == 2
    assert proc.stderr == f"{target}: cannot write file (No such file or directory)\n"


def test_validate_module_does_not_load_ortools() -> None:
    code = "import sys, app.scheduling.validate; print('ortools' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.stdout == "False\n"
