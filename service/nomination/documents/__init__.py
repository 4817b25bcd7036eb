"""The nomination path's documents: which document a step produces, its number, its context and its signer.

`numbering` takes the issuer's number from its yearly register, `contexts` builds the template contexts from the
round and dossier rows, `steps` registers the `generate_document` service handler that renders and stores them.
"""
