"""The command line (argparse only): ``main`` builds the parser from each command group's ``COMMANDS``."""
