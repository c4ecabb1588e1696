"""Search back-ends of the guide: one per database vendor, same contract (``base``)."""
