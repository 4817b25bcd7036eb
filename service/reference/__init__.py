"""Reference data imports (org units, users, DX index scores) parsed and checked without a database."""
