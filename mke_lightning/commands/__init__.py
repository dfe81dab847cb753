"""The verbs of ``mke`` besides Lightning's ``fit/validate/test/predict``: one typed function per verb, in a module of
its own; ``mke_lightning.cli.VERBS`` maps names to them and builds each parser from the function's signature and
docstring (jsonargparse), so every option is documented where it is declared."""
