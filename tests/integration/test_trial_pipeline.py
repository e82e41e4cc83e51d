"""The "done when" pipeline at 30 companies (benchmarks/trial_300.py, real engine): import,
generate, review, edit, publish, cancel one meeting, re-optimise, publish again."""

from __future__ import annotations

from benchmarks.trial_300 import run_trial


def test_trial_pipeline_keeps_locks_and_bumps_sequence_only_on_changed_meetings(tmp_path):
    figures = run_trial(30, seed=1, time_limit=4, reopt_time_limit=3, workdir=tmp_path, locks=4)
    assert (figures["buyers"], figures["companies"], figures["slots"]) == (7, 30, 12)
    assert figures["requested"] == figures["requests"] == 90
    assert figures["scheduled"] + figures["unscheduled"] == figures["requested"]
    assert figures["grid_cells"] == figures["scheduled"]
    assert figures["edit_moved"] is True
    # Locked meetings did not move (and stayed locked) after the cancellation.
    assert figures["locked_kept"] is True, (figures["locked_after"], figures["cancelled_request"])
    assert figures["locked_moved"] == 0
    # The number of changed meetings is the diff; the engine counts the same, minus the
    # cancelled meeting (absent from its instance).
    assert figures["changed_meetings"] == figures["diff_changes"]
    assert figures["engine_changed_meetings"] == figures["changed_meetings"] - 1
    assert figures["changed_by_kind"]["removed"] >= 1
    # Publishing bumps SEQUENCE on the changed meetings still in the agenda, and only there.
    assert figures["sequence_bumped_equals_changed"] is True
    assert figures["sequence_bumped"] == figures["changed_meetings"] - 1
