"""Knowledge base and self-service: articles with versions and a review workflow, French-aware
search, the public help centre, the desktop's knowledge panel, deflection (docs/knowledge.md)."""
