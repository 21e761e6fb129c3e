package io.prometheusrelay.apiserver.store;

/** When the store forces appended records to disk, and so what an ACK promises. */
public enum FsyncPolicy {

	/** Every group of appends is fsynced before any of them is acknowledged: an ACK means durable. */
	BATCH,

	/**
	 * Appends are acknowledged once written to the OS; the file is fsynced at most once per
	 * interval. An ACK survives a process crash, not a machine crash.
	 */
	INTERVAL,

	/** Never fsync; the OS flushes when it likes. For benchmarks and throw-away data. */
	NEVER

}
