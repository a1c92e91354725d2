"""Jiangxi Green Industry Map: layers, shoreline screening and export for Jiangxi's green-industry plans."""

__version__ = "0.1.0"
