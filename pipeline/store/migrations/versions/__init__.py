"""One file per migration, oldest first (``0001_initial``…); an applied migration is never edited."""
