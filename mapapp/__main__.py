"""Allow `python -m mapapp`."""

from mapapp.cli import main

raise SystemExit(main())
