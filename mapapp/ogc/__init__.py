"""The register and the base layers served to GIS clients as OGC API - Features, through pygeoapi."""
