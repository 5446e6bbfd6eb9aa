"""`make chaos`: faults injected into a running stack on loopback, then a check that nothing was lost
(docs/reliability.md)."""
