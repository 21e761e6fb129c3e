package io.prometheusrelay.apiserver.catchup;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.apiserver.store.BatchId;
import io.prometheusrelay.apiserver.store.SegmentStore;
import io.prometheusrelay.protocol.replica.BatchEntry;
import io.prometheusrelay.protocol.replica.FetchRequest;
import io.prometheusrelay.protocol.replica.InventoryRequest;
import io.prometheusrelay.protocol.replica.ReplicaGrpc;
import io.prometheusrelay.protocol.replica.SegmentInventory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Copies from peer api-servers the batches this one lacks. Every {@code interval}, for each peer
 * found through discovery: ask for its inventory (only batches newer than this replica's
 * retention horizon, and stored more than {@code settle} ago: younger ones are on their way from the
 * forwarder), keep the identities this store does not hold, and fetch and store those one by one,
 * oldest first. Copies are stored like relayed batches; the store's batch identities make a copy
 * and a later delivery of the same batch one record.
 * <p>
 * What is still lacking is always reported, per peer, in the meters and in health, until it is held.
 * One thread does all of it, so catching up costs each peer at most one call at a time.
 * <p>
 * Longer than this project's usual 300 lines on purpose: a round (discover, compare, copy, report)
 * is that one thread's code and reads top to bottom here; what a round reports is {@link PeerStatus}
 * and {@link PeerReport}, the meters {@link PeerMeters}, the options {@link CatchUpOptions}.
 */
