"""The dashboard's pages: one thin script per page. Not a package of importable code, except ``pages.ui``."""
