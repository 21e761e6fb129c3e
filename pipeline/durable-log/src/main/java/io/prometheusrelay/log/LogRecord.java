package io.prometheusrelay.log;

/** A record read back: its sequence number and payload. */
public record LogRecord(long sequence, byte[] payload) {
}
