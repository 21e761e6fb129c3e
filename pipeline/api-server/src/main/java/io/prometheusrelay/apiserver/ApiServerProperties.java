package io.prometheusrelay.apiserver;

import java.nio.file.Path;
import java.time.Duration;

import io.prometheusrelay.apiserver.catchup.CatchUpOptions;
import io.prometheusrelay.apiserver.grpc.GrpcTls;
import io.prometheusrelay.tsdb.FsyncPolicy;
import io.prometheusrelay.tsdb.TsdbOptions;
import io.prometheusrelay.pipeline.auth.AuthProperties;
import io.prometheusrelay.pipeline.auth.Secrets;
import io.prometheusrelay.pipeline.settings.PipelinePorts;
import io.prometheusrelay.pipeline.settings.RelayServerProperties;
import io.prometheusrelay.pipeline.settings.RelayServerSettings;
import io.prometheusrelay.pipeline.tls.ClientTlsProperties;
import io.prometheusrelay.pipeline.tls.ServerTlsProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the api-server, under {@code relay.api-server}. Longer than this project's usual
 * 300 lines on purpose: like Spring Boot's own {@code ServerProperties}, one class with a nested
 * class per group (store, gRPC, relay, catch-up), so that the whole prefix, every default and its
 * documentation are in one place and Boot's metadata sees the groups without annotations.
 */
@ConfigurationProperties("relay.api-server")
public class ApiServerProperties implements RelayServerSettings {

	/** Default port of the relay server that receives batches from the forwarder. */
	public static final int DEFAULT_RELAY_PORT = PipelinePorts.API_SERVER_RELAY;

	/** Relay server that receives batches from the forwarder. */
	@NestedConfigurationProperty
	private final RelayServerProperties relay = RelayServerProperties.listeningOn(DEFAULT_RELAY_PORT);

	private final Store store = new Store();

	private final Grpc grpc = new Grpc();

	private final CatchUp catchUp = new CatchUp();

	@Override
	public RelayServerProperties getRelay() {
		return this.relay;
	}

	@Override
	public String relayServerName() {
		return "api-server";
	}

	public Grpc getGrpc() {
		return this.grpc;
	}

	/** The gRPC read API. */
	public static class Grpc {

		/** Address the gRPC server binds. */
		private String host = "0.0.0.0";

		/** Port of the gRPC server; 0 picks a free one. */
		private int port = PipelinePorts.API_SERVER_GRPC;

		/** Streaming calls at once; more are refused with RESOURCE_EXHAUSTED. */
		private int maxConcurrentCalls = 256;

		/**
		 * Streaming calls one client has at once; more are refused with RESOURCE_EXHAUSTED. A client is the
		 * credential it authenticated with, or without credentials its address: behind HAProxy without
		 * credentials, every call through it counts as one client's.
		 */
		private int maxCallsPerClient = 64;

		/** Matchers in one request; more are refused with INVALID_ARGUMENT. */
		private int maxMatchers = 32;

		/** Characters of one regular-expression matcher; longer ones are refused with INVALID_ARGUMENT. */
		private int maxRegexLength = 1024;

		/**
		 * Instructions of one compiled regular-expression matcher (RE2/J's program size); larger ones are
		 * refused with INVALID_ARGUMENT. Matching takes time linear in a label value's length, at worst
		 * this many steps per byte: 4096 admits an alternation of 200 host:port values, and refuses
		 * {@code (.*){1,1000}}.
		 */
		private int maxRegexProgramSize = 4096;

		/** Series in one MetricsBatch. */
		private int maxBatchSeries = 1000;

		/** Size of one MetricsBatch; a batch stops growing once past it. Keep well under clients' 4MB default. */
		private DataSize maxBatchSize = DataSize.ofKilobytes(256);

		/** RANGE calls reading segment files at once; more are refused with RESOURCE_EXHAUSTED. */
		private int maxConcurrentRangeReads = 4;

		/** Stored batches a FOLLOW call may lag behind; past it the call ends with RESOURCE_EXHAUSTED. */
		private int maxFollowLagBatches = 1024;

		/** Shortest keepalive ping interval clients (and load balancers) may use. */
		private Duration permitKeepAliveTime = Duration.ofSeconds(10);

		/** On shutdown, how long calls in progress may take to finish before they are cancelled. */
		private Duration shutdownGracePeriod = Duration.ofSeconds(10);

		/** TLS on the gRPC port; with client-auth need, only clients with a certificate from the bundle's CA connect. */
		@NestedConfigurationProperty
		private final ServerTlsProperties ssl = new ServerTlsProperties();

		/**
		 * Credentials every call but health checks must carry in its {@code authorization} metadata:
		 * bearer tokens (or basic credentials). With none, anyone who can reach the port may read.
		 */
		@NestedConfigurationProperty
		private final AuthProperties auth = new AuthProperties();

