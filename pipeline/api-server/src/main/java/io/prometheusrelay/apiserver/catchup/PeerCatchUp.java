package io.prometheusrelay.apiserver.catchup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.apiserver.wire.BatchIdentity;
import io.prometheusrelay.protocol.replica.BatchEntry;
import io.prometheusrelay.protocol.replica.BatchInventory;
import io.prometheusrelay.protocol.replica.InventoryRequest;
import io.prometheusrelay.protocol.replica.ReplicaGrpc;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.model.StoredBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Copies from peer api-servers what this one lacks. Every {@code interval}, for each peer found
 * through discovery: ask for its inventory (only batches newer than this replica's retention horizon,
 * and stored more than {@code settle} ago: younger ones are on their way from the forwarder), keep
 * those this store does not hold, and copy everything the peer stores in their time ranges
 * ({@link RangeCopy}), oldest first; then record the lacking batches as held. The store keeps a
 * sample once however often it arrives, so the samples of batches this replica had already, which
 * the ranges hold too, cost a comparison, not a second copy.
 * <p>
 * What is still lacking is always reported, per peer, in the meters and in health, until it is held.
 * One thread does all of it, so catching up costs each peer at most one call at a time.
 */
public final class PeerCatchUp implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(PeerCatchUp.class);

	/**
	 * Batches about to leave this replica's retention by age are not worth copying; what the replica's
	 * retention deleted must never be copied back.
	 */
	private static final Duration HORIZON_MARGIN = Duration.ofHours(1);

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private final Tsdb tsdb;

	private final DiscoveryClient discovery;

	private final ReplicaIdentity identity;

	private final CatchUpOptions options;

	private final Clock clock;

	private final MeterRegistry registry;

	private final Map<String, PeerStatus> peers = new ConcurrentHashMap<>();

	private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

	private final ScheduledExecutorService thread;

	public PeerCatchUp(Tsdb tsdb, DiscoveryClient discovery, ReplicaIdentity identity, CatchUpOptions options,
			Clock clock, MeterRegistry registry) {
		this.tsdb = tsdb;
		this.discovery = discovery;
		this.identity = identity;
		this.options = options;
		this.clock = clock;
		this.registry = registry;
		this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "peer-catch-up");
			thread.setDaemon(true);
			return thread;
		});
		// A new, empty replica starts copying at once; later comparisons follow the interval.
		this.thread.scheduleWithFixedDelay(this::round, 0, options.interval().toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Each peer's status, in address order. */
	public List<PeerReport> status() {
		return this.peers.values()
			.stream()
			.sorted((a, b) -> a.address.compareTo(b.address))
			.map(PeerReport::of)
			.toList();
	}

	/** Whether every peer but this replica was compared and nothing is lacking from it. */
	public boolean converged() {
		return this.peers.values().stream().allMatch(PeerStatus::converged);
	}

	private void round() {
		try {
			Set<String> current = peerAddresses();
			forgetPeersNotIn(current);
			for (String address : current) {
				PeerStatus peer = this.peers.computeIfAbsent(address, this::newPeer);
				if (!peer.self && !Thread.currentThread().isInterrupted()) {
					catchUpFrom(peer);
				}
			}
		}
		catch (RuntimeException ex) {
			// Discovery failing (Consul away) must not end the schedule.
			logger.warn("Catch-up round failed: {}", ex.getMessage());
		}
	}

	private Set<String> peerAddresses() {
		return this.discovery.getInstances(this.options.serviceId())
			.stream()
			.map(PeerCatchUp::address)
			.collect(Collectors.toCollection(TreeSet::new));
	}

	private static String address(ServiceInstance instance) {
		return instance.getHost() + ":" + instance.getPort();
	}

	private void catchUpFrom(PeerStatus peer) {
		ReplicaGrpc.ReplicaBlockingStub stub = ReplicaGrpc.newBlockingStub(channel(peer.address));
		List<StoredBatch> lacking;
		try {
			lacking = compare(peer, stub);
		}
		catch (StatusRuntimeException ex) {
			peer.failed("inventory: " + describe(ex));
			logger.debug("Catch-up from {}: inventory failed: {}", peer.address, describe(ex));
			return;
		}
		if (peer.self || lacking.isEmpty()) {
			return;
		}
		List<RangeCopy.Range> ranges = RangeCopy.ranges(lacking);
		logger.info("Catch-up from {}: {} batches lacking here, in {} time ranges; copying", peer.address,
				lacking.size(), ranges.size());
		RangeCopy copy = new RangeCopy(this.tsdb, stub, this.options.callTimeout(), peer);
		for (RangeCopy.Range range : ranges) {
			if (Thread.currentThread().isInterrupted() || !copy.copy(range)) {
				break;
			}
		}
		logger.info("Catch-up from {}: copied {} batches so far", peer.address, peer.copiedBatches.get());
	}

	/** The peer's batches this store does not hold, oldest first; sets what the peer is lacked. */
	private List<StoredBatch> compare(PeerStatus peer, ReplicaGrpc.ReplicaBlockingStub stub) {
		long now = this.clock.millis();
		Duration keep = this.tsdb.options().retentionMaxAge();
		long horizon = Math.max(this.tsdb.retentionFloor(),
				now - Math.max(keep.minus(HORIZON_MARGIN).toMillis(), keep.toMillis() / 2));
		InventoryRequest request = InventoryRequest.newBuilder()
			.setNewestSampleAfterMs(horizon)
			.setStoredBeforeMs(now - this.options.settle().toMillis())
			.build();
		List<StoredBatch> lacking = new ArrayList<>();
		Context.CancellableContext call = Context.current().withCancellation();
		try {
			Iterator<BatchInventory> inventory = call.call(() -> stub
				.withDeadlineAfter(this.options.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
				.inventory(request));
			while (call.call(inventory::hasNext)) {
				BatchInventory message = call.call(inventory::next);
				if (message.getReplicaId().equals(this.identity.id())) {
					peer.self = true;
					logger.info("Catch-up: {} is this replica; skipped", peer.address);
					return List.of();
				}
				for (BatchEntry entry : message.getBatchesList()) {
					// An entry that is not 16 bytes of identity, or has no extent, is no batch to copy.
					if (entry.getId().size() != 16 || entry.getOldestSampleMs() > entry.getNewestSampleMs()) {
						continue;
					}
					StoredBatch batch = new StoredBatch(BatchIdentity.of(entry.getId().asReadOnlyByteBuffer()),
							entry.getOldestSampleMs(), entry.getNewestSampleMs(), entry.getStoredMs());
					if (!this.tsdb.holds(batch.id())) {
						lacking.add(batch);
					}
				}
			}
		}
		catch (StatusRuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw Status.fromThrowable(ex).asRuntimeException();
		}
		finally {
			call.cancel(null);
		}
		lacking.sort(Comparator.comparingLong(StoredBatch::minTime));
		peer.lacks(lacking.size());
		// As of when the inventory was asked for: what the peer stored later is not in this comparison.
		peer.lastCompared = Instant.ofEpochMilli(now);
		peer.lastError = null;
		return lacking;
	}

	static String describe(StatusRuntimeException ex) {
		Status status = ex.getStatus();
		return status.getCode() + ((status.getDescription() != null) ? ": " + status.getDescription() : "");
	}

	private ManagedChannel channel(String address) {
		return this.channels.computeIfAbsent(address, target -> {
			NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target, this.options.credentials())
				.maxInboundMessageSize(this.options.maxMessageSize());
			String token = this.options.token();
			if (token != null) {
				Metadata headers = new Metadata();
				headers.put(AUTHORIZATION, "Bearer " + token);
				builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
			}
			return builder.build();
		});
	}

	private PeerStatus newPeer(String address) {
		PeerStatus peer = new PeerStatus(address);
		new PeerMeters(peer).bindTo(this.registry);
		return peer;
	}

	private void forgetPeersNotIn(Collection<String> current) {
		for (String address : List.copyOf(this.peers.keySet())) {
			if (!current.contains(address)) {
				this.peers.remove(address);
				PeerMeters.remove(this.registry, address);
				ManagedChannel channel = this.channels.remove(address);
				if (channel != null) {
					channel.shutdownNow();
				}
			}
		}
	}

	/** Stops copying (what was handed to the store completes or fails there) and closes the channels. */
	@Override
	public void close() {
		this.thread.shutdownNow();
		try {
			this.thread.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.channels.values().forEach(ManagedChannel::shutdownNow);
	}

}
