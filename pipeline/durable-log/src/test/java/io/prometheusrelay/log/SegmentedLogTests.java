package io.prometheusrelay.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import io.prometheusrelay.testsupport.SmallFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SegmentedLogTests {

	private static final int MAGIC = 0x7465_7374;

	@TempDir
	Path dir;

	private LogOptions options(Path dir, long segmentBytes) {
		return new LogOptions(dir, MAGIC, ".log", segmentBytes);
	}

	private SegmentedLog open(long segmentBytes) throws IOException {
		return SegmentedLog.open(options(this.dir, segmentBytes));
	}

	private static List<ByteBuffer> payloads(String... texts) {
		return Stream.of(texts).map(text -> ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))).toList();
	}

	private static List<String> read(SegmentedLog log, long from) {
		List<String> texts = new ArrayList<>();
		Iterator<LogRecord> records = log.read(from);
		while (records.hasNext()) {
			LogRecord record = records.next();
			texts.add(record.sequence() + "=" + new String(record.payload(), StandardCharsets.UTF_8));
		}
		return texts;
	}

	private List<Path> segments() throws IOException {
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.filter(file -> file.getFileName().toString().endsWith(".log")).sorted().toList();
		}
	}

	@Test
	void readsBackEveryRecordInOrderAcrossSegmentsAndAfterReopening() throws Exception {
		try (SegmentedLog log = open(64)) {
			assertThat(log.append(payloads("a", "b"))).isZero();
			log.force();
			assertThat(log.append(payloads("c"))).isEqualTo(2);
			log.roll();
			assertThat(log.append(payloads("d"))).isEqualTo(3);
			assertThat(read(log, 0)).containsExactly("0=a", "1=b", "2=c", "3=d");
			assertThat(read(log, 2)).containsExactly("2=c", "3=d");
		}
		assertThat(segments()).extracting(file -> file.getFileName().toString())
			.containsExactly("00000000000000000000.log", "00000000000000000003.log");
		try (SegmentedLog log = open(64)) {
			assertThat(log.recovery()).isEqualTo(new LogRecovery(2, 4, 0, 0, 0, 0));
			assertThat(log.nextSequence()).isEqualTo(4);
			assertThat(read(log, 0)).containsExactly("0=a", "1=b", "2=c", "3=d");
			log.append(payloads("e"));
			assertThat(read(log, 3)).containsExactly("3=d", "4=e");
		}
	}

	@Test
	void numbersOnFromWhereItsOwnerSaysOnceEverySegmentIsDeleted() throws Exception {
		try (SegmentedLog log = open(1 << 20)) {
			log.append(payloads("a", "b"));
			log.deleteBefore(log.roll());
			assertThat(log.segmentCount()).isZero();
		}
		try (SegmentedLog log = open(1 << 20)) {
			assertThat(log.nextSequence()).as("the segments no longer say").isZero();
			log.advanceTo(2);
			log.advanceTo(1);
			assertThat(log.append(payloads("c"))).isEqualTo(2);
			assertThat(read(log, 0)).containsExactly("2=c");
		}
	}

	@Test
	void aRecordInPartsReadsBackAsOnePayloadAndTheLogSaysHowFarItIsOnDisk() throws Exception {
		try (SegmentedLog log = open(1 << 20)) {
			assertThat(log.durableThrough()).isEqualTo(-1);
			log.appendRecords(List.of(new ByteBuffer[] { payloads("head:").get(0), payloads("body").get(0) },
					new ByteBuffer[] { payloads("x").get(0), ByteBuffer.allocate(0) }));
			assertThat(log.durableThrough()).as("written, not forced").isEqualTo(-1);
			assertThat(log.isForced()).isFalse();
			log.force();
			assertThat(log.durableThrough()).isEqualTo(1);
			assertThat(read(log, 0)).containsExactly("0=head:body", "1=x");
		}
		try (SegmentedLog log = open(1 << 20)) {
			assertThat(log.durableThrough()).isEqualTo(1);
			assertThat(log.segments()).singleElement()
				.satisfies(segment -> assertThat(segment.lastSequence()).isEqualTo(1));
		}
	}

	@Test
	void aReaderSeesWhatWasAppendedWhenItStartedAndNotWhatCameAfter() throws Exception {
		try (SegmentedLog log = open(1 << 20)) {
			log.append(payloads("a", "b"));
			Iterator<LogRecord> reader = log.read(0);
			log.append(payloads("c"));
			List<Long> sequences = new ArrayList<>();
			reader.forEachRemaining(record -> sequences.add(record.sequence()));
			assertThat(sequences).containsExactly(0L, 1L);
		}
	}

	@Test
	void cutsATornTailOffAndAppendsAfterItInANewSegment() throws Exception {
		try (SegmentedLog log = open(1 << 20)) {
			log.append(payloads("first", "second", "third"));
		}
		Path segment = segments().get(0);
		long size = Files.size(segment);
		try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
			// A crash in the middle of the last record's write.
			file.setLength(size - 3);
		}
		try (SegmentedLog log = open(1 << 20)) {
			assertThat(log.recovery().truncatedSegments()).isEqualTo(1);
			assertThat(log.recovery().truncatedBytes()).isEqualTo(16 + "third".length() - 3);
			assertThat(read(log, 0)).containsExactly("0=first", "1=second");
			assertThat(log.append(payloads("fourth"))).isEqualTo(2);
			assertThat(read(log, 0)).containsExactly("0=first", "1=second", "2=fourth");
		}
		assertThat(segments()).hasSize(2);
		try (SegmentedLog log = open(1 << 20)) {
			assertThat(log.recovery().truncatedSegments()).isZero();
			assertThat(read(log, 0)).containsExactly("0=first", "1=second", "2=fourth");
		}
	}

	@Test
	void skipsAndCountsARecordWithAFlippedByteAndKeepsTheRecordsAfterIt() throws Exception {
		try (SegmentedLog log = open(1 << 20)) {
			log.append(payloads("first", "second", "third"));
		}
		Path segment = segments().get(0);
		try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
			// Header 8, record 0 is 16 + 5 bytes, then record 1's header: its payload starts at 45.
			long payloadOfSecond = 8 + 16 + 5 + 16;
			file.seek(payloadOfSecond);
			int b = file.read();
			file.seek(payloadOfSecond);
			file.write(b ^ 0x01);
		}
		try (SegmentedLog log = open(1 << 20)) {
			assertThat(log.recovery().skippedRecords()).isEqualTo(1);
			assertThat(log.recovery().truncatedSegments()).isZero();
			assertThat(read(log, 0)).containsExactly("0=first", "2=third");
			assertThat(log.append(payloads("fourth"))).isEqualTo(3);
		}
	}

	@Test
	void aDamagedLengthInASegmentBeforeTheNewestIsLeftInPlaceAndCountedNotCut() throws Exception {
		try (SegmentedLog log = open(1 << 20)) {
			log.append(payloads("first", "second", "third"));
			log.roll();
			log.append(payloads("fourth"));
		}
		Path older = segments().get(0);
		long size = Files.size(older);
		try (RandomAccessFile file = new RandomAccessFile(older.toFile(), "rw")) {
			// The length of the second record, after the header and the first record, says far too much.
			file.seek(8 + 16 + 5);
			file.writeInt(1 << 30);
		}
		try (SegmentedLog log = open(1 << 20)) {
			assertThat(log.recovery().unreadableSegments()).isEqualTo(1);
			assertThat(log.recovery().truncatedSegments()).isZero();
			assertThat(read(log, 0)).containsExactly("0=first", "3=fourth");
			assertThat(log.append(payloads("fifth"))).isEqualTo(4);
		}
		assertThat(older).hasSize(size);
	}

	@Test
	void aSegmentThatIsNotThisLogsIsCutToNothingAndDeletedRatherThanRead() throws Exception {
		try (SegmentedLog log = open(1 << 20)) {
			log.append(payloads("a"));
		}
		Files.write(this.dir.resolve("00000000000000000001.log"), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 });
		try (SegmentedLog log = open(1 << 20)) {
			assertThat(read(log, 0)).containsExactly("0=a");
			assertThat(log.nextSequence()).isEqualTo(1);
		}
		assertThat(segments()).hasSize(1);
	}

	@Test
	void deletesOnlyClosedSegmentsWhoseRecordsAllComeBefore() throws Exception {
		try (SegmentedLog log = open(1 << 20)) {
			log.append(payloads("a", "b"));
			log.roll();
			log.append(payloads("c", "d"));
			log.roll();
			log.append(payloads("e"));
			log.deleteBefore(3);
			assertThat(log.firstSequence()).isEqualTo(2);
			assertThat(read(log, 0)).containsExactly("2=c", "3=d", "4=e");
			log.deleteBefore(Long.MAX_VALUE);
			// The active segment stays, whatever is asked.
			assertThat(read(log, 0)).containsExactly("4=e");
			assertThat(log.segmentCount()).isEqualTo(1);
		}
	}

	@Test
	void aFullDiskFailsTheAppendWholeLeavesNoPartialRecordOrDescriptorAndWritesResumeWhenSpaceReturns()
			throws Exception {
		try (SmallFileSystem disk = SmallFileSystem.mount(this.dir.resolve("small"), "256k")) {
			Path logDir = disk.path().resolve("log");
			byte[] record = new byte[20_000];
			long acknowledged = 0;
			long descriptorsBefore = SmallFileSystem.openDescriptors();
			try (SegmentedLog log = SegmentedLog.open(options(logDir, 64 << 10))) {
				IOException full = null;
				for (int i = 0; i < 100 && full == null; i++) {
					try {
						log.append(List.of(ByteBuffer.wrap(record)));
						log.force();
						acknowledged++;
					}
					catch (IOException ex) {
						full = ex;
					}
				}
				assertThat(full).as("the disk filled up").isNotNull();
				for (int i = 0; i < 20; i++) {
					assertThatExceptionOfType(IOException.class).isThrownBy(() -> {
						log.append(List.of(ByteBuffer.wrap(record)));
						log.force();
					});
				}
				assertThat(SmallFileSystem.openDescriptors()).isLessThanOrEqualTo(descriptorsBefore + 1);
				assertThat(log.durableThrough()).isEqualTo(acknowledged - 1);
				assertThat(read(log, 0)).hasSize((int) acknowledged);

				log.deleteBefore(acknowledged / 2);
				log.append(List.of(ByteBuffer.wrap(record)));
				log.force();
			}
			try (SegmentedLog log = SegmentedLog.open(options(logDir, 64 << 10))) {
				assertThat(log.recovery().truncatedSegments()).isZero();
				assertThat(log.recovery().skippedRecords()).isZero();
				List<Long> sequences = new ArrayList<>();
				log.read(0).forEachRemaining(each -> sequences.add(each.sequence()));
				assertThat(sequences.get(sequences.size() - 1)).isGreaterThanOrEqualTo(acknowledged);
				assertThat(sequences).doesNotHaveDuplicates().isSorted();
			}
		}
	}

}
