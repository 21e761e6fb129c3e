package io.prometheusrelay.rsocket.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheusrelay.rsocket.wire.ClientSetup;
import io.prometheusrelay.rsocket.wire.HpkeScrapeCipher;
import io.prometheusrelay.rsocket.wire.LegacyScrapeCipher;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.exceptions.RejectedSetupException;
import io.rsocket.transport.ClientTransport;
import io.rsocket.util.DefaultPayload;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Keeps one RSocket connection from an application to the Prometheus RSocket proxy, through which the
 * proxy pulls the application's scrapes; reconnects with backoff whenever the connection is lost.
 * The API is that of micrometer's prometheus-rsocket-client:
 * {@code PrometheusRSocketClient.build(registry, transport).connect()}, {@code close()},
 * {@code pushAndClose()} and {@code pushAndCloseBlockingly()} for short-lived applications.
 * <p>
 * Offers the stronger scheme in SETUP (HPKE: X25519, HKDF-SHA256, AES-GCM; authenticated), with the
 * application's identity labels and an optional token; this project's proxy takes the offer. The
 * original proxy ignores it and sends its RSA key, and the client then speaks the original scheme, so
 * it works with micrometer's published proxy as well.
 * <p>
 * Longer than this project's usual 300 lines on purpose: its {@link Builder} is nested, as in
 * micrometer's client, so that code written against micrometer's API compiles unchanged.
 */
public final class PrometheusRSocketClient {

	private static final Logger logger = LoggerFactory.getLogger(PrometheusRSocketClient.class);

