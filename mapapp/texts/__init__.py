"""Interface text of the page's larger parts, one module per part, merged into mapapp.i18n.TEXT.

Each module holds one dict TEXT: {key: (Chinese, English)}. A key may appear in one place only."""
