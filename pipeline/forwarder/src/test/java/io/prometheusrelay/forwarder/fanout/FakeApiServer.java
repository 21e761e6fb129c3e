package io.prometheusrelay.forwarder.fanout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.prometheusrelay.transport.BatchOutcome;
import io.prometheusrelay.transport.RelayServer;
import io.prometheusrelay.transport.RelayServerOptions;
import reactor.core.publisher.Mono;

/** An api-server's relay port that can go away and come back on the same port, recording what it got. */
final class FakeApiServer implements AutoCloseable {

	final int port;

	private final Function<byte[], Mono<BatchOutcome>> behaviour;

	private final List<List<Byte>> received = new CopyOnWriteArrayList<>();

	private final List<List<Byte>> acked = new CopyOnWriteArrayList<>();

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
				Duration.ofSeconds(30), Duration.ofSeconds(1)), batch -> {
					List<Byte> bytes = new ArrayList<>();
					for (byte b : batch) {
						bytes.add(b);
					}
					this.received.add(bytes);
					return this.behaviour.apply(batch).doOnNext(outcome -> {
						if (outcome.acked()) {
							this.acked.add(bytes);
						}
					});
				}, this.registry);
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
