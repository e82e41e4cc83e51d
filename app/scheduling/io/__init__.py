"""Reading and writing `entremise-instance/1` and `entremise-result/1` files.

Parsing validates everything the JSON Schemas and SCHEDULING_FORMAT.md say an
instance must satisfy (keys, types, minimums, unique ids, every reference, the
`after` relation being acyclic, workshop size bounds that can be met…). The
first problem found raises `InstanceError` (or `ResultError` for a result file)
whose message is one line naming the file, the JSON path and the problem:

    forum.json: meetings[12].participants[1]: unknown participant 'p99'

Contradictions that only make an instance *infeasible* (a required meeting
whose participants share no free slot, a member unavailable during their
workshop…) are not file errors: the engine reports them as an INFEASIBLE
result (see `explain.diagnose_infeasible`). Result files are only checked for
their shape here; whether the schedule obeys the rules is `validate.py`'s job.

Layout of the package: reader.py (the error classes and the typed reader
shared by both formats), instance.py (reading instances), result.py (reading
results), write.py (writing both).
"""

from app.scheduling.io.instance import load_instance, parse_instance
from app.scheduling.io.reader import InstanceError, ResultError
from app.scheduling.io.result import load_result, parse_result
from app.scheduling.io.write import dump_instance, dump_result, instance_to_dict, result_to_dict

__all__ = [
    "InstanceError",
    "ResultError",
    "dump_instance",
    "dump_result",
    "instance_to_dict",
    "load_instance",
    "load_result",
    "parse_instance",
    "parse_result",
    "result_to_dict",
]