	private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);

	/** After a refusal (a wrong token, say), which retrying soon will not cure. */
	private static final Duration REFUSED_DELAY = Duration.ofMinutes(1);

	private final ScrapeWriter scrape;

	/** The last scrape's size: the next one's buffer starts there. */
	private volatile int lastScrapeBytes = 8192;

	private final ClientTransport transport;

	private final Retry retry;

	private final Runnable onKeyReceived;

	private final Duration timeout;

	private final ClientMetrics metrics;

	private final ClientSetup setup;

	/** The proxy's key as last received: its scheme follows from its form. */
	private final AtomicReference<@Nullable ProxyKey> proxyKey = new AtomicReference<>();

	private final CountDownLatch keyReceived = new CountDownLatch(1);

	private volatile @Nullable RSocket connection;

	private volatile boolean closed;

	private volatile @Nullable Disposable connecting;

	/** Pause before reconnecting after a connection closed; longer after the proxy refused this client. */
	private volatile Duration nextReconnectDelay = RECONNECT_DELAY;

	private PrometheusRSocketClient(Builder builder) {
		this.scrape = builder.scrape;
		this.transport = builder.transport;
		this.retry = builder.retry;
		this.onKeyReceived = builder.onKeyReceived;
		this.timeout = builder.timeout;
		this.setup = new ClientSetup(ClientSetup.HPKE_SCHEME, builder.labels, builder.token);
		this.metrics = new ClientMetrics(this);
		this.metrics.bindTo(builder.registry);
	}

	/** The usual case: scrape the registry, and record the client's own meters in it too. */
	public static Builder build(PrometheusMeterRegistry registry, ClientTransport transport) {
		// Written as bytes, straight into the buffer that is compressed: no string of the whole scrape.
		return new Builder(registry, registry::scrape, transport);
	}

	/** Your own scrape (several registries, say); the client's meters go to {@code registry}. */
	public static <M extends MeterRegistry> Builder build(M registry, Supplier<String> scrape, ClientTransport transport) {
		Objects.requireNonNull(scrape, "scrape");
		return new Builder(registry, out -> out.write(scrape.get().getBytes(StandardCharsets.UTF_8)), transport);
	}

	private void start() {
		// The offer of the stronger scheme, with identity and token. This project's proxy answers with an
		// X25519 key; micrometer's proxy ignores the offer and sends its RSA key, and both work.
		Mono<RSocket> connect = RSocketConnector.create()
			.dataMimeType(ClientSetup.MIME_TYPE)
			.setupPayload(DefaultPayload.create(this.setup.encode()))
			// RSocketConnector releases the SETUP payload it hands the acceptor; releasing it here too frees a
			// pooled buffer twice.
			.acceptor((setup, proxy) -> Mono.just(new ScrapeResponder()))
			.connect(this.transport)
			.doOnSubscribe(subscription -> this.metrics.attempt())
			.retryWhen(this.retry);
		// The proxy pulls, so the client must stay connected on its own: connect, wait for the
		// connection to close, connect again, until close().
		this.connecting = connect.doOnNext(socket -> {
			if (this.closed) {
				socket.dispose();
				return;
			}
			this.connection = socket;
			logger.info("Connected to the Prometheus RSocket proxy");
		})
			.flatMap(socket -> socket.onClose().then(Mono.just(RECONNECT_DELAY)).onErrorResume(this::closedWith))
			.doOnNext(delay -> {
				this.connection = null;
				this.nextReconnectDelay = delay;
				if (!this.closed && delay.equals(RECONNECT_DELAY)) {
					logger.warn("Connection to the Prometheus RSocket proxy lost; reconnecting");
				}
			})
			// Never straight back: a proxy that closes every connection at once must not become a hot loop.
			.repeatWhen(closes -> closes.concatMap(ignored -> Mono.delay(this.nextReconnectDelay)))
			.takeWhile(delay -> !this.closed)
			.subscribe(delay -> {
			}, error -> logger.error("Gave up connecting to the Prometheus RSocket proxy: {}", error.toString()));
	}

	/** How a connection ended decides how long to wait before the next one. */
	private Mono<Duration> closedWith(Throwable error) {
		if (error instanceof RejectedSetupException) {
			logger.error("The Prometheus RSocket proxy refused this client: {}; retrying in {}", error.getMessage(),
					REFUSED_DELAY);
			return Mono.just(REFUSED_DELAY);
		}
		return Mono.just(RECONNECT_DELAY);
	}

	/** Whether a connection to the proxy is open now. */
	public boolean isConnected() {
		RSocket socket = this.connection;
		return !this.closed && socket != null && !socket.isDisposed();
	}

	/** Stops reconnecting and closes the connection. */
	public void close() {
		this.closed = true;
		Disposable connecting = this.connecting;
		if (connecting != null) {
			connecting.dispose();
		}
		RSocket socket = this.connection;
		// Disposal completes asynchronously; from now on the client is not connected, whatever the socket says.
		this.connection = null;
		if (socket != null) {
			socket.dispose();
		}
	}

	/** Pushes the current scrape without waiting for the proxy's answer, then closes. */
	public Mono<Void> pushAndClose() {
		return push(false).doFinally(signal -> close());
	}

	/** Pushes the current scrape and waits (at most the builder's timeout) for the proxy to take it, then closes. */
	public void pushAndCloseBlockingly() {
		pushAndCloseBlockingly(this.timeout);
	}

	/**
	 * Pushes the current scrape and waits at most {@code timeout} for the proxy to take it, then closes.
	 * A job that ends right after it started may still be connecting: the wait for the proxy's key
	 * counts towards the timeout, so its last metrics are not lost for being early.
	 */
	public void pushAndCloseBlockingly(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			if (!this.closed && this.proxyKey.get() == null) {
				awaitKey(timeout);
			}
			Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofMillis(1).toNanos()));
			push(true).timeout(left).block(left.plusSeconds(1));
			this.metrics.pushed(true);
		}
		catch (RuntimeException ex) {
			this.metrics.pushed(false);
			logger.warn("Pushing the last metrics to the proxy failed: {}", ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.metrics.pushed(false);
		}
		finally {
			close();
		}
	}

	private Mono<Void> push(boolean awaitAnswer) {
		RSocket socket = this.connection;
		ProxyKey key = this.proxyKey.get();
		if (socket == null || socket.isDisposed() || key == null) {
			return Mono.error(new IllegalStateException("not connected to the proxy (or no key received yet)"));
		}
		Payload payload = scrapePayload(key);
		return awaitAnswer ? socket.requestResponse(payload).doOnNext(Payload::release).then() : socket.fireAndForget(payload);
	}

	private Payload scrapePayload(@Nullable ProxyKey key) {
		byte[] text = scrapeBytes();
		if (key == null || (key.hpke() == null && key.rsa() == null)) {
			return DefaultPayload.create(text, LegacyScrapeCipher.PLAINTEXT.getBytes(StandardCharsets.US_ASCII));
		}
		byte[][] encrypted = (key.hpke() != null) ? key.hpke().encrypt(text)
				: LegacyScrapeCipher.encrypt(text, key.rsa());
		return DefaultPayload.create(encrypted[0], encrypted[1]);
	}

	/** The scrape as UTF-8 bytes. */
	private byte[] scrapeBytes() {
		ByteArrayOutputStream out = new ByteArrayOutputStream(this.lastScrapeBytes + 1024);
		try {
			this.scrape.writeTo(out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot scrape the registry", ex);
		}
		this.lastScrapeBytes = out.size();
		return out.toByteArray();
	}

	private void keyReceived(Payload payload) {
		ByteBuffer data = payload.getData();
		byte[] encoded = new byte[data.remaining()];
		data.get(encoded);
		payload.release();
		ProxyKey current = this.proxyKey.get();
		if (encoded.length == HpkeScrapeCipher.PUBLIC_KEY_BYTES) {
			// The proxy resends its key with every scrape: keep sealing in the same context while it is the same.
			if (current == null || current.hpke() == null || !current.hpke().sealsTo(encoded)) {
				this.proxyKey.set(new ProxyKey(new HpkeScrapeCipher.Sealer(encoded), null));
			}
		}
		else {
			this.proxyKey.set(new ProxyKey(null, LegacyScrapeCipher.readPublicKey(encoded)));
		}
		if (this.keyReceived.getCount() > 0) {
			this.keyReceived.countDown();
		}
		this.onKeyReceived.run();
	}

	boolean awaitKey(Duration timeout) throws InterruptedException {
		return this.keyReceived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** The proxy's key: X25519 (this project's proxy) or RSA (the original proxy); neither for plaintext. */
	private record ProxyKey(HpkeScrapeCipher.@Nullable Sealer hpke, @Nullable PublicKey rsa) {
	}

	/** What the proxy asks of the application: its key, then scrapes. */
	private final class ScrapeResponder implements RSocket {

		@Override
		public Mono<Void> fireAndForget(Payload payload) {
			return Mono.fromRunnable(() -> keyReceived(payload));
		}

		@Override
		public Mono<Payload> requestResponse(Payload payload) {
			return Mono.fromCallable(() -> {
				keyReceived(payload);
				Payload scrape = scrapePayload(PrometheusRSocketClient.this.proxyKey.get());
				PrometheusRSocketClient.this.metrics.scraped();
				return scrape;
			}).subscribeOn(Schedulers.boundedElastic());
		}

	}

	/** Options of a client; {@link #connect()} starts it. */
	public static final class Builder {

		private final MeterRegistry registry;

		private final ScrapeWriter scrape;

		private final ClientTransport transport;

		private Retry retry = Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(10)).maxBackoff(Duration.ofMinutes(10));

		private Runnable onKeyReceived = () -> {
		};

		private Duration timeout = Duration.ofSeconds(5);

		private final java.util.Map<String, String> labels = new java.util.LinkedHashMap<>();

		private @Nullable String token;

		Builder(MeterRegistry registry, ScrapeWriter scrape, ClientTransport transport) {
			this.registry = Objects.requireNonNull(registry, "registry");
			this.scrape = Objects.requireNonNull(scrape, "scrape");
			this.transport = Objects.requireNonNull(transport, "transport");
		}

		/** How to retry connecting; default: backoff from 10 s up to 10 min, forever. */
		public Builder retry(Retry retry) {
			this.retry = Objects.requireNonNull(retry, "retry");
			return this;
		}

		/** Runs each time the proxy sends its key (on connect, and with each scrape). */
		public Builder doOnKeyReceived(Runnable onKeyReceived) {
			this.onKeyReceived = Objects.requireNonNull(onKeyReceived, "onKeyReceived");
			return this;
		}

		/** How long blocking calls wait: {@link #connectBlockingly()}, {@link PrometheusRSocketClient#pushAndCloseBlockingly()}. Default 5 s. */
		public Builder timeout(Duration timeout) {
			this.timeout = Objects.requireNonNull(timeout, "timeout");
			return this;
		}

		/**
		 * An identity label the proxy gives every series of this application (for example
		 * {@code instance}), so instances never collide. Sent in SETUP; ignored by the original proxy.
		 */
		public Builder identityLabel(String name, String value) {
			this.labels.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
			return this;
		}

		/** The shared secret a proxy configured with tokens requires. Sent in SETUP. */
		public Builder token(String token) {
			this.token = Objects.requireNonNull(token, "token");
			return this;
		}

		/** Starts connecting in the background and returns at once. */
		public PrometheusRSocketClient connect() {
			PrometheusRSocketClient client = new PrometheusRSocketClient(this);
			client.start();
			return client;
		}

		/** Connects and waits, at most the timeout, until the proxy's key has arrived (a push is then possible). */
		public PrometheusRSocketClient connectBlockingly() {
			return connectBlockingly(this.timeout);
		}

		public PrometheusRSocketClient connectBlockingly(Duration timeout) {
			PrometheusRSocketClient client = connect();
			try {
				if (!client.awaitKey(timeout)) {
					logger.warn("Not connected to the Prometheus RSocket proxy within {}; still trying", timeout);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return client;
		}

	}

	/** Writes one scrape in the text format, UTF-8. */
	@FunctionalInterface
	private interface ScrapeWriter {

		void writeTo(OutputStream out) throws IOException;

	}

}
