"""The nomination path's endpoints: reference data (criteria, scores, parameters), registrations,
rounds, dossiers and their nominees, the registers of awards and documents, and the public notices.

Each module is one blueprint; the blueprints keep the names they were published under
(`nomination_rounds`, ...), which the OpenAPI document's operation ids are made of.
"""

from . import dossiers, public, reference, registers, registrations, rounds

# In the order they are registered (and listed in the OpenAPI document).
BLUEPRINTS = (reference.bp, rounds.bp, dossiers.bp, registrations.bp, registers.bp, public.bp)
