package io.prometheusrelay.tsdb;

/** When the write-ahead log is forced to disk. */
public enum FsyncPolicy {

	/** Before every batch is acknowledged: an acknowledged batch survives a machine crash. */
	BATCH,

	/**
	 * After the write, the log forced every interval: an acknowledged batch survives a crash of the
	 * process, not of the machine.
	 */
	INTERVAL,

	/** Never forced by the engine: the operating system writes back when it likes. */
	NEVER

}
