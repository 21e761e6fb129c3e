package io.prometheusrelay.apiserver.catchup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.apiserver.store.BatchId;
import io.prometheusrelay.apiserver.store.BatchIndex;
import io.prometheusrelay.apiserver.store.SegmentStore;
import io.prometheusrelay.protocol.replica.BatchEntry;
import io.prometheusrelay.protocol.replica.FetchRequest;
import io.prometheusrelay.protocol.replica.InventoryRequest;
import io.prometheusrelay.protocol.replica.ReplicaGrpc;
import io.prometheusrelay.protocol.replica.SegmentInventory;
import io.prometheusrelay.protocol.replica.StoredBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves this replica's store to peers that catch up from it: the inventory of its batches, and
 * single batches by segment, offset and identity. Files are read on {@code reads}, never on the
 * transport's threads (the gRPC server runs handlers on them directly); a full queue refuses the
 * call with RESOURCE_EXHAUSTED, so a peer catching up cannot crowd out reads.
 */
public final class ReplicaService extends ReplicaGrpc.ReplicaImplBase implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ReplicaService.class);

	/** Batches per inventory message: about 400 KB, far below any client's message limit. */
	static final int ENTRIES_PER_MESSAGE = 8192;

	private final SegmentStore store;

	private final ReplicaIdentity identity;

	private final ExecutorService reads;

	private final LongAdder servedBatches = new LongAdder();

	private final LongAdder servedBytes = new LongAdder();

	/** Serves {@code store}, reading files on {@code reads}, which it owns from now on and shuts down on close. */
	public ReplicaService(SegmentStore store, ReplicaIdentity identity, ExecutorService reads, MeterRegistry registry) {
		this.store = store;
		this.identity = identity;
		this.reads = reads;
		new ServedMetrics(this.servedBatches, this.servedBytes).bindTo(registry);
	}

	@Override
	public void inventory(InventoryRequest request, StreamObserver<SegmentInventory> responses) {
		// Unset (0): no limit.
		long storedBefore = (request.getStoredBeforeMs() != 0) ? request.getStoredBeforeMs() : Long.MAX_VALUE;
		offload(responses, () -> {
			for (BatchIndex.Segment segment : this.store.inventory()) {
				SegmentInventory.Builder message = newMessage(segment);
				for (BatchIndex.Entry entry : segment.entries()) {
					if (entry.newestSample() <= request.getNewestSampleAfterMs() || entry.stored() >= storedBefore) {
						continue;
					}
					message.addBatches(toProto(entry));
					if (message.getBatchesCount() == ENTRIES_PER_MESSAGE) {
						responses.onNext(message.build());
						message = newMessage(segment);
					}
				}
				if (message.getBatchesCount() > 0) {
					responses.onNext(message.build());
				}
			}
			// A store with nothing to offer still says who it is.
			responses.onNext(SegmentInventory.newBuilder().setReplicaId(this.identity.id()).build());
			responses.onCompleted();
		});
	}

	@Override
	public void fetch(FetchRequest request, StreamObserver<StoredBatch> response) {
		if (request.getId().size() != 16 || !isSegmentName(request.getSegment())) {
			response.onError(Status.INVALID_ARGUMENT
				.withDescription("a fetch names a segment file and a 16-byte batch identity")
				.asRuntimeException());
			return;
		}
		ByteBuffer id = request.getId().asReadOnlyByteBuffer();
		BatchId batchId = new BatchId(id.getLong(), id.getLong());
		offload(response, () -> {
			Optional<byte[]> payload = this.store.read(request.getSegment(), request.getOffset(), batchId);
			if (payload.isEmpty()) {
				response.onError(Status.NOT_FOUND
					.withDescription("no batch " + batchId + " at " + request.getSegment() + ":" + request.getOffset())
					.asRuntimeException());
				return;
			}
			this.servedBatches.increment();
			this.servedBytes.add(payload.get().length);
			response.onNext(StoredBatch.newBuilder().setPayload(ByteString.copyFrom(payload.get())).build());
			response.onCompleted();
		});
	}

	/** Stops reading for peers; calls still reading are cut short. */
	@Override
	public void close() {
		this.reads.shutdownNow();
	}

	private SegmentInventory.Builder newMessage(BatchIndex.Segment segment) {
		return SegmentInventory.newBuilder().setReplicaId(this.identity.id()).setSegment(segment.name());
	}

	private static BatchEntry toProto(BatchIndex.Entry entry) {
		return BatchEntry.newBuilder()
			.setId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(entry.id().high()).putLong(entry.id().low()).flip()))
			.setOffset(entry.offset())
			.setSize(entry.size())
			.setNewestSampleMs(entry.newestSample())
			.setStoredMs(entry.stored())
			.build();
	}

	/** A segment file name, nothing that could point elsewhere. */
	private static boolean isSegmentName(String name) {
		return name.endsWith(".seg") && !name.contains("/") && !name.contains("\\") && !name.startsWith(".");
	}

	private void offload(StreamObserver<?> observer, IoTask task) {
		try {
			this.reads.execute(() -> {
				try {
					task.run();
				}
				catch (IOException ex) {
					logger.warn("Serving a peer failed: {}", ex.getMessage());
					fail(observer, Status.INTERNAL.withDescription(ex.getMessage()));
				}
				catch (RuntimeException ex) {
					// The peer cancelled (onNext throws), or a bug: either way this call is over.
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
	private interface IoTask {

		void run() throws IOException;

	}

}
