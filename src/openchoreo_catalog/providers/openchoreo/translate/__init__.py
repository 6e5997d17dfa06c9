"""Pure functions from OpenChoreo API objects to Backstage entities (no I/O)."""
