"""Text messages: every SMS is a row (``models``), queued in its cause's transaction
(``outbox.queue_sms``), sent after commit by a task (``tasks``; the claim, retries and fallback in
``delivery``, over the shared hwaseong_safety.outbound mechanism) through a transport
(``transports``); ``budget`` caps what a citizen's own actions may cost, ``length`` says SMS or LMS."""
