"""openchoreo-catalog: a Backstage-compatible catalog kept in step with OpenChoreo."""

__version__ = "0.1.0"
