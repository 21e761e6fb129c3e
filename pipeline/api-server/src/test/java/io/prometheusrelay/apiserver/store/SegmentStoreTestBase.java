package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.Sample;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the segment store's tests share: a store opened on a temporary data directory with a clock
 * they move, options built as each test needs, and requests written and read back.
 */
abstract class SegmentStoreTestBase {

	@TempDir
	Path dataDir;

	final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));

	final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	final List<SegmentStore> opened = new ArrayList<>();

	@AfterEach
	void closeStores() throws IOException {
		for (SegmentStore store : this.opened) {
			store.close();
		}
	}

	static long totalSize(SegmentStore store) throws IOException {
		long total = 0;
		for (Path segment : store.segments()) {
			total += Files.size(segment);
		}
		return total;
	}

	SegmentStore open(OptionsBuilder options) throws IOException {
		return open(options.build());
	}

	SegmentStore open(StoreOptions options, SegmentChannels channels) throws IOException {
		SegmentStore store = SegmentStore.open(options, this.clock, this.registry, channels);
		this.opened.add(store);
		return store;
	}

	SegmentStore open(StoreOptions options) throws IOException {
		SegmentStore store = SegmentStore.open(options, this.clock, this.registry);
		this.opened.add(store);
		return store;
	}

	OptionsBuilder options() {
		return new OptionsBuilder(this.dataDir);
	}

	Path latestTarget() throws IOException {
		return Files.readSymbolicLink(this.dataDir.resolve("latest"));
	}

	static void append(SegmentStore store, WriteRequest request) throws Exception {
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

	static SeriesKey key(String name) {
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
