"""Constants shared by the Home Assistant side of BambuPrint IQ."""

from typing import Final

DOMAIN: Final = "bambuprint_iq"
