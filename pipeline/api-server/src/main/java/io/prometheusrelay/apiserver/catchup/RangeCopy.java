package io.prometheusrelay.apiserver.catchup;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.prometheusrelay.apiserver.wire.WriteRequestDecoder;
import io.prometheusrelay.protocol.replica.FetchRequest;
import io.prometheusrelay.protocol.replica.FetchedSeries;
import io.prometheusrelay.protocol.replica.ReplicaGrpc;
import io.prometheusrelay.tsdb.AppendResult;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.StoredBatch;
import io.prometheusrelay.tsdb.model.WriteBatch;

/**
 * Copies one time range from a peer: everything the peer stores in it, streamed in messages of about
 * a megabyte and stored as they come (a few in flight, so that they share the store's group commits),
 * and then, once all of it is stored, the identities of the lacking batches whose extent lies in the
 * range. The copied samples are stored under no identity of their own: only the peer's batches are
 * recorded, so two replicas never copy back and forth what one of them made up.
 */
final class RangeCopy {

	/** Time a fetch call covers at most: a long outage is copied in pieces, each with the call deadline. */
	static final long MAX_FETCH_SPAN_MS = Duration.ofMinutes(15).toMillis();

	/** Lacking batches less than this far apart are copied as one range. */
	static final long MERGE_GAP_MS = Duration.ofMinutes(1).toMillis();

	/** Messages handed to the store and not stored yet, at most. */
	private static final int IN_FLIGHT = 8;

	/** Lacking batches whose extents overlap, as one range to fetch. */
	record Range(long start, long end, List<StoredBatch> batches) {
	}

	private final Tsdb tsdb;

	private final ReplicaGrpc.ReplicaBlockingStub stub;

	private final Duration callTimeout;

	private final PeerStatus peer;

	RangeCopy(Tsdb tsdb, ReplicaGrpc.ReplicaBlockingStub stub, Duration callTimeout, PeerStatus peer) {
		this.tsdb = tsdb;
		this.stub = stub;
		this.callTimeout = callTimeout;
		this.peer = peer;
	}

	/**
	 * The lacking batches (sorted by oldest sample) merged into ranges wherever their extents are less
	 * than {@value #MERGE_GAP_MS} ms apart: the batches of an outage follow each other by seconds, and
	 * copying the little between them (which the store keeps once) costs less than a call per batch,
	 * each of which reads every series of the peer.
	 */
	static List<Range> ranges(List<StoredBatch> lacking) {
		List<Range> ranges = new ArrayList<>();
		long start = 0;
		long end = 0;
		List<StoredBatch> batches = new ArrayList<>();
		for (StoredBatch batch : lacking) {
			if (!batches.isEmpty() && batch.minTime() > end + MERGE_GAP_MS) {
				ranges.add(new Range(start, end, batches));
				batches = new ArrayList<>();
			}
			if (batches.isEmpty()) {
				start = batch.minTime();
				end = batch.maxTime();
			}
			end = Math.max(end, batch.maxTime());
			batches.add(batch);
		}
		if (!batches.isEmpty()) {
			ranges.add(new Range(start, end, batches));
		}
		return ranges;
	}

	/** Copies the range; false (with the failure reported) if the peer or the store failed. */
	boolean copy(Range range) {
		for (long from = range.start(); from <= range.end(); from += MAX_FETCH_SPAN_MS) {
			long to = Math.min(range.end(), from + MAX_FETCH_SPAN_MS - 1);
			if (!fetch(from, to)) {
				return false;
			}
		}
		List<CompletableFuture<AppendResult>> recorded = new ArrayList<>();
		for (StoredBatch batch : range.batches()) {
			recorded.add(this.tsdb.appendCopy(new WriteBatch(batch.id(), List.of(), List.of(), batch.minTime(),
					batch.maxTime())));
		}
		for (CompletableFuture<AppendResult> done : recorded) {
			if (!stored(done)) {
				return false;
			}
		}
		this.peer.resolved(range.batches().size(), true);
		return true;
	}

	private boolean fetch(long from, long to) {
		Deque<CompletableFuture<AppendResult>> inFlight = new ArrayDeque<>();
		Context.CancellableContext call = Context.current().withCancellation();
		try {
			Iterator<FetchedSeries> messages = call.call(() -> this.stub
				.withDeadlineAfter(this.callTimeout.toMillis(), TimeUnit.MILLISECONDS)
				.fetch(FetchRequest.newBuilder().setStartMs(from).setEndMs(to).build()));
			while (call.call(messages::hasNext)) {
				FetchedSeries message = call.call(messages::next);
				WriteBatch batch = WriteRequestDecoder.decode(message.toByteArray(), BatchId.NONE);
				this.peer.copiedSamples.addAndGet(batch.sampleCount());
				inFlight.add(this.tsdb.appendCopy(batch));
				while (inFlight.size() >= IN_FLIGHT) {
					if (!stored(inFlight.poll())) {
						return false;
					}
				}
			}
		}
		catch (StatusRuntimeException ex) {
			this.peer.failed("fetch: " + PeerCatchUp.describe(ex));
			return false;
		}
		catch (InvalidProtocolBufferException ex) {
			this.peer.failed("fetch: the peer sent what is not a remote-write request: " + ex.getMessage());
			return false;
		}
		catch (Exception ex) {
			this.peer.failed("fetch: " + ex);
			return false;
		}
		finally {
			call.cancel(null);
		}
		// Every copy handed to the store is waited for, so that nothing is recorded before it is stored.
		boolean allStored = true;
		for (CompletableFuture<AppendResult> done : inFlight) {
			allStored &= stored(done);
		}
		return allStored;
	}

	/** Waits for the store; false, with the failure reported, if it failed. */
	private boolean stored(CompletableFuture<AppendResult> done) {
		try {
			done.get(this.callTimeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
			this.peer.failed("store: " + cause.getMessage());
			return false;
		}
	}

}
