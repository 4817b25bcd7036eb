"""The nomination domain (DOMAIN.md A3–A4): movements, rounds, registrations, dossiers, registers.

Operations take `(session, *, actor, ...)` and never import Flask; rules are dated LegalParameter rows
read through `config.param`. `wiring.install()` registers, at start-up, the service handlers and
completion guards the shipped diagrams name (docs/nomination_design.md) and the dated calendar steps read.
"""
