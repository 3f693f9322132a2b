"""Supervision: what supervisors see live and what they do about it (docs/supervision.md).

- `live/`: the wallboard's figures: the board held in memory (`board`), folded per scope
  (`figures`) with its alerts (`alerts`), pushed by the hub (`hub`) over `/ws/supervision/`
  (`consumer`, `frames`);
- `actions/`: supervisors' actions (agent states, overflow overrides, queue priorities,
  broadcasts) and the wallboard's forms that post them;
- `coaching/`: instant messages to an agent and joining an agent's live chat, over
  `/ws/supervision/coaching/`.

The three stand apart (an import contract in pyproject.toml); what they share is here:
`models`, `errors`, `access` (who may supervise, the reason every action needs); the pages,
routes and API that put them together are here too (`views`, `urls`, `routing`, `api`).
"""
