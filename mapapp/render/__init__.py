"""Turning layers into folium maps; the only package (with mapapp.ui) that imports folium."""

from mapapp.render import plain_text

plain_text.install()
