package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.testsupport.SmallFileSystem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The segment store after faults: torn and corrupt records, a failed fsync, a full disk and a
 * segment without a header. Every acknowledged batch is kept, and nothing is appended after a
 * failed write to the same file.
 */
class SegmentStoreRecoveryTests extends SegmentStoreTestBase {

	@Test
	void recoversATornTailAtStartAndKeepsEveryCompleteRecord() throws Exception {
		SegmentStore store = open(options());
		append(store, request("a", 1, 1));
		append(store, request("b", 2, 2));
		Path segment = store.segments().get(0);
		store.close();
		this.opened.remove(store);
		long complete = Files.size(segment);
		try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
			// A crash mid-append: the record header promises more bytes than made it to disk.
			channel.write(java.nio.ByteBuffer.wrap(new byte[] { 0, 0, 1, 0, 1, 2, 3, 4, 9, 9, 9 }));
		}
		this.clock.advance(Duration.ofSeconds(1));
		SegmentStore reopened = open(options());
		assertThat(reopened.recovery()).isEqualTo(new RecoveryReport(1, 2, 1, 11, 0));
		assertThat(Files.size(segment)).isEqualTo(complete);
		assertThat(reopened.index().get(key("b"))).contains(new LatestIndex.LatestSample(2, 2));
		assertThat(this.registry.get("relay.store.recovery.truncations").counter().count()).isEqualTo(1);
		append(reopened, request("c", 3, 3));
		assertThat(readAll(this.dataDir)).containsExactly(request("a", 1, 1), request("b", 2, 2), request("c", 3, 3));
	}

	@Test
	void recoversARecordWithACorruptedPayloadByCuttingItOff() throws Exception {
		SegmentStore store = open(options());
		append(store, request("a", 1, 1));
		long afterFirst = Files.size(store.segments().get(0));
		append(store, request("b", 2, 2));
		Path segment = store.segments().get(0);
		store.close();
		this.opened.remove(store);
		try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
			channel.write(java.nio.ByteBuffer.wrap(new byte[] { 42 }), Files.size(segment) - 2);
		}
		this.clock.advance(Duration.ofSeconds(1));
		SegmentStore reopened = open(options());
		assertThat(reopened.recovery().truncatedSegments()).isEqualTo(1);
		assertThat(Files.size(segment)).isEqualTo(afterFirst);
		assertThat(reopened.index().get(key("b"))).isEmpty();
	}

	@Test
	void keepsEveryValidRecordAfterACorruptOneInTheMiddleOfASegment() throws Exception {
		SegmentStore store = open(options());
		append(store, request("a", 1, 1));
		long secondStarts = Files.size(store.segments().get(0));
		append(store, request("b", 2, 2));
		append(store, request("c", 3, 3));
		Path segment = store.segments().get(0);
		long size = Files.size(segment);
		store.close();
		this.opened.remove(store);
		try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
			// Bit rot in the second record's payload; its length, and the records after it, are intact.
			channel.write(java.nio.ByteBuffer.wrap(new byte[] { 42 }), secondStarts + SegmentFormat.RECORD_HEADER_BYTES + 3);
		}
		this.clock.advance(Duration.ofSeconds(1));
		SegmentStore reopened = open(options());
		assertThat(reopened.recovery()).isEqualTo(new RecoveryReport(1, 2, 0, 0, 1));
		assertThat(Files.size(segment)).isEqualTo(size);
		assertThat(reopened.index().get(key("c"))).contains(new LatestIndex.LatestSample(3, 3));
		assertThat(readAll(this.dataDir)).containsExactly(request("a", 1, 1), request("c", 3, 3));
		assertThat(this.registry.get("relay.store.recovery.skipped").counter().count()).isEqualTo(1);
	}

	@Test
	void neverAppendsToASegmentAfterAFailedFsyncAndKeepsEveryAcknowledgedBatch() throws Exception {
		FaultyChannels disk = new FaultyChannels();
		SegmentStore store = open(options().build(), disk);
		append(store, request("a", 1, 1));
		Path first = store.segments().get(0);
		long afterFirst = Files.size(first);
		disk.failFsyncs.set(true);
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> append(store, request("b", 2, 2)))
			.withCauseInstanceOf(IOException.class);
		assertThat(store.lastWriteFailure()).hasValueSatisfying(reason -> assertThat(reason).contains("fsync"));
		disk.failFsyncs.set(false);
		append(store, request("c", 3, 3));
		// The sender retries the batch it was NACKed.
		append(store, request("b", 2, 2));
		assertThat(store.segments()).hasSize(2);
		assertThat(Files.size(first)).as("the failed group is cut off its segment").isEqualTo(afterFirst);
		assertThat(this.registry.get("relay.store.write.errors").counter().count()).isEqualTo(1);
		store.close();
		this.opened.remove(store);
		assertThat(disk.open).as("segment channels left open").hasValue(0);
		SegmentStore reopened = open(options());
		assertThat(reopened.recovery().truncatedSegments()).isZero();
		assertThat(readAll(this.dataDir)).containsExactly(request("a", 1, 1), request("c", 3, 3), request("b", 2, 2));
	}

	@Test
	void cutsAPartlyWrittenGroupOffAndWritesTheNextGroupToANewSegment() throws Exception {
		FaultyChannels disk = new FaultyChannels();
		SegmentStore store = open(options().build(), disk);
		append(store, request("a", 1, 1));
		long afterFirst = Files.size(store.segments().get(0));
		disk.failWrites.set(true);
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> append(store, request("b", 2, 2)));
		disk.failWrites.set(false);
		append(store, request("c", 3, 3));
		assertThat(Files.size(store.segments().get(0))).isEqualTo(afterFirst);
		assertThat(readAll(this.dataDir)).containsExactly(request("a", 1, 1), request("c", 3, 3));
	}

	@Test
	void aFullDiskLeaksNoDescriptorOrSegmentAndTheStoreRecoversWhenSpaceReturns() throws Exception {
		try (SmallFileSystem disk = SmallFileSystem.mount(this.dataDir.resolve("small"), "256k")) {
			Path data = disk.path().resolve("data");
			Path filler = disk.path().resolve("filler");
			Files.write(filler, new byte[64 * 1024]);
			SegmentStore store = open(new OptionsBuilder(data).segmentMaxBytes(8 * 1024).build());
			List<WriteRequest> acked = new ArrayList<>();
			IOException full = null;
			for (int i = 0; full == null && i < 1000; i++) {
				WriteRequest request = request("m" + i + "_" + "x".repeat(2000), i, i);
				try {
					append(store, request);
					acked.add(request);
				}
				catch (java.util.concurrent.ExecutionException ex) {
					full = (IOException) ex.getCause();
				}
			}
			assertThat(full).as("the disk filled up").isNotNull();
			long descriptors = SmallFileSystem.openDescriptors();
			int segments = SegmentFiles.list(data).size();
			for (int i = 0; i < 50; i++) {
				// Each retry rolls, or tries to: that must not leave a file or a descriptor behind.
				this.clock.advance(Duration.ofHours(2));
				WriteRequest request = request("retry" + i, i, i);
				assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
					.isThrownBy(() -> append(store, request));
			}
			assertThat(SmallFileSystem.openDescriptors()).isLessThanOrEqualTo(descriptors + 2);
			assertThat(SegmentFiles.list(data)).hasSizeLessThanOrEqualTo(segments + 1);

			Files.delete(filler);
			WriteRequest afterSpaceReturned = request("after", 1, 1);
			append(store, afterSpaceReturned);
			acked.add(afterSpaceReturned);
			store.close();
			this.opened.remove(store);
			SegmentStore reopened = open(new OptionsBuilder(data).segmentMaxBytes(8 * 1024).build());
			assertThat(readAll(data)).containsExactlyElementsOf(acked);
			reopened.close();
			this.opened.remove(reopened);
		}
	}

	@Test
	void setsAsideASegmentWithoutAValidHeader() throws Exception {
		Files.write(this.dataDir.resolve("20261121T090000.000Z.seg"), new byte[] { 'P', 'R' });
		SegmentStore store = open(options());
		assertThat(store.recovery().truncatedSegments()).isEqualTo(1);
		assertThat(this.dataDir.resolve("20261121T090000.000Z.seg.corrupt")).exists();
		assertThat(store.segments()).hasSize(1);
	}

}
