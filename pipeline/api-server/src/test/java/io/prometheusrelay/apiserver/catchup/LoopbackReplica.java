package io.prometheusrelay.apiserver.catchup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.grpc.GrpcEndpoint;
import io.prometheusrelay.apiserver.grpc.GrpcReadServer;
import io.prometheusrelay.apiserver.grpc.PrometheusGrpcService;
import io.prometheusrelay.apiserver.grpc.ReadLimits;
import io.prometheusrelay.apiserver.wire.WriteRequestDecoder;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.tsdb.FsyncPolicy;
import io.prometheusrelay.tsdb.Tsdb;
import io.prometheusrelay.tsdb.TsdbOptions;
import io.prometheusrelay.tsdb.chunkenc.SampleIterator;
import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.StoredBatch;
import io.prometheusrelay.tsdb.model.ValueType;
import io.prometheusrelay.tsdb.query.Querier;

/** One api-server's store, served over gRPC with the Replica service, as the api-server wires it. */
final class LoopbackReplica implements AutoCloseable {

	final String name;

	final Path dataDir;

	final Tsdb store;

	final ReplicaIdentity identity = ReplicaIdentity.random();

	final ThreadPoolExecutor reads = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS,
			new ArrayBlockingQueue<>(16));

	final GrpcReadServer server;

	private boolean closed;

	LoopbackReplica(String name, Path dataDir) throws Exception {
		this(name, dataDir, GrpcEndpoint.plain("127.0.0.1", 0));
	}

	LoopbackReplica(String name, Path dataDir, GrpcEndpoint endpoint) throws Exception {
		this.name = name;
		this.dataDir = dataDir;
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		this.store = Tsdb.open(TsdbOptions.defaults(dataDir).withFsync(FsyncPolicy.BATCH).withWalSegmentBytes(64 << 10),
				Clock.systemUTC());
		ReadLimits limits = new ReadLimits(16, 16, 32, 1024, 4096, 1000, 256 << 10, 4, 1024);
		this.server = GrpcReadServer.start(endpoint, new PrometheusGrpcService(this.store, limits, registry),
				Duration.ofSeconds(1), Duration.ofSeconds(1),
				new ReplicaService(this.store, this.identity, this.reads, registry));
	}

	String address() {
		return "127.0.0.1:" + this.server.port();
	}

	void append(WriteRequest request) throws Exception {
		this.store.append(WriteRequestDecoder.decode(request.toByteArray())).get(10, TimeUnit.SECONDS);
	}

	/** The identities of the batches the store holds. */
	Set<BatchId> ids() {
		Set<BatchId> ids = new HashSet<>();
		for (StoredBatch batch : this.store.batches()) {
			ids.add(batch.id());
		}
		return ids;
	}

	/** Every sample the store holds, as {@code labels@timestamp=value}, in order. */
	List<String> samples() {
		List<String> samples = new ArrayList<>();
		Querier querier = this.store.querier(Long.MIN_VALUE, Long.MAX_VALUE);
		querier.select(List.of()).forEachRemaining(series -> {
			SampleIterator it = querier.samples(series);
			for (ValueType type = it.next(); type != ValueType.NONE; type = it.next()) {
				samples.add(series.labels() + "@" + it.timestamp() + "=" + it.sample(type));
			}
		});
		return samples;
	}

	@Override
	public void close() throws Exception {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.server.close();
		this.reads.shutdownNow();
		this.store.close();
	}

}
