package io.prometheusrelay.forwarder.fanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.transport.BatchHandler;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** An api-server's relay port that can go away and come back on the same port, recording what it got. */
final class FakeApiServer implements AutoCloseable {

	final int port;

	private final Function<byte[], Mono<BatchOutcome>> behaviour;

	private final List<List<Byte>> received = new CopyOnWriteArrayList<>();

	private final List<List<Byte>> acked = new CopyOnWriteArrayList<>();

	private final Map<BatchDigest, List<Byte>> digests = new ConcurrentHashMap<>();

	private List<List<Byte>> receivedBefore = List.of();

	private final MeterRegistry registry;

	private RelayServer server;

	FakeApiServer(int port, Function<byte[], Mono<BatchOutcome>> behaviour, MeterRegistry registry) {
		this.port = port;
		this.behaviour = behaviour;
		this.registry = registry;
	}

	String name() {
		return "127.0.0.1:" + this.port;
	}

	void start() {
		this.server = RelayServer.start(new RelayServerOptions("api-server", "127.0.0.1", this.port, 1 << 20, 64,
				Duration.ofSeconds(30), Duration.ofSeconds(1)), new BatchHandler() {

					@Override
					public Mono<BatchOutcome> handle(byte[] writeRequest) {
						return handle(writeRequest, null);
					}

					/** As the api-server's does, so that the forwarder sends it digests. */
					@Override
					public boolean usesDigests() {
						return true;
					}

					@Override
					public Mono<BatchOutcome> handle(byte[] batch, @Nullable BatchDigest digest) {
						List<Byte> bytes = new ArrayList<>();
						for (byte b : batch) {
							bytes.add(b);
						}
						FakeApiServer.this.received.add(bytes);
						if (digest != null) {
							FakeApiServer.this.digests.put(digest, bytes);
						}
						return FakeApiServer.this.behaviour.apply(batch).doOnNext(outcome -> {
							if (outcome.acked()) {
								FakeApiServer.this.acked.add(bytes);
							}
						});
					}

				}, this.registry);
	}

	/** The digest each batch that came with one came with. */
	Map<BatchDigest, List<Byte>> digests() {
		return this.digests;
	}

	/** Goes away; what it received so far is kept apart from what it receives once started again. */
	void stop() {
		this.server.close();
		this.server = null;
		this.receivedBefore = List.copyOf(this.received);
		this.received.clear();
		this.acked.clear();
	}

	List<List<Byte>> received() {
		return this.received;
	}

	List<List<Byte>> receivedBefore() {
		return this.receivedBefore;
	}

	List<List<Byte>> acked() {
		return this.acked;
	}

	@Override
	public void close() {
		if (this.server != null) {
			this.server.close();
		}
	}

}
