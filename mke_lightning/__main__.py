"""``python -m mke_lightning`` runs the ``mke`` command (this module only imports; see ``cli``)."""

from mke_lightning.cli import cli_main

if __name__ == "__main__":
    cli_main()
