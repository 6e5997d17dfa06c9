"""The OpenChoreo providers and the translation of OpenChoreo objects into entities."""