		public io.prometheusrelay.apiserver.grpc.ReadLimits toLimits() {
			return new io.prometheusrelay.apiserver.grpc.ReadLimits(this.maxConcurrentCalls, this.maxCallsPerClient,
					this.maxMatchers,
					this.maxRegexLength, this.maxRegexProgramSize, this.maxBatchSeries, Math.toIntExact(this.maxBatchSize.toBytes()),
					this.maxConcurrentRangeReads, this.maxFollowLagBatches);
		}

		public ServerTlsProperties getSsl() {
			return this.ssl;
		}

		public AuthProperties getAuth() {
			return this.auth;
		}

		public String getHost() {
			return this.host;
		}

		public void setHost(String host) {
			this.host = host;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public int getMaxConcurrentCalls() {
			return this.maxConcurrentCalls;
		}

		public void setMaxConcurrentCalls(int maxConcurrentCalls) {
			this.maxConcurrentCalls = maxConcurrentCalls;
		}

		public int getMaxCallsPerClient() {
			return this.maxCallsPerClient;
		}

		public void setMaxCallsPerClient(int maxCallsPerClient) {
			this.maxCallsPerClient = maxCallsPerClient;
		}

		public int getMaxMatchers() {
			return this.maxMatchers;
		}

		public void setMaxMatchers(int maxMatchers) {
			this.maxMatchers = maxMatchers;
		}

		public int getMaxRegexLength() {
			return this.maxRegexLength;
		}

		public void setMaxRegexLength(int maxRegexLength) {
			this.maxRegexLength = maxRegexLength;
		}

		public int getMaxRegexProgramSize() {
			return this.maxRegexProgramSize;
		}

		public void setMaxRegexProgramSize(int maxRegexProgramSize) {
			this.maxRegexProgramSize = maxRegexProgramSize;
		}

		public int getMaxBatchSeries() {
			return this.maxBatchSeries;
		}

		public void setMaxBatchSeries(int maxBatchSeries) {
			this.maxBatchSeries = maxBatchSeries;
		}

		public DataSize getMaxBatchSize() {
			return this.maxBatchSize;
		}

		public void setMaxBatchSize(DataSize maxBatchSize) {
			this.maxBatchSize = maxBatchSize;
		}

		public int getMaxConcurrentRangeReads() {
			return this.maxConcurrentRangeReads;
		}

		public void setMaxConcurrentRangeReads(int maxConcurrentRangeReads) {
			this.maxConcurrentRangeReads = maxConcurrentRangeReads;
		}

		public int getMaxFollowLagBatches() {
			return this.maxFollowLagBatches;
		}

		public void setMaxFollowLagBatches(int maxFollowLagBatches) {
			this.maxFollowLagBatches = maxFollowLagBatches;
		}

		public Duration getPermitKeepAliveTime() {
			return this.permitKeepAliveTime;
		}

		public void setPermitKeepAliveTime(Duration permitKeepAliveTime) {
			this.permitKeepAliveTime = permitKeepAliveTime;
		}

		public Duration getShutdownGracePeriod() {
			return this.shutdownGracePeriod;
		}

		public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
			this.shutdownGracePeriod = shutdownGracePeriod;
		}

	}

	public Store getStore() {
		return this.store;
	}

	public CatchUp getCatchUp() {
		return this.catchUp;
	}

	/**
	 * Catching up from peer api-servers: what the forwarder's hand-off can no longer bring (an
	 * outage longer than it holds, a new and empty replica) is copied from a peer that has it.
	 */
	public static class CatchUp {

		/** The discovery service name api-servers register under, and find their peers by. */
		public static final String DEFAULT_SERVICE_ID = "prometheus-api-server";

		/** A peer's messages are about 1 MB (the replica service's); this leaves room for one larger series. */
		private static final int MAX_FETCHED_MESSAGE_SIZE = 64 << 20;

		/** Whether to compare with peers and copy what this replica lacks. */
		private boolean enabled = true;

		/**
		 * Discovery service whose instances are the peers, at their gRPC ports: the name api-servers
		 * register in Consul under, or static instances of that name. This replica finds and skips itself.
		 */
		private String serviceId = DEFAULT_SERVICE_ID;

		/** Time between two comparisons with each peer. */
		private Duration interval = Duration.ofSeconds(30);

		/** Batches a peer stored less than this long ago are left to the forwarder to deliver. */
		private Duration settle = Duration.ofMinutes(1);

		/** Deadline of each call to a peer (an inventory, or 15 minutes of its samples), and of storing what one message brings. */
		private Duration callTimeout = Duration.ofSeconds(30);

		/** TLS to the peers' gRPC ports: the bundle's CA must have signed their certificates; its key store holds this one's. */
		@NestedConfigurationProperty
		private final ClientTlsProperties ssl = new ClientTlsProperties();