public final class PeerCatchUp implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(PeerCatchUp.class);

	/**
	 * Batches about to leave this replica's retention by age are not worth copying; a batch the
	 * replica's retention deleted must never be copied back (samples may be stamped up to the
	 * receiver's future-skew limit, 10 minutes by default, after the segment's time).
	 */
	private static final Duration HORIZON_MARGIN = Duration.ofHours(1);

	/** Copies waiting for the store at once, and their bytes: enough to share group commits. */
	private static final int COPIES_IN_FLIGHT = 32;

	private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final long BYTES_IN_FLIGHT = 64L << 20;

	private final SegmentStore store;

	private final DiscoveryClient discovery;

	private final ReplicaIdentity identity;

	private final CatchUpOptions options;

	private final Clock clock;

	private final MeterRegistry registry;

	private final Map<String, PeerStatus> peers = new ConcurrentHashMap<>();

	private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

	private final ScheduledExecutorService thread;

	public PeerCatchUp(SegmentStore store, DiscoveryClient discovery, ReplicaIdentity identity, CatchUpOptions options,
			Clock clock, MeterRegistry registry) {
		this.store = store;
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
		List<Lacking> lacking;
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
		logger.info("Catch-up from {}: {} batches ({} bytes) lacking here; copying", peer.address, lacking.size(),
				peer.lackingBytes.get());
		copyAll(peer, stub, lacking);
		logger.info("Catch-up from {}: copied {} batches so far", peer.address, peer.copiedBatches.get());
	}

	/** The peer's batches this store does not hold, oldest first; sets what the peer is lacked. */
	private List<Lacking> compare(PeerStatus peer, ReplicaGrpc.ReplicaBlockingStub stub) {
		long now = this.clock.millis();
		Duration keep = this.store.retentionMaxAge();
		long horizon = Math.max(this.store.retentionFloor(),
				now - Math.max(keep.minus(HORIZON_MARGIN).toMillis(), keep.toMillis() / 2));
		InventoryRequest request = InventoryRequest.newBuilder()
			.setNewestSampleAfterMs(horizon)
			.setStoredBeforeMs(now - this.options.settle().toMillis())
			.build();
		List<Lacking> lacking = new ArrayList<>();
		long bytes = 0;
		Context.CancellableContext call = Context.current().withCancellation();
		try {
			Iterator<SegmentInventory> inventory = call.call(() -> stub
				.withDeadlineAfter(this.options.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
				.inventory(request));
			while (call.call(inventory::hasNext)) {
				SegmentInventory message = call.call(inventory::next);
				if (message.getReplicaId().equals(this.identity.id())) {
					peer.self = true;
					logger.info("Catch-up: {} is this replica; skipped", peer.address);
					return List.of();
				}
				for (BatchEntry entry : message.getBatchesList()) {
					// An entry that is not 16 bytes of identity, or too big to take, is no batch to copy.
					if (entry.getId().size() != 16 || entry.getSize() > this.options.maxBatchSize()) {
						continue;
					}
					BatchId id = toBatchId(entry);
					if (!this.store.holds(id)) {
						lacking.add(new Lacking(message.getSegment(), entry, id));
						bytes += entry.getSize();
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
		peer.lacks(lacking.size(), bytes);
		// As of when the inventory was asked for: what the peer stored later is not in this comparison.
		peer.lastCompared = Instant.ofEpochMilli(now);
		peer.lastError = null;
		return lacking;
	}

	/**
	 * Fetches the lacking batches in order and stores them, fetching the next ones while the store
	 * writes the last: with up to {@value #COPIES_IN_FLIGHT} copies waiting for the store, they share
	 * its group commits instead of paying one fsync each. Stops at the first failure of the peer or
	 * the store; the next round takes up what is still lacking.
	 */
	private void copyAll(PeerStatus peer, ReplicaGrpc.ReplicaBlockingStub stub, List<Lacking> lacking) {
		Deque<PendingCopy> inFlight = new ArrayDeque<>();
		long inFlightBytes = 0;
		boolean failed = false;
		for (Lacking batch : lacking) {
			if (Thread.currentThread().isInterrupted()) {
				break;
			}
			if (this.store.holds(batch.id)) {
				peer.resolved(batch.entry.getSize(), false);
				continue;
			}
			Optional<byte[]> payload;
			try {
				payload = fetch(stub, batch);
			}
			catch (StatusRuntimeException ex) {
				peer.failed("fetch: " + describe(ex));
				failed = true;
				break;
			}
			if (payload.isEmpty()) {
				// Deleted by the peer's retention since it was listed: no longer the peer's to give.
				peer.resolved(batch.entry.getSize(), false);
				continue;
			}
			if (!BatchId.of(payload.get()).equals(batch.id)) {
				peer.failed("fetch: the peer sent another batch than " + batch.id);
				failed = true;
				break;
			}
			inFlight.add(new PendingCopy(this.store.appendCopy(payload.get()), payload.get().length));
			inFlightBytes += payload.get().length;
			while (!failed && (inFlight.size() >= COPIES_IN_FLIGHT || inFlightBytes > BYTES_IN_FLIGHT)) {
				PendingCopy oldest = inFlight.poll();
				inFlightBytes -= oldest.bytes;
				failed = !stored(peer, oldest);
			}
			if (failed) {
				break;
			}
		}
		// Every copy handed to the store is waited for, so that what is lacking is counted right.
		for (PendingCopy copy : inFlight) {
			stored(peer, copy);
		}
	}

	/** The peer's batch, or empty if the peer no longer holds it there. */
	private Optional<byte[]> fetch(ReplicaGrpc.ReplicaBlockingStub stub, Lacking batch) {
		try {
			return Optional.of(stub.withDeadlineAfter(this.options.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
				.fetch(FetchRequest.newBuilder()
					.setSegment(batch.segment)
					.setOffset(batch.entry.getOffset())
					.setId(batch.entry.getId())
					.build())
				.getPayload()
				.toByteArray());
		}
		catch (StatusRuntimeException ex) {
			if (ex.getStatus().getCode() == Status.Code.NOT_FOUND) {
				return Optional.empty();
			}
			throw ex;
		}
	}

	/** Waits for one copy to be stored; false if the store failed it. */
	private boolean stored(PeerStatus peer, PendingCopy copy) {
		try {
			copy.done.get(this.options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
			peer.resolved(copy.bytes, true);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
			peer.failed("store: " + cause.getMessage());
			return false;
		}
	}

	private static BatchId toBatchId(BatchEntry entry) {
		ByteBuffer id = entry.getId().asReadOnlyByteBuffer();
		return new BatchId(id.getLong(), id.getLong());
	}

	private static String describe(StatusRuntimeException ex) {
		Status status = ex.getStatus();
		return status.getCode() + ((status.getDescription() != null) ? ": " + status.getDescription() : "");
	}

	private ManagedChannel channel(String address) {
		return this.channels.computeIfAbsent(address, target -> {
			NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target, this.options.credentials())
				.maxInboundMessageSize(this.options.maxBatchSize() + 1024);
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

	/** Stops copying (copies handed to the store complete or fail there) and closes the channels. */
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

	/** A copy handed to the store, not yet stored. */
	private record PendingCopy(CompletableFuture<Void> done, int bytes) {
	}

	/** A batch of a peer's that this store lacks. */
	private record Lacking(String segment, BatchEntry entry, BatchId id) {
	}

}
