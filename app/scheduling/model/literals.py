"""Literals of the model: a Boolean variable or a 0/1 constant, and their connectives.

Constants known before solving (a participant surely busy, or surely free, in
a slot) are folded instead of becoming variables.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

# A literal of the model, or a constant 0/1 known before solving.
Lit = cp_model.IntVar | int
LinearExpr = cp_model.LinearExprT


def negation(v: Lit) -> Lit:
    """Negation of a literal or a 0/1 constant."""
    if isinstance(v, int):
        return 1 - v
    return v.Not()  # type: ignore[return-value]  # a negated literal behaves as a Bool


def and3(model: cp_model.CpModel, a: Lit, b: Lit, c: Lit) -> Lit:
    """Literal equal to a and b and c (constants folded)."""
    if any(isinstance(v, int) and not v for v in (a, b, c)):
        return 0
    var = [v for v in (a, b, c) if not isinstance(v, int)]
    if not var:
        return 1
    if len(var) == 1:
        return var[0]
    r = model.new_bool_var("")
    for v in var:
        model.add_implication(r, v)
    model.add_bool_or([r, *(negation(v) for v in var)])
    return r


def disjunction(model: cp_model.CpModel, lits: Sequence[Lit]) -> Lit:
    """Literal equal to the disjunction of lits."""
    if any(isinstance(v, int) and v for v in lits):
        return 1
    var = [v for v in lits if not isinstance(v, int)]
    if not var:
        return 0
    if len(var) == 1:
        return var[0]
    o = model.new_bool_var("")
    model.add_bool_or(var).only_enforce_if(o)
    for v in var:
        model.add_implication(v, o)
    return o
