"""HTTP etiquette and document extraction for manufacturer pages and databases."""
