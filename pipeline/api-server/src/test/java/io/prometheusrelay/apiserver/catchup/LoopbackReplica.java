package io.prometheusrelay.apiserver.catchup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.apiserver.grpc.GrpcEndpoint;
import io.prometheusrelay.apiserver.grpc.GrpcReadServer;
import io.prometheusrelay.apiserver.grpc.PrometheusGrpcService;
import io.prometheusrelay.apiserver.grpc.ReadLimits;
import io.prometheusrelay.apiserver.store.FsyncPolicy;
import io.prometheusrelay.apiserver.store.SegmentStore;
import io.prometheusrelay.apiserver.store.StoreOptions;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;

/** One api-server's store, served over gRPC with the Replica service, as the api-server wires it. */
final class LoopbackReplica implements AutoCloseable {

	final String name;

	final Path dataDir;

	final SegmentStore store;

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
		this.store = SegmentStore.open(new StoreOptions(dataDir, FsyncPolicy.BATCH, Duration.ofSeconds(1), 64 << 10,
				Duration.ofHours(1), Duration.ofDays(1), 1L << 30, 1024, true), Clock.systemUTC(), registry);
		ReadLimits limits = new ReadLimits(16, 16, 32, 1024, 4096, 1000, 256 << 10, 4, 1024);
		this.server = GrpcReadServer.start(endpoint, new PrometheusGrpcService(this.store, limits, registry),
				Duration.ofSeconds(1), Duration.ofSeconds(1),
				new ReplicaService(this.store, this.identity, this.reads, registry));
	}

	String address() {
		return "127.0.0.1:" + this.server.port();
	}

	void append(WriteRequest request) throws Exception {
		this.store.append(request.toByteArray()).get(10, TimeUnit.SECONDS);
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
