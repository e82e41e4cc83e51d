"""CP-SAT model of the scheduling contract and its lexicographic, staged solve.

The model decides *when* each meeting is held (one Boolean per feasible
(meeting, slot) pair) and which workshop candidates are placed; *where* is
decided afterwards by `tables.assign_tables`, one bipartite matching per slot.
Deciding tables afterwards is exact (see `meetings.add_location_capacity`) and
removes the symmetry between interchangeable tables from the search.

The objective is lexicographic (shortfall, then weight, then breaks, then, when
re-optimising, changes). Each level is one CP-SAT solve of the same model: the
level's optimum (or best value, when not proved) is added as a constraint and
the whole solution is passed as a complete hint to the next level.

Layout of the package (docs/MODEL.md, « The CP-SAT model », states the model
in mathematics and maps each rule to its module):

- container.py: `SchedulingModel`, the data, variables and expressions of one
  instance; `build()` adds every rule below;
- literals.py: literals and constants, and their connectives;
- meetings.py, workshops.py, caps.py, breaks.py: one module per family of
  rules, each rule a function `add_<rule>(sm)`;
- objective.py: the stages of the lexicographic objective, the weight and
  changes expressions, the probes from below;
- hints.py: complete hints and starting solutions;
- handoff.py: the SAT search beside the breaks stage (satbreaks.py);
- params.py: CP-SAT parameters shared by every solve;
- results.py: `evaluate`, `breaks_of`, `changed_meetings` and the `Result`;
- solving.py: `solve`, the solve loop.
"""

from app.scheduling.model.container import SchedulingModel
from app.scheduling.model.results import breaks_of, changed_meetings, evaluate
from app.scheduling.model.solving import solve

__all__ = ["SchedulingModel", "breaks_of", "changed_meetings", "evaluate", "solve"]
