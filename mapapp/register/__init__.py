"""The register: the sites as their keepers maintain them, in a database (SQLite by default,
PostgreSQL + PostGIS for several users), with accounts, review and an append-only history.

`database` opens and migrates the store, `schema` describes its tables, `accounts` holds people and
their rights, `changes` is the one path by which anything in the register changes, `seed` fills a
new store from data/sources/, and `publish` writes the register back out as files.
"""
