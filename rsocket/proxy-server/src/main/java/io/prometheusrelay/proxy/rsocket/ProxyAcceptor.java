package io.prometheusrelay.proxy.rsocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import io.prometheusrelay.proxy.auth.Tokens;
import io.prometheusrelay.rsocket.wire.ClientSetup;

import io.prometheusrelay.rsocket.wire.LegacyScrapeCipher;
import io.prometheusrelay.rsocket.wire.ScrapeRejectedException;
import io.prometheusrelay.rsocket.wire.ScrapeText;
import io.rsocket.ConnectionSetupPayload;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.exceptions.RejectedSetupException;
import io.rsocket.util.DefaultPayload;
import io.rsocket.util.EmptyPayload;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Accepts an application's connection: reads what it offers in SETUP (this project's client offers
 * HPKE, its identity labels and maybe a token; the original client offers nothing and gets the
 * original scheme), registers it, sends it the proxy's key for its scheme (so it can push its last
 * metrics even before the first scrape), and answers its pushes. A connection with a wrong or
 * missing required token, or past the limit, is refused at setup and counted.
 */
public final class ProxyAcceptor implements SocketAcceptor {

	private static final Logger logger = LoggerFactory.getLogger(ProxyAcceptor.class);

	private static final byte[] PLAINTEXT = LegacyScrapeCipher.PLAINTEXT.getBytes(StandardCharsets.US_ASCII);

	private final ConnectionRegistry connections;

	private final ProxyKeys keys;

	private final ProxyMetrics metrics;

	private final String identityLabel;

	private final int maxScrapeBytes;

	private final Tokens tokens;

	private final boolean allowLegacy;

	private final boolean allowPlaintext;

	/**
	 * @param tokens shared secrets a client must present in SETUP; empty for none (then clients of the
	 * original scheme, which cannot present one, are accepted if {@code allowLegacy})
	 * @param allowPlaintext whether clients of the original scheme are told to send their scrapes
	 * unencrypted (the original protocol's "plaintext" key), for networks that are already encrypted
	 */
	public ProxyAcceptor(ConnectionRegistry connections, ProxyKeys keys, ProxyMetrics metrics, String identityLabel,
			int maxScrapeBytes, List<String> tokens, boolean allowLegacy, boolean allowPlaintext) {
		this.connections = connections;
		this.keys = keys;
		this.metrics = metrics;
		this.identityLabel = identityLabel;
		this.maxScrapeBytes = maxScrapeBytes;
		this.tokens = new Tokens(tokens);
		this.allowLegacy = allowLegacy;
		this.allowPlaintext = allowPlaintext;
	}

	@Override
	public Mono<RSocket> accept(ConnectionSetupPayload setup, RSocket sendingSocket) {
		ClientSetup offer;
		try {
			offer = ClientSetup.MIME_TYPE.equals(setup.dataMimeType()) ? ClientSetup.decode(setup.getDataUtf8()) : null;
		}
		catch (ScrapeRejectedException ex) {
			return refuse("malformed_setup", "unreadable setup: " + ex.getMessage());
		}
		// Not released here: RSocketServer releases the SETUP payload once the acceptor's Mono ends, and a
		// second release frees a pooled buffer that is still in use (seen as corrupted connections under load).
		if (offer == null && (!this.allowLegacy || !this.tokens.isEmpty())) {
			return refuse("legacy_not_allowed", this.tokens.isEmpty() ? "the original scheme is not allowed here"
					: "a token is required; clients of the original scheme cannot present one");
		}
		if (offer != null && !ClientSetup.HPKE_SCHEME.equals(offer.scheme())) {
			return refuse("unsupported_scheme", "unsupported scheme '" + offer.scheme() + "'");
		}
		if (!this.tokens.isEmpty() && (offer == null || !this.tokens.accepts(offer.token()))) {
			return refuse("invalid_token", "invalid token");
		}
		// Sorted by name: stable output, whatever order the client listed them in.
		Map<String, String> identity = new java.util.TreeMap<>();
		if (offer != null) {
			identity.putAll(offer.labels());
		}
		ClientConnection connection = this.connections.register(sendingSocket, identity, this.identityLabel, offer != null);
		if (connection == null) {
			return refuse("max_connections", "proxy at its connection limit");
		}
		// RSocket offers no other hook for a connection's end than subscribing to onClose.
		sendingSocket.onClose().doFinally(signal -> this.connections.closed(connection)).subscribe();
		logger.debug("Connection {} accepted ({})", connection.id(), connection.usesHpke() ? "HPKE" : "original scheme");
		return sendingSocket.fireAndForget(keyPayload(connection))
			.onErrorResume(ex -> Mono.empty())
			.thenReturn(new PushResponder(connection));
	}

