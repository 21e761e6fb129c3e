package io.prometheusrelay.transport;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.protocol.frame.FrameType;
import io.prometheusrelay.protocol.frame.RelayFrame;
import io.prometheusrelay.transport.RelayFrameCodec;
import io.prometheusrelay.transport.RelayFrameDecoder;
import io.prometheusrelay.protocol.frame.Nack;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.NettyInbound;
import reactor.netty.tcp.TcpClient;

/**
 * The sending end of a relay hop: one long-lived connection to one peer, many batches in flight,
 * each answered by its ACK or NACK. The client keeps itself connected, with exponential backoff
 * and jitter between attempts, and sends heartbeats on an idle connection so a dead peer is noticed.
 * <p>
 * "Connected" is the health signal callers use: a batch that times out or loses its connection
 * fails with {@link RelayUnavailableException}, and a timeout also drops the connection, so a peer
 * that stopped answering stays out until it accepts a new connection.
 * <p>
 * Longer than this project's usual 300 lines on purpose: connecting, sending, answering, timing
 * out and reconnecting all change the same state (the connection and the batches in flight on it),
 * and the rule that no batch is left unanswered when a connection is lost reads in one place.
 */
public final class RelayClient implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RelayClient.class);

	/** Set on a connection whose peer offered to read frames of version 2. */
	private static final AttributeKey<Boolean> READS_DIGESTS = AttributeKey.valueOf("relay.readsDigests");

	private final String target;

	private final RelayClientOptions options;

	private final TcpClient tcpClient;

	private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

	private final AtomicLong nextBatchId = new AtomicLong(1);

	private final RelayClientMetrics metrics;

	private volatile @Nullable Connection connection;

	private volatile boolean closed;

	private volatile @Nullable Disposable scheduledReconnect;

	private int failedAttempts;

	/**
	 * Creates a client; nothing happens until {@link #start()}.
	 * @param target names the peer in logs and in the {@code target} tag of the meters
	 */
	public RelayClient(String target, String host, int port, RelayClientOptions options, MeterRegistry registry) {
		this.target = target;
		this.options = options;
		this.metrics = new RelayClientMetrics(target, this);
		this.metrics.bindTo(registry);
		TcpClient client = TcpClient.create();
		SslContext tls = options.tls();
		if (tls != null) {
			client = client.secure(spec -> spec.sslContext(tls).handlerConfigurator(RelayClient::verifyHostname));
		}
		this.tcpClient = client
			.host(host)
			.port(port)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
			.doOnConnected(this::configure)
			.handle((inbound, outbound) -> receive(inbound));
	}

	/**
	 * The peer's certificate must name the host dialled, as HTTPS requires. Netty 4.2's clients do
	 * this by default (4.1's did not); said here so that it does not rest on that default.
	 */
	private static void verifyHostname(SslHandler handler) {
		SSLEngine engine = handler.engine();
		SSLParameters parameters = engine.getSSLParameters();
		parameters.setEndpointIdentificationAlgorithm("HTTPS");
		engine.setSSLParameters(parameters);
	}

	/** Starts connecting, and reconnecting whenever the connection is lost, until {@link #close()}. */
	public RelayClient start() {
		connect();
		return this;
	}

	public String target() {
		return this.target;
	}

	public boolean isConnected() {
		Connection current = this.connection;
		return current != null && !current.isDisposed();
	}

	/** Batches sent and not yet answered. */
	public int inFlight() {
		return this.pending.size();
	}

	/**
	 * Sends one batch (an encoded WriteRequest) and completes with the peer's ACK or NACK.
	 * @return the outcome, or an error {@link RelayUnavailableException} when the batch could not be
	 * delivered or answered in time
	 */
	public Mono<BatchOutcome> send(byte[] writeRequest) {
		return send(writeRequest, null);
	}

	/**
	 * Sends one batch with its digest, so that the peer need not digest it again: in a frame of
	 * version 2 once the peer has offered to read those (see {@link RelayFrame}), else, and before its
	 * offer arrives, in version 1 without the digest.
	 * @see #send(byte[])
	 */
	public Mono<BatchOutcome> send(byte[] writeRequest, @Nullable BatchDigest digest) {
		return Mono.defer(() -> {
			Connection current = this.connection;
			if (current == null || current.isDisposed()) {
				return fail(RelayUnavailableException.Cause.NOT_CONNECTED, "not connected to " + this.target);
			}
			if (this.pending.size() >= this.options.window()) {
				return fail(RelayUnavailableException.Cause.BUSY,
						this.target + " has " + this.options.window() + " batches in flight");
			}
			long batchId = this.nextBatchId.getAndIncrement();
			Pending entry = new Pending(current, System.nanoTime());
			this.pending.put(batchId, entry);
			RelayFrame frame = (digest != null && readsDigests(current)) ? RelayFrame.batch(batchId, writeRequest, digest)
					: RelayFrame.batch(batchId, writeRequest);
			ByteBuf encoded = RelayFrameCodec.encode(current.channel().alloc(), frame);
			try {
				current.channel().writeAndFlush(encoded).addListener(write -> {
					if (!write.isSuccess()) {
						// Closed between the check above and the write: fail now rather than at the ack timeout.
						failPending(batchId, "write to " + this.target + " failed: " + write.cause());
					}
				});
			}
			catch (IllegalStateException ex) {
				// Torn down so far (deregistered from its event loop) that the write cannot even be tried.
				ReferenceCountUtil.safeRelease(encoded);
				failPending(batchId, "write to " + this.target + " failed: " + ex.getMessage());
			}
			return entry.sink.asMono()
				.timeout(this.options.ackTimeout(), Mono.defer(() -> onAckTimeout(batchId, entry)))
				.doOnCancel(() -> this.pending.remove(batchId))
				.doOnNext(outcome -> this.metrics.recordOutcome(outcome, entry.startNanos))
				.doOnError(RelayUnavailableException.class, this.metrics::recordFailure);
		});
	}

	private Mono<BatchOutcome> onAckTimeout(long batchId, Pending entry) {
		if (this.pending.remove(batchId) == null) {
			// The answer raced the timeout and won: it is in the sink already.
			return entry.sink.asMono();
		}
		logger.warn("Relay to {}: no answer to batch #{} within {}; reconnecting", this.target, batchId,
				this.options.ackTimeout());
		entry.connection.dispose();
		return Mono.error(new RelayUnavailableException(RelayUnavailableException.Cause.TIMEOUT,
				this.target + " did not answer within " + this.options.ackTimeout()));
	}

	private Mono<BatchOutcome> fail(RelayUnavailableException.Cause cause, String message) {
		RelayUnavailableException failure = new RelayUnavailableException(cause, message);
		this.metrics.recordFailure(failure);
		return Mono.error(failure);
	}

	private void configure(Connection connection) {
		long heartbeatMillis = this.options.heartbeatInterval().toMillis();
		connection.addHandlerLast(new IdleStateHandler(3 * heartbeatMillis, heartbeatMillis, 0, TimeUnit.MILLISECONDS));
		connection.addHandlerLast(new HeartbeatHandler());
		connection.addHandlerLast(new RelayFrameDecoder(this.options.maxFrameBytes()));
	}

	private Mono<Void> receive(NettyInbound inbound) {
		return inbound.receiveObject().doOnNext(message -> onFrame(message, inbound)).then();
	}

	private static boolean readsDigests(Connection connection) {
		return connection.channel().hasAttr(READS_DIGESTS);
	}

	private void onFrame(Object message, NettyInbound inbound) {
		if (message instanceof FrameRejected rejected) {
			logger.warn("Relay to {}: unreadable answer: {}", this.target, rejected.reason());
			if (rejected.fatal()) {
				Connection current = this.connection;
				if (current != null) {
					current.dispose();
				}
			}
			else {
				complete(rejected.batchId(), BatchOutcome.nack(rejected.reason(), true));
			}
			return;
		}
		RelayFrame frame = (RelayFrame) message;
		if (frame.type() == FrameType.ACK) {
			complete(frame.batchId(), BatchOutcome.ack());
		}
		else if (frame.type() == FrameType.NACK) {
			Nack nack = frame.nackPayload();
			complete(frame.batchId(), BatchOutcome.nack(nack.getReason(), nack.getRetryable()));
		}
		else if (frame.offeredVersion() >= RelayFrame.VERSION_WITH_DIGEST) {
			inbound.withConnection(connection -> connection.channel().attr(READS_DIGESTS).set(Boolean.TRUE));
			logger.info("Relay to {}: the peer reads relay frames up to version {} (a batch with its digest)",
					this.target, frame.offeredVersion());
		}
	}

	private void failPending(long batchId, String message) {
		Pending entry = this.pending.remove(batchId);
		if (entry != null) {
			entry.sink.tryEmitError(new RelayUnavailableException(RelayUnavailableException.Cause.CONNECTION_LOST, message));
		}
	}

	private void complete(long batchId, BatchOutcome outcome) {
		Pending entry = this.pending.remove(batchId);
		if (entry != null) {
			entry.sink.tryEmitValue(outcome);
		}
	}

	private void connect() {
		if (this.closed) {
			return;
		}
		this.tcpClient.connect().subscribe(this::onConnected, this::onConnectFailed);
	}

	private void onConnected(Connection connection) {
		if (this.closed) {
			connection.dispose();
			return;
		}
		synchronized (this) {
			this.failedAttempts = 0;
		}
		this.connection = connection;
		logger.info("Relay to {}: connected ({})", this.target, connection.address());
		connection.onDispose(() -> onDisconnected(connection));
	}

	private void onDisconnected(Connection lost) {
		if (this.connection == lost) {
			this.connection = null;
		}
		this.pending.entrySet().removeIf(entry -> {
			if (entry.getValue().connection != lost) {
				return false;
			}
			entry.getValue().sink.tryEmitError(new RelayUnavailableException(
					RelayUnavailableException.Cause.CONNECTION_LOST, "connection to " + this.target + " lost"));
			return true;
		});
		if (!this.closed) {
			logger.warn("Relay to {}: connection lost; reconnecting", this.target);
			scheduleReconnect();
		}
	}

	private void onConnectFailed(Throwable error) {
		logger.warn("Relay to {}: cannot connect: {}", this.target, error.getMessage());
		scheduleReconnect();
	}

	private void scheduleReconnect() {
		if (this.closed) {
			return;
		}
		Duration delay;
		synchronized (this) {
			delay = backoff(this.failedAttempts++);
		}
		this.metrics.reconnects.increment();
		this.scheduledReconnect = Mono.delay(delay).subscribe(tick -> connect());
	}

	private Duration backoff(int attempt) {
		long min = this.options.minBackoff().toMillis();
		long max = this.options.maxBackoff().toMillis();
		long exponential = (attempt >= 30) ? max : Math.min(max, min << attempt);
		// Full jitter on the upper half, so many clients restarted together do not reconnect in step.
		long jittered = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
		return Duration.ofMillis(Math.max(min, jittered));
	}

	@Override
	public void close() {
		this.closed = true;
		Disposable reconnect = this.scheduledReconnect;
		if (reconnect != null) {
			reconnect.dispose();
		}
		Connection current = this.connection;
		if (current != null) {
			current.disposeNow(Duration.ofSeconds(5));
		}
		this.metrics.remove();
	}

	private static final class Pending {

		final Sinks.One<BatchOutcome> sink = Sinks.one();

		final Connection connection;

		final long startNanos;

		Pending(Connection connection, long startNanos) {
			this.connection = connection;
			this.startNanos = startNanos;
		}

	}

	/** Sends a heartbeat when the connection has been quiet for a while; closes it when the peer went silent. */
	private final class HeartbeatHandler extends ChannelDuplexHandler {

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
			if (event instanceof IdleStateEvent idle) {
				if (idle.state() == IdleState.WRITER_IDLE) {
					RelayFrame heartbeat = RelayFrame.heartbeat(0);
					ctx.writeAndFlush(RelayFrameCodec.encode(ctx.alloc(), heartbeat));
				}
				else if (idle.state() == IdleState.READER_IDLE) {
					logger.warn("Relay to {}: peer silent for {}; closing connection", RelayClient.this.target,
							RelayClient.this.options.heartbeatInterval().multipliedBy(3));
					ctx.close();
				}
				return;
			}
			super.userEventTriggered(ctx, event);
		}

	}

}
