package io.prometheusrelay.transport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLException;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.protocol.frame.FrameType;
import io.prometheusrelay.protocol.frame.RelayFrame;
import io.prometheusrelay.transport.RelayFrameCodec;
import io.prometheusrelay.transport.RelayFrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.NettyInbound;
import reactor.netty.NettyOutbound;
import reactor.netty.NettyPipeline;
import reactor.netty.tcp.TcpServer;

/**
 * The receiving end of a relay hop: decodes frames, hands each batch to a {@link BatchHandler} and
 * answers ACK or NACK with the batch's id, many batches in flight per connection. For a handler that
 * {@link BatchHandler#usesDigests() uses digests}, every connection starts with a
 * {@link RelayFrame#versionOffer()}; heartbeats are echoed. A connection whose byte
 * stream cannot be framed is closed; one bad batch is not.
 */
public final class RelayServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RelayServer.class);

	private static final BatchOutcome SHUTTING_DOWN = BatchOutcome.nack("shutting down", true);

	private final RelayServerOptions options;

	private final BatchHandler handler;

	private final RelayServerMetrics metrics;

	private final DisposableServer server;

	/** Every open connection, so that closing the server closes them too, once they are drained. */
	private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	/** Set on close: batches that arrive from now on are NACKed (retryable) so the sender sends them elsewhere. */
	private volatile boolean draining;

	private RelayServer(RelayServerOptions options, BatchHandler handler, MeterRegistry registry) {
		this.options = options;
		this.handler = handler;
		this.metrics = new RelayServerMetrics(options.name());
		this.metrics.bindTo(registry);
		TcpServer server = TcpServer.create();
		SslContext tls = options.tls();
		if (tls != null) {
			// A peer without a trusted certificate, or not speaking TLS, fails the handshake: counted.
			server = server.secure(spec -> spec.sslContext(tls))
				.doOnChannelInit((observer, channel, remote) -> channel.pipeline()
					.addAfter(NettyPipeline.SslHandler, "relay.handshakeFailures",
							new HandshakeFailures(this.metrics.rejected("tls_handshake"))));
		}
		this.server = server
			.host(options.host())
			.port(options.port())
			.channelGroup(this.connections)
			.doOnConnection(this::onConnection)
			.handle(this::serve)
			.bindNow(Duration.ofSeconds(10));
		logger.info("Relay server '{}' listening on {}:{}{}", options.name(), options.host(), port(),
				(tls != null) ? " (TLS)" : "");
	}

	/**
	 * Counts a connection whose TLS handshake failed (a peer not speaking TLS, or without a trusted
	 * certificate), once: Netty reports it as the handshake's completion event or as an exception.
	 */
	private static final class HandshakeFailures extends ChannelInboundHandlerAdapter {

		private final LongAdder failures;

		private boolean counted;

		HandshakeFailures(LongAdder failures) {
			this.failures = failures;
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
			if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
				count();
			}
			super.userEventTriggered(context, event);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext context, Throwable cause) throws Exception {
			if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
				count();
			}
			super.exceptionCaught(context, cause);
		}

		private void count() {
			if (!this.counted) {
				this.counted = true;
				this.failures.increment();
			}
		}

	}

	/** Binds and starts serving; the returned server is closed by {@link #close()}. */
	public static RelayServer start(RelayServerOptions options, BatchHandler handler, MeterRegistry registry) {
		return new RelayServer(options, handler, registry);
	}

	public int port() {
		return this.server.port();
	}

	private void onConnection(Connection connection) {
		connection.addHandlerLast(new ReadTimeoutHandler(this.options.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
		connection.addHandlerLast(new RelayFrameDecoder(this.options.maxFrameBytes()));
		this.metrics.connections.incrementAndGet();
		logger.info("Relay server '{}': connection from {}", this.options.name(), connection.address());
		connection.onDispose(() -> {
			this.metrics.connections.decrementAndGet();
			logger.info("Relay server '{}': connection from {} closed", this.options.name(), connection.address());
		});
	}

	private Mono<Void> serve(NettyInbound inbound, NettyOutbound outbound) {
		Flux<RelayFrame> answers = inbound.receiveObject()
			.flatMap(message -> answer(message, inbound), this.options.maxInFlightPerConnection());
		if (this.handler.usesDigests()) {
			// The offer goes first, so that a sender that reads it sends its batches with their digest.
			answers = answers.startWith(RelayFrame.versionOffer());
		}
		return outbound.send(answers.map(frame -> RelayFrameCodec.encode(outbound.alloc(), frame))).then();
	}

	private Mono<RelayFrame> answer(Object message, NettyInbound inbound) {
		if (message instanceof FrameRejected rejected) {
			return reject(rejected, inbound);
		}
		RelayFrame frame = (RelayFrame) message;
		if (frame.type() == FrameType.HEARTBEAT) {
			return Mono.just(RelayFrame.heartbeat(frame.batchId()));
		}
		if (frame.type() != FrameType.BATCH) {
			this.metrics.rejected("unexpected_frame").increment();
			return Mono.just(RelayFrame.nack(frame.batchId(), "unexpected " + frame.type() + " frame", false));
		}
		if (this.draining) {
			this.metrics.batches(SHUTTING_DOWN).increment();
			return Mono.just(RelayFrame.nack(frame.batchId(), SHUTTING_DOWN.reason(), true));
		}
		this.metrics.inFlight.incrementAndGet();
		BatchDigest digest = this.handler.usesDigests() ? frame.digest() : null;
		return Mono.defer(() -> this.handler.handle(frame.payload(), digest))
			.onErrorResume(ex -> {
				logger.error("Relay server '{}': batch #{} failed in its handler", this.options.name(), frame.batchId(), ex);
				return Mono.just(BatchOutcome.nack("internal error: " + ex.getClass().getSimpleName(), true));
			})
			.defaultIfEmpty(BatchOutcome.nack("handler gave no outcome", true))
			.doFinally(signal -> this.metrics.inFlight.decrementAndGet())
			.map(outcome -> {
				this.metrics.batches(outcome).increment();
				return outcome.acked() ? RelayFrame.ack(frame.batchId())
						: RelayFrame.nack(frame.batchId(), outcome.reason(), outcome.retryable());
			});
	}

	private Mono<RelayFrame> reject(FrameRejected rejected, NettyInbound inbound) {
		if (rejected.fatal()) {
			this.metrics.rejected("protocol").increment();
			logger.warn("Relay server '{}': closing connection: {}", this.options.name(), rejected.reason());
			inbound.withConnection(Connection::dispose);
			return Mono.empty();
		}
		this.metrics.rejected(rejected.retryable() ? "checksum" : "oversize").increment();
		logger.warn("Relay server '{}': NACK #{}: {}", this.options.name(), rejected.batchId(), rejected.reason());
		return Mono.just(RelayFrame.nack(rejected.batchId(), rejected.reason(), rejected.retryable()));
	}

	/**
	 * Drains, then closes: stops accepting connections, NACKs (retryable) batches that arrive from
	 * now on, waits up to the drain timeout for the batches in progress to be answered, and only then
	 * closes the connections. A sender thus gets an answer for every batch it had sent, and a graceful
	 * restart leaves nothing half-done.
	 */
	@Override
	public void close() {
		this.draining = true;
		this.server.channel().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
		long deadline = System.nanoTime() + this.options.drainTimeout().toNanos();
		while (this.metrics.inFlight.get() > 0 && System.nanoTime() < deadline) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		int unanswered = this.metrics.inFlight.get();
		if (unanswered > 0) {
			logger.warn("Relay server '{}': closing with {} batches unanswered after {}", this.options.name(), unanswered,
					this.options.drainTimeout());
		}
		// The answers just written must leave before the connections close.
		this.connections.flush();
		this.connections.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
		this.server.disposeNow(Duration.ofSeconds(10));
	}

}