		/** The bearer token sent to the peers, when their gRPC API requires one; or set token-file. */
		private @Nullable String token;

		/** A file holding the bearer token sent to the peers. */
		private @Nullable Path tokenFile;

		public CatchUpOptions toOptions(SslBundles bundles) {
			String bearer = (this.token != null || this.tokenFile != null)
					? Secrets.read("relay.api-server.catch-up.token", this.token, this.tokenFile) : null;
			return new CatchUpOptions(this.serviceId, this.interval, this.settle, this.callTimeout,
					MAX_FETCHED_MESSAGE_SIZE, GrpcTls.client(this.ssl.getBundle(), bundles), bearer);
		}

		public ClientTlsProperties getSsl() {
			return this.ssl;
		}

		public @Nullable String getToken() {
			return this.token;
		}

		public void setToken(@Nullable String token) {
			this.token = token;
		}

		public @Nullable Path getTokenFile() {
			return this.tokenFile;
		}

		public void setTokenFile(@Nullable Path tokenFile) {
			this.tokenFile = tokenFile;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getServiceId() {
			return this.serviceId;
		}

		public void setServiceId(String serviceId) {
			this.serviceId = serviceId;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getSettle() {
			return this.settle;
		}

		public void setSettle(Duration settle) {
			this.settle = settle;
		}

		public Duration getCallTimeout() {
			return this.callTimeout;
		}

		public void setCallTimeout(Duration callTimeout) {
			this.callTimeout = callTimeout;
		}

	}

	/** Segment store. */
	public static class Store {

		/**
		 * Data directory: Prometheus blocks, this store's write-ahead log ({@code wal-relay/}) and
		 * {@code latest}; owned by one instance, which locks it.
		 */
		private Path dataDir = Path.of("data", "api-server");

		/** When the write-ahead log is forced to disk: batch (before every ACK), interval, or never. */
		private FsyncPolicy fsync = FsyncPolicy.BATCH;

		/** With fsync=interval, the longest time between two fsyncs. */
		private Duration fsyncInterval = Duration.ofSeconds(1);

		/** Time range of a block cut from the head (Prometheus's 2h); blocks are merged into longer ones. */
		private Duration blockRange = Duration.ofHours(2);

		/** The longest block merging makes. */
		private Duration maxBlockDuration = Duration.ofHours(18);

		/** A write-ahead log segment is closed once it holds this much. */
		private DataSize walSegmentSize = DataSize.ofMegabytes(64);

		/**
		 * How often the head is checkpointed (and after every block cut): a restart replays at most about
		 * this much of the write-ahead log.
		 */
		private Duration checkpointInterval = Duration.ofMinutes(10);

		/** Blocks whose newest sample is older than this, counted from the newest sample stored, are deleted. */
		private Duration retentionMaxAge = Duration.ofDays(7);

		/** The oldest blocks are deleted while blocks and write-ahead log together exceed this. */
		private DataSize retentionMaxSize = DataSize.ofGigabytes(10);

		/** Batches waiting for the writer; past it, batches are NACKed as retryable. */
		private int maxQueuedAppends = 1024;

		/**
		 * Whether a batch delivered again (a sender's retry, the forwarder's replay) is acknowledged
		 * without being stored again while the store holds it. The store keeps a sample once either way;
		 * the identity of every batch held is kept in memory for it, about 150 bytes each.
		 */
		private boolean deduplicate = true;

		public TsdbOptions toOptions() {
			return new TsdbOptions(this.dataDir, this.blockRange, this.fsync, this.fsyncInterval,
					this.walSegmentSize.toBytes(), this.checkpointInterval, this.retentionMaxAge,
					this.retentionMaxSize.toBytes(), this.maxBlockDuration, this.maxQueuedAppends, this.deduplicate);
		}

		public boolean isDeduplicate() {
			return this.deduplicate;
		}

		public void setDeduplicate(boolean deduplicate) {
			this.deduplicate = deduplicate;
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

		public Duration getBlockRange() {
			return this.blockRange;
		}

		public void setBlockRange(Duration blockRange) {
			this.blockRange = blockRange;
		}

		public Duration getMaxBlockDuration() {
			return this.maxBlockDuration;
		}

		public void setMaxBlockDuration(Duration maxBlockDuration) {
			this.maxBlockDuration = maxBlockDuration;
		}

		public DataSize getWalSegmentSize() {
			return this.walSegmentSize;
		}

		public void setWalSegmentSize(DataSize walSegmentSize) {
			this.walSegmentSize = walSegmentSize;
		}

		public Duration getCheckpointInterval() {
			return this.checkpointInterval;
		}

		public void setCheckpointInterval(Duration checkpointInterval) {
			this.checkpointInterval = checkpointInterval;
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
