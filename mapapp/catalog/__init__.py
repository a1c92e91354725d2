"""The thematic catalogue: the record schemas of sites, clusters and indicators (`sites`, `clusters`,
`indicators`, with their vocabularies in `vocab` and row checking in `records`), the table import
(`edits`), and `catalog`, which derives the map's layers from the tables or from the register."""
