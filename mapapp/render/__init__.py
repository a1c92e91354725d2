"""Turning layers into folium maps; the only package (with mapapp.ui) that imports folium."""