	private Mono<RSocket> refuse(String reason, String message) {
		this.metrics.rejectedConnection(reason);
		logger.info("Connection refused at setup: {}", message);
		return Mono.error(new RejectedSetupException(message));
	}

	/** The proxy's key for this connection's scheme, sent on connect and with every scrape request. */
	public Payload keyPayload(ClientConnection connection) {
		if (connection.usesHpke()) {
			return DefaultPayload.create(this.keys.hpkePublicKey());
		}
		return DefaultPayload.create(this.allowPlaintext ? PLAINTEXT : this.keys.encodedPublicKey());
	}

	/**
	 * Decrypts one scrape payload (a pulled scrape or a push) of this connection into its UTF-8 text.
	 * @param buffers given the text's length, a buffer at least that long to decompress it into
	 */
	public ScrapeText decrypt(ClientConnection connection, Payload payload, IntFunction<byte[]> buffers) {
		byte[] data = bytes(payload.getData());
		byte[] metadata = bytes(payload.getMetadata());
		if (connection.usesHpke()) {
			return connection.hpkeOpener(this.keys.hpkeKeys()).decrypt(data, metadata, this.maxScrapeBytes, buffers);
		}
		return Arrays.equals(metadata, PLAINTEXT) ? plaintext(data) : decryptLegacy(data, metadata, buffers);
	}

	/** An unencrypted scrape of the original protocol: only when the operator allows it. */
	private ScrapeText plaintext(byte[] data) {
		if (!this.allowPlaintext) {
			throw new ScrapeRejectedException("plaintext_not_allowed", "unencrypted scrape, and plaintext is not allowed");
		}
		if (data.length > this.maxScrapeBytes) {
			throw new ScrapeRejectedException("too_large",
					"scrape of " + data.length + " bytes exceeds the limit of " + this.maxScrapeBytes);
		}
		return new ScrapeText(data, data.length);
	}

	/** With the current RSA key, or, after a rotation, the previous one the client may still have used. */
	private ScrapeText decryptLegacy(byte[] data, byte[] metadata, IntFunction<byte[]> buffers) {
		ProxyKeys.RsaKeys rsa = this.keys.rsa();
		try {
			return LegacyScrapeCipher.decrypt(data, metadata, rsa.currentPrivate(), this.maxScrapeBytes, buffers);
		}
		catch (ScrapeRejectedException ex) {
			if (rsa.previous() == null || !"undecryptable".equals(ex.reasonTag())) {
				throw ex;
			}
			return LegacyScrapeCipher.decrypt(data, metadata, rsa.previous().getPrivate(), this.maxScrapeBytes,
					buffers);
		}
	}

	private static byte[] bytes(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.get(bytes);
		return bytes;
	}

	/** What an application may send on its own: its last metrics before it goes away. */
	private final class PushResponder implements RSocket {

		private final ClientConnection connection;

		PushResponder(ClientConnection connection) {
			this.connection = connection;
		}

		// Decrypting (RSA or HPKE) and decompressing up to max-scrape-size are CPU work: off the RSocket
		// event loops, as a pulled scrape's are.
		@Override
		public Mono<Payload> requestResponse(Payload payload) {
			return Mono.fromCallable(() -> {
				accept(payload);
				return (Payload) EmptyPayload.INSTANCE;
			}).subscribeOn(Schedulers.parallel());
		}

		@Override
		public Mono<Void> fireAndForget(Payload payload) {
			return Mono.fromRunnable(() -> accept(payload))
				.subscribeOn(Schedulers.parallel())
				.onErrorResume(ex -> Mono.empty())
				.then();
		}

		private void accept(Payload payload) {
			try {
				// Its own buffer: a push outlives the connection, and is served once.
				ScrapeText scrape = decrypt(this.connection, payload, byte[]::new);
				if (!ProxyAcceptor.this.connections.pushed(this.connection, scrape)) {
					throw new ScrapeRejectedException("over_budget", "the pushes of departing applications already "
							+ "hold as many pushes or bytes as max-dying-pushes and max-dying-push-size allow");
				}
				ProxyAcceptor.this.metrics.pushed();
			}
			catch (ScrapeRejectedException ex) {
				ProxyAcceptor.this.metrics.clientScrape("push_" + ex.reasonTag());
				logger.warn("Connection {}: push refused: {}", this.connection.id(), ex.getMessage());
				throw ex;
			}
			finally {
				payload.release();
			}
		}

	}

}
