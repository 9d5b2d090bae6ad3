"""The workflow every measure of the plan shares. It imports no measure.

- `states`: the case states, the one map of allowed transitions, and the named groups of states;
- `rules`: what a kind of case contributes to the workflow (`KindRules`), installed once from `subsidies.kinds`;
- `checks`: the cross-check type every measure returns;
- `workflow`: drafts, submit, claim/release, return, approve, reject, under `transition()`;
- `claims`: the shared claim sequence (check, calculate, submit; resubmit a returned claim);
- `publication`: 公示, the public lists, their objections and finalisation;
- `evidence`: uploaded files kept for a case;
- `queue`: which cases a back-office user sees.
"""
