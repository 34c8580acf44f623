"""BambuPrint IQ: Bambu Lab printers in Home Assistant."""
