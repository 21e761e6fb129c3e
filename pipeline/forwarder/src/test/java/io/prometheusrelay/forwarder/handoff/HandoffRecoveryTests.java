package io.prometheusrelay.forwarder.handoff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.log.LogOptions;
import io.prometheusrelay.log.SegmentInfo;
import io.prometheusrelay.log.SegmentedLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** What a forwarder finds in its hand-off directory at start: every batch it can still read, and the holes. */
class HandoffRecoveryTests {

	@TempDir
	Path dir;

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void readsEveryBatchOnDiskAfterARestartAndSkipsWhatAFailedWriteLeftOutAFlippedByteAndATornTail()
			throws Exception {
		// Batches 1-3, then (after a write of 4 and 5 failed) a new segment with 6 to 8, torn after 8.
		writeSegment(1, 3);
		Path second = writeSegment(6, 8);
		try (FileChannel channel = FileChannel.open(second, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
			channel.write(ByteBuffer.wrap(new byte[] { 0, 0, 1, 0, 9, 9 }));
		}
		// A byte of batch 7 flips: the segment's header, 8 bytes, then records of 16 + 16 + 1 bytes.
		try (FileChannel channel = FileChannel.open(second, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			channel.write(ByteBuffer.wrap(new byte[] { 77 }), 8 + 33 + 16 + 16);
		}
		// And a segment of the format before this one, which is left alone.
		Files.write(this.dir.resolve("00000000000000000001" + HandoffLogFormat.EARLIER_SUFFIX), new byte[] { 1, 2, 3 });

		HandoffLogMetrics metrics = new HandoffLogMetrics();
		metrics.bindTo(this.registry);
		try (HandoffLog log = HandoffLog.open(options(), Clock.systemUTC(), metrics)) {
			assertThat(log.last().sequence()).isEqualTo(8);
			assertThat(log.firstHeld()).isEqualTo(1);
			List<Long> readable = new ArrayList<>();
			List<Long> holes = new ArrayList<>();
			try (HandoffReader reader = new HandoffReader(log)) {
				for (long sequence = 1; sequence <= 8; sequence++) {
					LoggedBatch batch = reader.read(sequence);
					if (batch != null) {
						assertThat(batch.payload()).containsExactly((byte) sequence);
						readable.add(sequence);
					}
					if (log.isHole(sequence)) {
						holes.add(sequence);
					}
				}
			}
			assertThat(readable).containsExactly(1L, 2L, 3L, 6L, 8L);
			assertThat(holes).containsExactly(4L, 5L, 7L);
			assertThat(this.registry.get("relay.forwarder.handoff.recovery.truncations").counter().count())
				.as("torn tail cut off").isEqualTo(1);
			// The next batch follows the last one held.
			assertThat(log.append(new byte[] { 9 }).batch().sequence()).isEqualTo(9);
		}
		assertThat(this.dir.resolve("00000000000000000001" + HandoffLogFormat.EARLIER_SUFFIX)).exists();
	}

	@Test
	void sequencesAFlippedFirstRecordAndASegmentACrashLeftEmptyLostAreHolesAndNumberingGoesOnAfterThem()
			throws Exception {
		writeSegment(1, 3);
		Path second = writeSegment(6, 8);
		// Batch 6's byte flips: the first record of its segment.
		try (FileChannel channel = FileChannel.open(second, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			channel.write(ByteBuffer.wrap(new byte[] { 66 }), 8 + 16 + 16);
		}
		// A segment for batches 11 on, created just before a crash, with nothing of them on disk: 9 and 10
		// were never written (their write failed before).
		Path empty = this.dir.resolve(String.format("%020d%s", 11, HandoffLogFormat.SUFFIX));
		Files.write(empty, ByteBuffer.allocate(8).putInt(HandoffLogFormat.MAGIC).putInt(1).array());

		HandoffLogMetrics metrics = new HandoffLogMetrics();
		metrics.bindTo(this.registry);
		try (HandoffLog log = HandoffLog.open(options(), Clock.systemUTC(), metrics)) {
			List<Long> holes = new ArrayList<>();
			for (long sequence = 1; sequence <= 10; sequence++) {
				if (log.isHole(sequence)) {
					holes.add(sequence);
				}
			}
			assertThat(holes).containsExactly(4L, 5L, 6L, 9L, 10L);
			assertThat(log.append(new byte[] { 11 }).batch().sequence()).isEqualTo(11);
		}
	}

	/** A segment of one-byte batches {@code first} to {@code last}, as the hand-off writes them; its file. */
	private Path writeSegment(long first, long last) throws IOException {
		try (SegmentedLog log = SegmentedLog.open(new LogOptions(this.dir, HandoffLogFormat.MAGIC, HandoffLogFormat.SUFFIX,
				1 << 20))) {
			log.advanceTo(first);
			List<ByteBuffer[]> records = new ArrayList<>();
			for (long sequence = first; sequence <= last; sequence++) {
				records.add(HandoffLogFormat.record(
						new LoggedBatch(sequence, System.currentTimeMillis(), sequence, new byte[] { (byte) sequence })));
			}
			log.appendRecords(records);
			log.force();
			List<SegmentInfo> segments = log.segments();
			return this.dir.resolve(String.format("%020d%s", segments.get(segments.size() - 1).firstSequence(),
					HandoffLogFormat.SUFFIX));
		}
	}

	private HandoffOptions options() {
		return new HandoffOptions(this.dir, true, 1 << 30, Duration.ofHours(1), 1 << 20, Duration.ofMinutes(1), 1 << 20,
				Duration.ofSeconds(2), Duration.ofHours(1));
	}

}
