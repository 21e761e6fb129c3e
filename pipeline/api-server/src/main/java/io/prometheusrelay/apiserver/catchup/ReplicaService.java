package io.prometheusrelay.apiserver.catchup;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.apiserver.wire.BatchIdentity;
import io.prometheusrelay.apiserver.wire.ProtoModel;
import io.prometheusrelay.apiserver.wire.TimeSeriesEncoder;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.replica.BatchEntry;
import io.prometheusrelay.protocol.replica.BatchInventory;
import io.prometheusrelay.protocol.replica.FetchRequest;
import io.prometheusrelay.protocol.replica.FetchedSeries;
import io.prometheusrelay.protocol.replica.InventoryRequest;
import io.prometheusrelay.protocol.replica.ReplicaGrpc;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.model.StoredBatch;
import io.prometheusrelay.tsdb.query.Querier;
import io.prometheusrelay.tsdb.query.SeriesChunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves this replica's store to peers that catch up from it: the inventory of its batches, and
 * everything it stores in a time range. The store is read on {@code reads}, never on the transport's
 * threads (the gRPC server runs handlers on them directly), and a range is sent only as fast as the
 * peer reads it; a full queue refuses the call with RESOURCE_EXHAUSTED, so a peer catching up cannot
 * crowd out reads.
 */
public final class ReplicaService extends ReplicaGrpc.ReplicaImplBase implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ReplicaService.class);

	/** Batches per inventory message: about 400 KB, far below any client's message limit. */
	static final int ENTRIES_PER_MESSAGE = 8192;

	/** A fetched message grows to about this size, far below the asker's message limit. */
	static final int FETCH_MESSAGE_BYTES = 1 << 20;

	private final Tsdb tsdb;

	private final ReplicaIdentity identity;

	private final ExecutorService reads;

	private final LongAdder servedSeries = new LongAdder();

	private final LongAdder servedSamples = new LongAdder();

	/** Serves {@code tsdb}, reading it on {@code reads}, which it owns from now on and shuts down on close. */
	public ReplicaService(Tsdb tsdb, ReplicaIdentity identity, ExecutorService reads, MeterRegistry registry) {
		this.tsdb = tsdb;
		this.identity = identity;
		this.reads = reads;
		new ServedMetrics(this.servedSeries, this.servedSamples).bindTo(registry);
	}

	@Override
	public void inventory(InventoryRequest request, StreamObserver<BatchInventory> responses) {
		// Unset (0): no limit.
		long storedBefore = (request.getStoredBeforeMs() != 0) ? request.getStoredBeforeMs() : Long.MAX_VALUE;
		offload(responses, () -> {
			BatchInventory.Builder message = newInventory();
			for (StoredBatch batch : this.tsdb.batches()) {
				if (batch.maxTime() <= request.getNewestSampleAfterMs() || batch.storedAt() >= storedBefore) {
					continue;
				}
				message.addBatches(BatchEntry.newBuilder()
					.setId(ByteString.copyFrom(BatchIdentity.bytes(batch.id())))
					.setOldestSampleMs(batch.minTime())
					.setNewestSampleMs(batch.maxTime())
					.setStoredMs(batch.storedAt()));
				if (message.getBatchesCount() == ENTRIES_PER_MESSAGE) {
					responses.onNext(message.build());
					message = newInventory();
				}
			}
			// A store with nothing to offer still says who it is.
			responses.onNext(message.build());
			responses.onCompleted();
		});
	}

	private BatchInventory.Builder newInventory() {
		return BatchInventory.newBuilder().setReplicaId(this.identity.id());
	}

	@Override
	public void fetch(FetchRequest request, StreamObserver<FetchedSeries> responses) {
		if (request.getEndMs() < request.getStartMs()) {
			responses.onError(Status.INVALID_ARGUMENT
				.withDescription("inverted range: end " + request.getEndMs() + " is before start " + request.getStartMs())
				.asRuntimeException());
			return;
		}
		ServerCallStreamObserver<FetchedSeries> call = (ServerCallStreamObserver<FetchedSeries>) responses;
		Semaphore ready = new Semaphore(0);
		call.setOnReadyHandler(ready::release);
		call.setOnCancelHandler(ready::release);
		offload(responses, () -> sendRange(call, ready, request.getStartMs(), request.getEndMs()));
	}

	/** Sends the range in messages of about a megabyte, each only once the peer can take it. */
	private void sendRange(ServerCallStreamObserver<FetchedSeries> call, Semaphore ready, long start, long end)
			throws InterruptedException {
		Querier querier = this.tsdb.querier(start, end);
		FetchedSeries.Builder message = FetchedSeries.newBuilder();
		this.tsdb.head().metadata().values().forEach(metadata -> message.addMetadata(ProtoModel.metadata(metadata)));
		int[] size = { message.build().getSerializedSize() };
		Iterator<SeriesChunks> series = querier.select(List.of());
		while (series.hasNext() && !call.isCancelled()) {
			SeriesChunks each = series.next();
			TimeSeriesEncoder.encode(each, querier.samples(each), 10_000, (TimeSeries timeSeries) -> {
				message.addTimeseries(timeSeries);
				size[0] += timeSeries.getSerializedSize() + 5;
				this.servedSamples.add(timeSeries.getSamplesCount() + timeSeries.getHistogramsCount());
			});
			this.servedSeries.increment();
			if (size[0] >= FETCH_MESSAGE_BYTES) {
				send(call, ready, message.build());
				message.clear();
				size[0] = 0;
			}
		}
		if (message.getTimeseriesCount() > 0 || message.getMetadataCount() > 0) {
			send(call, ready, message.build());
		}
		if (!call.isCancelled()) {
			call.onCompleted();
		}
	}

	private static void send(ServerCallStreamObserver<FetchedSeries> call, Semaphore ready, FetchedSeries message)
			throws InterruptedException {
		while (!call.isReady() && !call.isCancelled()) {
			ready.tryAcquire(100, TimeUnit.MILLISECONDS);
		}
		if (!call.isCancelled()) {
			call.onNext(message);
		}
	}

	/** Stops reading for peers; calls still reading are cut short. */
	@Override
	public void close() {
		this.reads.shutdownNow();
	}

	private void offload(StreamObserver<?> observer, Task task) {
		try {
			this.reads.execute(() -> {
				try {
					task.run();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					fail(observer, Status.UNAVAILABLE.withDescription("shutting down"));
				}
				catch (RuntimeException ex) {
					// The peer cancelled (onNext throws), a corrupt block, or a bug: this call is over.
					logger.warn("Serving a peer failed: {}", ex.toString());
					fail(observer, Status.fromThrowable(ex));
				}
			});
		}
		catch (RejectedExecutionException ex) {
			observer.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many peers catching up at once")
				.asRuntimeException());
		}
	}

	private static void fail(StreamObserver<?> observer, Status status) {
		try {
			observer.onError(status.asRuntimeException());
		}
		catch (RuntimeException ex) {
			// Already cancelled: nobody is listening.
		}
	}

	@FunctionalInterface
	private interface Task {

		void run() throws InterruptedException;

	}

}
