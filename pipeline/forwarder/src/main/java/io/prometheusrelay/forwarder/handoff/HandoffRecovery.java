package io.prometheusrelay.forwarder.handoff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.prometheusrelay.log.LogReader;
import io.prometheusrelay.log.LogRecord;
import io.prometheusrelay.log.SegmentInfo;
import io.prometheusrelay.log.SegmentedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hand-off learns from its log at start: each segment's first and last batch, the sequences
 * a flipped byte lost, and where numbering goes on.
 * @param last the last batch held, or the log's numbering past it
 * @param skippedFrom the first sequence the log numbered but holds nothing of, at its end
 * ({@link Long#MAX_VALUE} if none)
 * @param skippedThrough the last such sequence (-1 if none)
 */
record HandoffRecovery(LoggedBatch last, long skippedFrom, long skippedThrough) {

	private static final Logger logger = LoggerFactory.getLogger(HandoffRecovery.class);

	/**
	 * Reads every record's position (not its batch) into {@code segments}, and the sequences lost at
	 * the start of a segment or inside it into {@code holes}.
	 */
	static HandoffRecovery run(SegmentedLog log, Map<Long, HandoffSegment> segments, Set<Long> holes) {
		LoggedBatch newest = LoggedBatch.ORIGIN;
		List<SegmentInfo> infos = log.segments();
		int index = 0;
		HandoffSegment segment = null;
		try (LogReader reader = log.read(log.firstSequence())) {
			while (reader.hasNext()) {
				LogRecord record = reader.next();
				while (record.sequence() > infos.get(index).lastSequence()) {
					index++;
					segment = null;
				}
				LoggedBatch position = HandoffLogFormat.position(record);
				long expected;
				if (segment == null) {
					segment = new HandoffSegment(infos.get(index).firstSequence(), position.appendedAtMillis());
					segments.put(segment.firstSequence, segment);
					expected = segment.firstSequence;
				}
				else {
					expected = segment.last.sequence() + 1;
				}
				for (long lost = expected; lost < position.sequence(); lost++) {
					holes.add(lost);
				}
				segment.last = position;
				newest = position;
			}
		}
		catch (UncheckedIOException ex) {
			throw new IllegalStateException("Hand-off log cannot be read: " + ex.getMessage(), ex);
		}
		if (!infos.isEmpty()) {
			logger.info("Hand-off log: {} segments, batches {} to {}", infos.size(), infos.get(0).firstSequence(),
					newest.sequence());
		}
		// The log may have numbered past the last batch it holds (a segment a crash left without a
		// record, records a flipped byte lost at the end): those sequences are holes, and the next
		// batch follows them.
		long next = log.nextSequence();
		if (next <= newest.sequence() + 1) {
			return new HandoffRecovery(newest, Long.MAX_VALUE, -1);
		}
		return new HandoffRecovery(
				new LoggedBatch(next - 1, newest.appendedAtMillis(), newest.bytesThrough(), LoggedBatch.ORIGIN.payload()),
				newest.sequence() + 1, next - 1);
	}

	/** Says so when segments of the format before this one are in {@code dir}: they are not read. */
	static void warnOfEarlierFormat(Path dir) throws IOException {
		try (DirectoryStream<Path> earlier = Files.newDirectoryStream(dir, "*" + HandoffLogFormat.EARLIER_SUFFIX)) {
			if (earlier.iterator().hasNext()) {
				logger.warn("Hand-off log {}: segments of an earlier format (*{}) are not read; catch-up from a peer "
						+ "api-server brings what they held to a replica that lacks it. Delete them.", dir,
						HandoffLogFormat.EARLIER_SUFFIX);
			}
		}
	}

}
