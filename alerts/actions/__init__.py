"""Every change to an alert or trip is a ``do_*`` function here; each records its timeline event and
publishes to the consoles after commit (alerts.publish).

``sos`` a citizen's SOS, its locations and cancel; ``trips`` safe-return trips; ``handling`` what an
operator does with an alert (claim, acknowledge, note, escalate, transfer, close)."""
