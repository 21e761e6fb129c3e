package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.StoreHealthIndicator;
import io.prometheusrelay.pipeline.storage.DataDirectoryLock;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.testsupport.SmallFileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class SegmentStoreTests {

	@TempDir
	Path dataDir;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final List<SegmentStore> opened = new ArrayList<>();

	@AfterEach
	void closeStores() throws IOException {
		for (SegmentStore store : this.opened) {
			store.close();
		}
	}

	@Test
	void appendsAreReadBackInOrderAndIndexed() throws Exception {
		SegmentStore store = open(options());
		append(store, request("up", 1, 1000));
		append(store, request("up", 2, 2000));
		append(store, request("down", 3, 1500));
		assertThat(readAll(store.dataDir())).containsExactly(request("up", 1, 1000), request("up", 2, 2000),
				request("down", 3, 1500));
		assertThat(store.index().get(key("up"))).contains(new LatestIndex.LatestSample(2, 2000));
		assertThat(store.index().get(key("down"))).contains(new LatestIndex.LatestSample(3, 1500));
		assertThat(store.index().size()).isEqualTo(2);
	}

	@Test
	void indexKeepsTheNewestSampleEvenWhenAnOlderOneArrivesLater() throws Exception {
		SegmentStore store = open(options());
		append(store, request("up", 2, 2000));
		append(store, request("up", 1, 1000));
		assertThat(store.index().get(key("up"))).contains(new LatestIndex.LatestSample(2, 2000));
	}

	@Test
	void namesSegmentsByUtcCreationTimeAndLinksLatestToTheNewest() throws Exception {
		SegmentStore store = open(options());
		assertThat(store.segments()).extracting(p -> p.getFileName().toString())
			.containsExactly("20261121T100000.000Z.seg");
		assertThat(latestTarget()).isEqualTo(store.segments().get(0).getFileName());
	}

	@Test
	void rollsBySizeAndSwapsTheLatestLink() throws Exception {
		SegmentStore store = open(options().segmentMaxBytes(200).build());
		for (int i = 0; i < 10; i++) {
			this.clock.advance(Duration.ofMillis(1));
			append(store, request("m" + i, i, i));
		}
		List<Path> segments = store.segments();
		assertThat(segments).hasSizeGreaterThan(2);
		assertThat(latestTarget()).isEqualTo(segments.get(segments.size() - 1).getFileName());
		assertThat(Files.isSymbolicLink(this.dataDir.resolve("latest"))).isTrue();
		assertThat(readAll(this.dataDir)).hasSize(10);
		assertThat(this.registry.get("relay.store.segment.rolls").counter().count()).isEqualTo(segments.size() - 1);
	}

	@Test
	void rollsByAgeOnTheNextAppend() throws Exception {
		SegmentStore store = open(options().segmentMaxAge(Duration.ofMinutes(10)).build());
		append(store, request("a", 1, 1));
		this.clock.advance(Duration.ofMinutes(11));
		append(store, request("b", 2, 2));
		assertThat(store.segments()).extracting(p -> p.getFileName().toString())
			.containsExactly("20261121T100000.000Z.seg", "20261121T101100.000Z.seg");
		assertThat(latestTarget().toString()).isEqualTo("20261121T101100.000Z.seg");
	}

	@Test
	void retentionDeletesTheOldestSegmentsOverTheByteLimit() throws Exception {
		SegmentStore store = open(options().segmentMaxBytes(200).retentionMaxBytes(600).build());
		for (int i = 0; i < 20; i++) {
			this.clock.advance(Duration.ofMillis(1));
			append(store, request("m" + i, i, i));
		}
		// Retention runs after the ACKs, so the last append's may still be on its way.
		await().atMost(Duration.ofSeconds(5)).until(() -> totalSize(store) <= 600);
		assertThat(this.registry.get("relay.store.retention.deletions").counter().count()).isPositive();
		assertThat(readAll(this.dataDir)).last().isEqualTo(request("m19", 19, 19));
	}

	@Test
	void retentionDeletesSegmentsOlderThanTheMaximumAge() throws Exception {
		SegmentStore store = open(options().segmentMaxBytes(100).retentionMaxAge(Duration.ofHours(1)).build());
		append(store, request("old", 1, 1));
		this.clock.advance(Duration.ofMillis(1));
		append(store, request("new", 2, 2));
		Path oldest = store.segments().get(0);
		Files.setLastModifiedTime(oldest, FileTime.from(this.clock.instant().minus(Duration.ofHours(2))));
		this.clock.advance(Duration.ofMillis(1));
		append(store, request("newer", 3, 3));
		await().atMost(Duration.ofSeconds(5)).until(() -> !store.segments().contains(oldest));
	}

	@Test
	void storesABatchDeliveredAgainOnceAndAcknowledgesEveryDelivery() throws Exception {
		SegmentStore store = open(options());
		byte[] batch = request("a", 1, 1).toByteArray();
		CompletableFuture<Void> first = store.append(batch);
		CompletableFuture<Void> sameGroup = store.append(batch.clone());
		first.get(10, TimeUnit.SECONDS);
		sameGroup.get(10, TimeUnit.SECONDS);
		store.append(batch.clone()).get(10, TimeUnit.SECONDS);
		append(store, request("b", 2, 2));
		assertThat(readAll(this.dataDir)).containsExactly(request("a", 1, 1), request("b", 2, 2));
		assertThat(this.registry.get("relay.store.duplicates").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("relay.store.batches").counter().count()).isEqualTo(2);
	}

	@Test
	void knowsEveryBatchItHoldsAcrossARestartSoAReplayOfAnyAgeIsNotStoredTwice() throws Exception {
		SegmentStore before = open(options().segmentMaxBytes(200).build());
		for (int i = 0; i < 6; i++) {
			this.clock.advance(Duration.ofMillis(1));
			append(before, request("m" + i, i, i));
		}
		before.close();
		this.opened.remove(before);
		this.clock.advance(Duration.ofHours(5));
		SegmentStore after = open(options().segmentMaxBytes(200).build());
		for (int i = 0; i < 6; i++) {
			append(after, request("m" + i, i, i));
		}
		append(after, request("m6", 6, 6));
		assertThat(readAll(this.dataDir)).extracting(r -> r.getTimeseries(0).getLabels(0).getValue())
			.containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6");
		assertThat(this.registry.get("relay.store.indexed.batches").gauge().value()).isEqualTo(7);
		assertThat(this.registry.get("relay.store.duplicates").counter().count()).isEqualTo(6);
	}

	@Test
	void storesEveryDeliveryWhenDeduplicationIsOff() throws Exception {
		SegmentStore store = open(options().deduplicate(false).build());
		append(store, request("a", 1, 1));
		append(store, request("a", 1, 1));
		assertThat(readAll(this.dataDir)).containsExactly(request("a", 1, 1), request("a", 1, 1));
	}

	@Test
	void listsEveryBatchWithWhereItIsAndReadsItBackByThatPlace() throws Exception {
		SegmentStore store = open(options().segmentMaxBytes(200).build());
		for (int i = 0; i < 5; i++) {
			this.clock.advance(Duration.ofMillis(1));
			append(store, request("m" + i, i, 1000 + i));
		}
		List<BatchIndex.Segment> inventory = store.inventory();
		assertThat(inventory).extracting(BatchIndex.Segment::name)
			.containsExactlyElementsOf(store.segments().stream().map(p -> p.getFileName().toString()).toList());
		List<BatchIndex.Entry> entries = inventory.stream().flatMap(segment -> segment.entries().stream()).toList();
		assertThat(entries).extracting(BatchIndex.Entry::newestSample).containsExactly(1000L, 1001L, 1002L, 1003L, 1004L);
		for (int i = 0; i < 5; i++) {
			BatchIndex.Entry entry = entries.get(i);
			String segment = inventory.stream().filter(s -> s.entries().contains(entry)).findFirst().get().name();
			assertThat(store.read(segment, entry.offset(), entry.id())).hasValueSatisfying(
					payload -> assertThat(payload).isEqualTo(request("m" + entries.indexOf(entry), entries.indexOf(entry),
							1000 + entries.indexOf(entry)).toByteArray()));
			assertThat(store.read(segment, entry.offset() + 1, entry.id())).isEmpty();
			assertThat(store.read(segment, entry.offset(), new BatchId(1, 2))).isEmpty();
		}
	}

	@Test
	void aCopyFromAPeerIsStoredAndIndexedButNotShownToFollowers() throws Exception {
		SegmentStore store = open(options());
		List<byte[]> followed = new ArrayList<>();
		store.onCommit(followed::add);
		store.appendCopy(request("copied", 1, 1).toByteArray()).get(10, TimeUnit.SECONDS);
		append(store, request("relayed", 2, 2));
		store.append(request("copied", 1, 1).toByteArray()).get(10, TimeUnit.SECONDS);
		assertThat(readAll(this.dataDir)).containsExactly(request("copied", 1, 1), request("relayed", 2, 2));
		assertThat(followed).containsExactly(request("relayed", 2, 2).toByteArray());
		assertThat(store.index().get(key("copied"))).isPresent();
	}

	@Test
	void retentionRaisesAFloorThatSurvivesRestartsAndForgetsTheDeletedBatches() throws Exception {
		SegmentStore store = open(options().segmentMaxBytes(200).retentionMaxBytes(600).build());
		assertThat(store.retentionFloor()).isEqualTo(Long.MIN_VALUE);
		for (int i = 0; i < 20; i++) {
			this.clock.advance(Duration.ofMillis(1));
			append(store, request("m" + i, i, 1000 + i));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> totalSize(store) <= 600);
		long floor = store.retentionFloor();
		String oldestKept = readAll(this.dataDir).get(0).getTimeseries(0).getLabels(0).getValue();
		int firstKept = Integer.parseInt(oldestKept.substring(1));
		assertThat(floor).isEqualTo(1000 + firstKept - 1);
		// What retention deleted is no longer held: delivered again, it is stored again.
		assertThat(store.holds(BatchId.of(request("m0", 0, 1000).toByteArray()))).isFalse();
		store.close();
		this.opened.remove(store);
		assertThat(open(options().segmentMaxBytes(200).retentionMaxBytes(600).build()).retentionFloor()).isEqualTo(floor);
	}

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

	@Test
	void reportsHealthWithWhatTheStoreHolds() throws Exception {
		SegmentStore store = open(options());
		append(store, request("up", 1, 1));
		org.springframework.boot.health.contributor.Health health = new StoreHealthIndicator(store).health();
		assertThat(health.getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
		assertThat(health.getDetails()).containsEntry("segments", 1).containsEntry("series", 1);
		assertThat((long) health.getDetails().get("bytes")).isEqualTo(Files.size(store.segments().get(0)));
	}

	@Test
	void refusesADataDirectoryAnotherInstanceOwns() throws Exception {
		open(options());
		assertThatExceptionOfType(DataDirectoryLock.DataDirectoryInUseException.class)
			.isThrownBy(() -> SegmentStore.open(options().build(), this.clock, this.registry))
			.withMessageContaining("is in use by another api-server (pid " + ProcessHandle.current().pid() + ")");
	}

	@Test
	void refusesAppendsWhenTheQueueIsFullWithoutLosingAcceptedOnes() throws Exception {
		SegmentStore store = open(options().maxQueuedAppends(1).build());
		List<CompletableFuture<Void>> appends = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			appends.add(store.append(request("m" + i, i, i).toByteArray()));
		}
		int accepted = 0;
		int busy = 0;
		for (CompletableFuture<Void> append : appends) {
			try {
				append.get(10, TimeUnit.SECONDS);
				accepted++;
			}
			catch (java.util.concurrent.ExecutionException ex) {
				assertThat(ex.getCause()).isInstanceOf(StoreBusyException.class);
				busy++;
			}
		}
		assertThat(busy).isPositive();
		assertThat(readAll(this.dataDir)).hasSize(accepted);
	}

	private static long totalSize(SegmentStore store) throws IOException {
		long total = 0;
		for (Path segment : store.segments()) {
			total += Files.size(segment);
		}
		return total;
	}

	private SegmentStore open(OptionsBuilder options) throws IOException {
		return open(options.build());
	}

	private SegmentStore open(StoreOptions options, SegmentChannels channels) throws IOException {
		SegmentStore store = SegmentStore.open(options, this.clock, this.registry, channels);
		this.opened.add(store);
		return store;
	}

	private SegmentStore open(StoreOptions options) throws IOException {
		SegmentStore store = SegmentStore.open(options, this.clock, this.registry);
		this.opened.add(store);
		return store;
	}

	private OptionsBuilder options() {
		return new OptionsBuilder(this.dataDir);
	}

	private Path latestTarget() throws IOException {
		return Files.readSymbolicLink(this.dataDir.resolve("latest"));
	}

	private static void append(SegmentStore store, WriteRequest request) throws Exception {
		store.append(request.toByteArray()).get(10, TimeUnit.SECONDS);
	}

	static List<WriteRequest> readAll(Path dataDir) throws IOException {
		List<WriteRequest> requests = new ArrayList<>();
		SegmentFiles.forEachRecord(dataDir, record -> {
			try {
				requests.add(WriteRequest.parseFrom(record));
			}
			catch (com.google.protobuf.InvalidProtocolBufferException ex) {
				throw new IllegalStateException(ex);
			}
		});
		return requests;
	}

	private static SeriesKey key(String name) {
		return SeriesKey.of(Map.of("__name__", name, "job", "test"));
	}

	static WriteRequest request(String name, double value, long timestamp) {
		return WriteRequest.newBuilder()
			.addTimeseries(TimeSeries.newBuilder()
				.addLabels(Label.newBuilder().setName("__name__").setValue(name))
				.addLabels(Label.newBuilder().setName("job").setValue("test"))
				.addSamples(Sample.newBuilder().setValue(value).setTimestamp(timestamp)))
			.build();
	}

	static final class OptionsBuilder {

		private final Path dataDir;

		private long segmentMaxBytes = 1 << 20;

		private Duration segmentMaxAge = Duration.ofHours(1);

		private Duration retentionMaxAge = Duration.ofDays(1);

		private long retentionMaxBytes = 1 << 30;

		private int maxQueuedAppends = 1024;

		private boolean deduplicate = true;

		OptionsBuilder(Path dataDir) {
			this.dataDir = dataDir;
		}

		OptionsBuilder segmentMaxBytes(long bytes) {
			this.segmentMaxBytes = bytes;
			return this;
		}

		OptionsBuilder segmentMaxAge(Duration age) {
			this.segmentMaxAge = age;
			return this;
		}

		OptionsBuilder retentionMaxAge(Duration age) {
			this.retentionMaxAge = age;
			return this;
		}

		OptionsBuilder retentionMaxBytes(long bytes) {
			this.retentionMaxBytes = bytes;
			return this;
		}

		OptionsBuilder deduplicate(boolean deduplicate) {
			this.deduplicate = deduplicate;
			return this;
		}

		OptionsBuilder maxQueuedAppends(int appends) {
			this.maxQueuedAppends = appends;
			return this;
		}

		StoreOptions build() {
			return new StoreOptions(this.dataDir, FsyncPolicy.BATCH, Duration.ofSeconds(1), this.segmentMaxBytes,
					this.segmentMaxAge, this.retentionMaxAge, this.retentionMaxBytes, this.maxQueuedAppends, this.deduplicate);
		}

	}

	static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
