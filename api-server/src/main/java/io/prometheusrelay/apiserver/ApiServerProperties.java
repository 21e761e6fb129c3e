package io.prometheusrelay.apiserver;

import java.nio.file.Path;
import java.time.Duration;

import io.prometheusrelay.apiserver.store.FsyncPolicy;
import io.prometheusrelay.apiserver.store.StoreOptions;
import io.prometheusrelay.pipeline.relay.RelayServerProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/** Configuration of the api-server, under {@code relay.api-server}. */
@ConfigurationProperties("relay.api-server")
public class ApiServerProperties {

	/** Default port of the relay server that receives batches from the forwarder. */
	public static final int DEFAULT_RELAY_PORT = 8070;

	/** Relay server that receives batches from the forwarder. */
	@NestedConfigurationProperty
	private final RelayServerProperties relay = new RelayServerProperties(DEFAULT_RELAY_PORT);

	private final Store store = new Store();

	public RelayServerProperties getRelay() {
		return this.relay;
	}

	public Store getStore() {
		return this.store;
	}

	/** Segment store. */
	public static class Store {

		/** Directory of the segment files; owned by one instance, which locks it. */
		private Path dataDir = Path.of("data", "api-server");

		/** When appends are forced to disk: batch (before every ACK), interval, or never. */
		private FsyncPolicy fsync = FsyncPolicy.BATCH;

		/** With fsync=interval, the longest time between two fsyncs. */
		private Duration fsyncInterval = Duration.ofSeconds(1);

		/** A segment is rolled once it holds this much. */
		private DataSize segmentMaxSize = DataSize.ofMegabytes(64);

		/** A segment is rolled once it is this old. */
		private Duration segmentMaxAge = Duration.ofHours(1);

		/** Segments whose newest record is older than this are deleted. */
		private Duration retentionMaxAge = Duration.ofDays(7);

		/** Oldest segments are deleted while all of them together exceed this. */
		private DataSize retentionMaxSize = DataSize.ofGigabytes(10);

		/** Appends waiting for the writer; past it, batches are NACKed as retryable. */
		private int maxQueuedAppends = 1024;

		public StoreOptions toOptions() {
			return new StoreOptions(this.dataDir, this.fsync, this.fsyncInterval, this.segmentMaxSize.toBytes(),
					this.segmentMaxAge, this.retentionMaxAge, this.retentionMaxSize.toBytes(), this.maxQueuedAppends);
		}

		public Path getDataDir() {
			return this.dataDir;
		}

		public void setDataDir(Path dataDir) {
			this.dataDir = dataDir;
		}

		public FsyncPolicy getFsync() {
			return this.fsync;
		}

		public void setFsync(FsyncPolicy fsync) {
			this.fsync = fsync;
		}

		public Duration getFsyncInterval() {
			return this.fsyncInterval;
		}

		public void setFsyncInterval(Duration fsyncInterval) {
			this.fsyncInterval = fsyncInterval;
		}

		public DataSize getSegmentMaxSize() {
			return this.segmentMaxSize;
		}

		public void setSegmentMaxSize(DataSize segmentMaxSize) {
			this.segmentMaxSize = segmentMaxSize;
		}

		public Duration getSegmentMaxAge() {
			return this.segmentMaxAge;
		}

		public void setSegmentMaxAge(Duration segmentMaxAge) {
			this.segmentMaxAge = segmentMaxAge;
		}

		public Duration getRetentionMaxAge() {
			return this.retentionMaxAge;
		}

		public void setRetentionMaxAge(Duration retentionMaxAge) {
			this.retentionMaxAge = retentionMaxAge;
		}

		public DataSize getRetentionMaxSize() {
			return this.retentionMaxSize;
		}

		public void setRetentionMaxSize(DataSize retentionMaxSize) {
			this.retentionMaxSize = retentionMaxSize;
		}

		public int getMaxQueuedAppends() {
			return this.maxQueuedAppends;
		}

		public void setMaxQueuedAppends(int maxQueuedAppends) {
			this.maxQueuedAppends = maxQueuedAppends;
		}

	}

}
