"""The generic incremental ingestion engine (knows nothing about OpenChoreo)."""
