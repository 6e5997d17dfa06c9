"""Allows ``python -m openchoreo_catalog``."""

from openchoreo_catalog.cli import main

main()
