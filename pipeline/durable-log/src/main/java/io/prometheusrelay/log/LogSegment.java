package io.prometheusrelay.log;

import java.nio.file.Path;

/** One segment file of a log: the sequences it holds and its size. */
final class LogSegment {

	final Path file;

	final long firstSequence;

	volatile long lastSequence;

	volatile long size;

	LogSegment(Path file, long firstSequence) {
		this.file = file;
		this.firstSequence = firstSequence;
		this.lastSequence = firstSequence - 1;
	}

}
