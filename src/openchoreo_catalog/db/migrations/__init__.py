"""Alembic migrations (a package only so that installers ship these files; never imported)."""
