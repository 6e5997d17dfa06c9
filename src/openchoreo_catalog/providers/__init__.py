"""Entity providers: where entities come from (OpenChoreo today)."""
